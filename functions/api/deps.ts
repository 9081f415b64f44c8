import type { Logger } from "@aws-lambda-powertools/logger";
import type { SFNClient } from "@aws-sdk/client-sfn";
import type { APIGatewayEventRequestContextV2, APIGatewayProxyResultV2 } from "aws-lambda";
import type { JsonEvent } from "../../layers/core/src/http/middleware";
import type { TableRef } from "../../layers/core/src/store/table";

// What route handlers get: adapters built once at init (handler.ts) and the normalized event.

export interface Deps {
  readonly table: TableRef;
  readonly sfn: SFNClient;
  readonly stateMachineArn: string | undefined;
  readonly syncWaitMs: number;
  readonly logger: Logger;
}

/** The event after our middlewares, with the authorizer context API Gateway adds on authorized routes. */
export type ApiEvent = Omit<JsonEvent, "requestContext"> & {
  readonly requestContext: APIGatewayEventRequestContextV2 & {
    readonly authorizer?: { readonly lambda?: Record<string, unknown> };
  };
  pathParameters: Record<string, string | undefined>;
  queryStringParameters: Record<string, string | undefined>;
};

export type RouteHandler = (event: ApiEvent) => Promise<APIGatewayProxyResultV2>;

export interface RouteDef {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly handler: RouteHandler;
}
