// ReserveFunds: price the worst case of the call, hold it, and record the order as queued, in one transaction.
import { modelById } from "../../../layers/core/src/catalog/catalog";
import {
  ConflictError,
  InsufficientFundsError,
  UnknownModelError,
  ValidationError,
} from "../../../layers/core/src/domain/errors";
import { holdIdFor } from "../../../layers/core/src/domain/ids";
import { formatMicros } from "../../../layers/core/src/domain/money";
import { worstCaseHoldMicros } from "../../../layers/core/src/domain/pricing";
import { estimatePromptTokens } from "../../../layers/core/src/domain/tokens";
import { createHold } from "../../../layers/core/src/store/hold-store";
import { getOrder, markOrderFailed, reserveOrderItem } from "../../../layers/core/src/store/order-store";
import { type TableRef, TransactionCancelled } from "../../../layers/core/src/store/table";
import type { OrderInput, Reservation } from "./state";

/** Completion budget when the request sets none: bounded so an unset max_tokens does not hold a whole context. */
export const DEFAULT_MAX_TOKENS = 4_096;

export interface ReserveDeps {
  readonly table: TableRef;
  readonly holdTtlSeconds: number;
  readonly now: () => Date;
}

export async function reserveFunds(deps: ReserveDeps, input: OrderInput): Promise<Reservation> {
  const model = modelById(input.model);
  if (model === undefined) throw new UnknownModelError(input.model);
  if (input.request.messages.length === 0)
    throw new ValidationError("messages must not be empty", "messages");

  const promptTokensEstimate = estimatePromptTokens(input.request.messages);
  if (promptTokensEstimate >= model.contextLength) {
    throw new ValidationError(
      `the prompt (~${promptTokensEstimate} tokens) exceeds the context of ${model.id} (${model.contextLength})`,
      "messages",
    );
  }
  const room = model.contextLength - promptTokensEstimate;
  const maxTokens = input.request.max_tokens ?? Math.min(DEFAULT_MAX_TOKENS, room);
  if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > room) {
    throw new ValidationError(`max_tokens must be 1..${room} for this prompt and model`, "max_tokens");
  }

  const heldMicros = worstCaseHoldMicros(model, promptTokensEstimate, maxTokens);
  const now = deps.now();
  const holdId = holdIdFor(input.orderId);
  const expiresAt = new Date(now.getTime() + deps.holdTtlSeconds * 1000).toISOString();
  const order = {
    orderId: input.orderId,
    accountId: input.accountId,
    model: model.id,
    createdAt: input.createdAt,
  };
  try {
    const { hold } = await createHold(
      deps.table,
      { holdId, accountId: input.accountId, orderId: input.orderId, amountMicros: heldMicros, expiresAt },
      [reserveOrderItem(deps.table, { ...order, holdId, heldMicros }, now.toISOString())],
    );
    return {
      holdId,
      heldMicros: formatMicros(hold.amountMicros),
      expiresAt: hold.expiresAt,
      promptTokensEstimate,
      maxTokens,
    };
  } catch (error) {
    if (error instanceof InsufficientFundsError) {
      // The order row records why (limit_source): Lambda error causes carry only the type and message.
      await markOrderFailed(deps.table, {
        ...order,
        error: { name: error.name, code: error.code, message: error.message, limitSource: error.limitSource },
      });
      throw error;
    }
    if (error instanceof TransactionCancelled && error.failedAt(2)) {
      const current = await getOrder(deps.table, input.orderId);
      throw new ConflictError(
        `order ${input.orderId} is ${current?.status ?? "missing"}; funds not reserved`,
      );
    }
    throw error;
  }
}
