// Shared wiring of the order step Lambdas: Powertools logger with the Lambda context, and an error log that tells
// expected domain outcomes (warn) from faults (error) while rethrowing, so Step Functions sees the error name.
import type { Logger } from "@aws-lambda-powertools/logger";
import type middy from "@middy/core";
import { DomainError } from "../../../layers/core/src/domain/errors";

export function logErrors(logger: Logger): middy.MiddlewareObj {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof DomainError) {
        logger.warn("step ended with a domain error", { errorName: error.name, code: error.code });
      } else {
        logger.error("step failed", error as Error);
      }
    },
  };
}
