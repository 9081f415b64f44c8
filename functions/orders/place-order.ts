// Lambda: PlaceOrder step. Input: the order with $.reservation; output: $.placement.
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { dynamodb } from "../../layers/core/src/aws/clients";
import { env, fleetQueueUrl } from "../../layers/core/src/aws/env";
import { cachedFleetLoads } from "../../layers/core/src/store/fleet-store";
import { placeOrder } from "./logic/place-order";
import { PlaceInput, type Placement } from "./logic/state";
import { logErrors } from "./logic/step-handler";

const logger = new Logger({ serviceName: "orders" });
const config = env();
const table = { client: dynamodb, tableName: config.TABLE_NAME };
/** How stale a fleet's in-flight count may be when ranking fleets (admission itself is always exact). */
const FLEET_LOADS_MAX_AGE_MS = 250;
const deps = {
  table,
  queueUrlFor: fleetQueueUrl,
  fleetLoads: cachedFleetLoads(table, FLEET_LOADS_MAX_AGE_MS),
};

export const handler = middy<unknown, Placement>()
  .use(injectLambdaContext(logger))
  .use(logErrors(logger))
  .handler(async (event) => placeOrder(deps, PlaceInput.parse(event)));
