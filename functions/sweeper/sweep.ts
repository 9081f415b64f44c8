// Lambda: the sweeper (EventBridge schedule). Voids pending holds past their expiry, in bounded batches.
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { dynamodb } from "../../layers/core/src/aws/clients";
import { env } from "../../layers/core/src/aws/env";
import { expireHolds } from "../../layers/core/src/store/hold-store";

const logger = new Logger({ serviceName: "sweeper" });
const config = env();
const table = { client: dynamodb, tableName: config.TABLE_NAME };

/** At most MAX_BATCHES × BATCH_SIZE holds per run; the next scheduled run picks up the rest. */
const BATCH_SIZE = 50;
const MAX_BATCHES = 10;

export interface SweepResult {
  readonly expiredHolds: number;
  readonly batches: number;
}

export const handler = middy<unknown, SweepResult>()
  .use(injectLambdaContext(logger))
  .handler(async () => {
    let expiredHolds = 0;
    let batches = 0;
    for (; batches < MAX_BATCHES; ) {
      const { expiredHoldIds, scanned } = await expireHolds(table, { now: new Date(), limit: BATCH_SIZE });
      batches++;
      expiredHolds += expiredHoldIds.length;
      if (scanned < BATCH_SIZE) break;
    }
    logger.info("sweep done", { expiredHolds, batches });
    return { expiredHolds, batches };
  });
