// ReleaseFunds (the Catch path): void the hold, free the fleet slot if the order was placed, and mark the order
// failed with the error that ended it. Every part is idempotent, so the step can be retried.
import { ERROR_CODES, type LimitSource } from "../../../layers/core/src/domain/errors";
import { holdIdFor } from "../../../layers/core/src/domain/ids";
import { voidHold } from "../../../layers/core/src/store/hold-store";
import { markOrderFailed, type OrderError } from "../../../layers/core/src/store/order-store";
import type { TableRef } from "../../../layers/core/src/store/table";
import type { ReleaseInput } from "./state";

export interface ReleaseDeps {
  readonly table: TableRef;
  readonly now: () => Date;
}

export interface ReleaseOutput {
  readonly orderId: string;
  readonly status: string;
  readonly error: OrderError;
  readonly holdVoided: boolean;
}

/**
 * Errors that end an order as timed_out rather than failed (DESIGN §6 statuses): the order outran its time
 * budget. A missed heartbeat is not one of them: the worker was lost, a platform failure, so the order is
 * `failed` (billed 0) and may be retried elsewhere.
 */
const TIMEOUT_ERRORS = new Set(["States.Timeout"]);

const LIMIT_SOURCES: readonly LimitSource[] = ["balance", "credit_limit", "in_flight_holds", "voucher_scope"];
const MAX_MESSAGE_LENGTH = 500;

/** `$.error` from a Catch: Error is the name; Cause is the Lambda error JSON {errorType, errorMessage} or text. */
export function orderErrorOf(error: ReleaseInput["error"]): OrderError {
  const name = error?.Error ?? "UnknownError";
  let message = error?.Cause ?? "";
  try {
    const cause = JSON.parse(message) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof cause.errorMessage === "string") message = cause.errorMessage;
  } catch {
    // a non-JSON cause (States.Timeout, ...) is the message itself
  }
  const limit = /\(limit: ([a-z_]+)\)/.exec(message)?.[1] as LimitSource | undefined;
  return {
    name,
    code: ERROR_CODES[name] ?? "internal_error",
    message: message.slice(0, MAX_MESSAGE_LENGTH) || name,
    ...(limit && LIMIT_SOURCES.includes(limit) ? { limitSource: limit } : {}),
  };
}

export async function releaseFunds(deps: ReleaseDeps, input: ReleaseInput): Promise<ReleaseOutput> {
  const now = deps.now();
  const error = orderErrorOf(input.error);
  const holdId = input.reservation?.holdId ?? holdIdFor(input.orderId);
  const voided = await voidHold(deps.table, { holdId, now });
  const { order } = await markOrderFailed(
    deps.table,
    {
      orderId: input.orderId,
      accountId: input.accountId,
      model: input.model,
      createdAt: input.createdAt,
      error,
      // No usage is known when the worker never answered, so a timed-out order is charged 0 (the hold is voided).
      status: TIMEOUT_ERRORS.has(error.name) ? "timed_out" : "failed",
    },
    now,
  );
  return {
    orderId: input.orderId,
    status: order?.status ?? "failed",
    error: order?.error ?? error,
    holdVoided: !voided.replayed,
  };
}
