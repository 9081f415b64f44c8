import { FLEETS } from "../../../layers/core/src/catalog/catalog";
import { openApiDocument } from "../../../layers/core/src/http/openapi";
import { json, toFleetList } from "../../../layers/core/src/http/responses";
import { getFleetLoads } from "../../../layers/core/src/store/fleet-store";
import type { Deps, RouteDef } from "../deps";

// Routes API Gateway serves without the authorizer.

export const publicRoutes = ({ table, logger }: Deps): RouteDef[] => [
  { method: "GET", path: "/v1/health", handler: async () => json(200, { status: "ok" }) },
  { method: "GET", path: "/openapi.json", handler: async () => json(200, openApiDocument()) },
  {
    method: "GET",
    path: "/v1/fleets",
    handler: async () => {
      // One BatchGetItem of the fleets' capacity rows. The page is informational: when the read fails it still
      // answers, with in_flight null, rather than hiding the catalog behind a storage fault.
      const loads = await getFleetLoads(
        table,
        FLEETS.map((f) => f.id),
      ).catch((error: unknown) => {
        logger.warn("fleet loads unavailable", { error: error as Error });
        return undefined;
      });
      return json(200, toFleetList(FLEETS, loads));
    },
  },
];
