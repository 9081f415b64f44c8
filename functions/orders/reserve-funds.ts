// Lambda: ReserveFunds step (docs/contracts.md "Order state machine"). Input: the order; output: $.reservation.
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { dynamodb } from "../../layers/core/src/aws/clients";
import { env } from "../../layers/core/src/aws/env";
import { reserveFunds } from "./logic/reserve-funds";
import { OrderInput, type Reservation } from "./logic/state";
import { logErrors } from "./logic/step-handler";

const logger = new Logger({ serviceName: "orders" });
const config = env();
const deps = {
  table: { client: dynamodb, tableName: config.TABLE_NAME },
  holdTtlSeconds: config.HOLD_TTL_SECONDS,
  now: () => new Date(),
};

export const handler = middy<unknown, Reservation>()
  .use(injectLambdaContext(logger))
  .use(logErrors(logger))
  .handler(async (event) => reserveFunds(deps, OrderInput.parse(event)));
