import httpRouterHandler from "@middy/http-router";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from "aws-lambda";
import { methodNotAllowed, notFound } from "../../layers/core/src/http/http-error";
import type { RouteDef } from "./deps";

// @middy/http-router with OpenAI-shaped misses: a known path with another method is a 405 (with `allow`),
// anything else a 404. The router's own miss is a text 404 from @middy/util, which clients cannot parse.

const patternOf = (path: string): RegExp =>
  new RegExp(`^${path.replace(/\{[^/]+\}/g, "[^/]+").replace(/\//g, "\\/")}\\/?$`);

export const routerFor = (routes: readonly RouteDef[]) => {
  const patterns = routes.map((r) => ({ method: r.method, pattern: patternOf(r.path) }));
  return httpRouterHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>({
    routes: routes.map((r) => ({
      method: r.method,
      path: r.path,
      handler: r.handler as unknown as (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>,
    })),
    notFoundResponse: ({ path }) => {
      const allowed = patterns.filter((p) => p.pattern.test(path)).map((p) => p.method);
      throw allowed.length > 0 ? methodNotAllowed([...new Set(allowed)]) : notFound(`Unknown route: ${path}`);
    },
  });
};
