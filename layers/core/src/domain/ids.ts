// Identifiers. Random ids for new aggregates; derived ids where a retry must land on the same item (idempotency).
import { createHash, randomBytes } from "node:crypto";

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("base64url")}`;
}

function digest(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 22);
}

/** The hold of an order: one per order, so a retried ReserveFunds lands on the same hold. */
export const holdIdFor = (orderId: string): string => `hold_${orderId}`;

/** Transfers settled for an order, one per leg. */
export const settlementTransferId = (orderId: string, leg: "model" | "compute" | "platform"): string =>
  `xfer_${orderId}_${leg}`;

/** A credit's transfer id is a function of account and reference: replaying the reference finds it. */
export const creditTransferId = (accountId: string, reference: string): string =>
  `xfer_credit_${digest(accountId, reference)}`;
