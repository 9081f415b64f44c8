// Lambda: SettleOrder step. Input: the order with $.reservation, $.placement, $.execution; output: the receipt.
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { dynamodb } from "../../layers/core/src/aws/clients";
import { env } from "../../layers/core/src/aws/env";
import type { Receipt } from "../../layers/core/src/domain/receipt";
import { settleOrder } from "./logic/settle-order";
import { SettleInput } from "./logic/state";
import { logErrors } from "./logic/step-handler";

const logger = new Logger({ serviceName: "orders" });
const config = env();
const deps = { table: { client: dynamodb, tableName: config.TABLE_NAME }, now: () => new Date() };

export const handler = middy<unknown, Receipt>()
  .use(injectLambdaContext(logger))
  .use(logErrors(logger))
  .handler(async (event) => settleOrder(deps, SettleInput.parse(event)));
