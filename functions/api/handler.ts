import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import httpEventNormalizer from "@middy/http-event-normalizer";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from "aws-lambda";
import { dynamodb, sfn } from "../../layers/core/src/aws/clients";
import { env } from "../../layers/core/src/aws/env";
import { errorResponse, jsonBody } from "../../layers/core/src/http/middleware";
import type { Deps } from "./deps";
import { routerFor } from "./router";
import { buyerRoutes } from "./routes/buyer";
import { operatorRoutes } from "./routes/operator";
import { publicRoutes } from "./routes/public";

// The api Lambda: one middy chain in front of @middy/http-router. Middlewares run in order before the route
// and in reverse on error, so errorResponse (registered right after the logger) sees every failure, including
// the body guard's, and turns it into the OpenAI error shape.

const logger = new Logger({ serviceName: "api" });
const config = env();

const deps: Deps = {
  table: { client: dynamodb, tableName: config.TABLE_NAME },
  sfn,
  stateMachineArn: config.STATE_MACHINE_ARN,
  syncWaitMs: config.SYNC_WAIT_MS,
  logger,
};

const routes = [...publicRoutes(deps), ...operatorRoutes(deps), ...buyerRoutes(deps)];

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger))
  .use(errorResponse(logger))
  .use(httpHeaderNormalizer())
  .use(httpEventNormalizer())
  .use(jsonBody())
  .handler(routerFor(routes));
