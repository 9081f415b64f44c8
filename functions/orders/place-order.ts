// Lambda: PlaceOrder step. Input: the order with $.reservation; output: $.placement.
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { dynamodb } from "../../layers/core/src/aws/clients";
import { env, fleetQueueUrl } from "../../layers/core/src/aws/env";
import { placeOrder } from "./logic/place-order";
import { PlaceInput, type Placement } from "./logic/state";
import { logErrors } from "./logic/step-handler";

const logger = new Logger({ serviceName: "orders" });
const config = env();
const deps = { table: { client: dynamodb, tableName: config.TABLE_NAME }, queueUrlFor: fleetQueueUrl };

export const handler = middy<unknown, Placement>()
  .use(injectLambdaContext(logger))
  .use(logErrors(logger))
  .handler(async (event) => placeOrder(deps, PlaceInput.parse(event)));
