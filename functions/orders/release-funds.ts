// Lambda: ReleaseFunds step (Catch path). Input: the state plus $.error {Error, Cause}; output: the failure summary.
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { dynamodb } from "../../layers/core/src/aws/clients";
import { env } from "../../layers/core/src/aws/env";
import { type ReleaseOutput, releaseFunds } from "./logic/release-funds";
import { ReleaseInput } from "./logic/state";
import { logErrors } from "./logic/step-handler";

const logger = new Logger({ serviceName: "orders" });
const config = env();
const deps = { table: { client: dynamodb, tableName: config.TABLE_NAME }, now: () => new Date() };

export const handler = middy<unknown, ReleaseOutput>()
  .use(injectLambdaContext(logger))
  .use(logErrors(logger))
  .handler(async (event) => {
    const input = ReleaseInput.parse(event);
    const out = await releaseFunds(deps, input);
    logger.info("order released", {
      orderId: out.orderId,
      errorName: out.error.name,
      holdVoided: out.holdVoided,
    });
    return out;
  });
