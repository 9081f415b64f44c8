// Shared row shapes of the ledger: balance rows, funding buckets, transfers and entries. Used by ledger-store.ts
// (credits, balances, listing) and hold-store.ts (two-phase transfers).
import type { TransactWriteItem } from "@aws-sdk/client-dynamodb";
import type { FundingBucket, FundingSource } from "../domain/funding";
import { BALANCE_SHARDS, balanceShardKey, entryKey, transferKey } from "./keys";
import { big, type Item, put, type TableRef, update } from "./table";

/** System accounts. Issuance accounts (one per funding source) go negative as credits enter, so Σ balances = 0. */
export const PLATFORM_ACCOUNT_ID = "plat_fees";
export const issuanceAccountId = (source: FundingSource): string => `iss_${source}`;

/**
 * Buyer balance row attributes. `available` = postedCredits − postedDebits − pendingDebits and
 * `spendable` = available + creditLimit are kept in the same update expressions because a ConditionExpression
 * cannot do arithmetic: the constraint `available − amount ≥ −creditLimit` is checked as `spendable ≥ amount`.
 */
export const BAL = {
  postedCredits: "postedCredits",
  postedDebits: "postedDebits",
  pendingDebits: "pendingDebits",
  available: "available",
  spendable: "spendable",
  creditLimit: "creditLimit",
} as const;

/** Funding buckets are top-level numeric attributes whose name encodes the bucket, so ADD can create them. */
const BUCKET_PREFIX = "src|";

export function bucketAttribute(b: { source: FundingSource; issuer?: string; expiresAt?: string }): string {
  return `${BUCKET_PREFIX}${b.source}|${encodeURIComponent(b.issuer ?? "")}|${b.expiresAt ?? ""}`;
}

export function bucketsOf(item: Item): FundingBucket[] {
  const out: FundingBucket[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (!name.startsWith(BUCKET_PREFIX) || value.N === undefined) continue;
    const [source, issuer, expiresAt] = name.slice(BUCKET_PREFIX.length).split("|");
    out.push({
      source: source as FundingSource,
      ...(issuer ? { issuer: decodeURIComponent(issuer) } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      amountMicros: BigInt(value.N),
    });
  }
  return out;
}

export interface BuyerBalanceRow {
  postedCredits: bigint;
  postedDebits: bigint;
  pendingDebits: bigint;
  available: bigint;
  spendable: bigint;
  creditLimit: bigint;
}

export function buyerBalanceOf(item: Item): BuyerBalanceRow {
  return {
    postedCredits: big(item, BAL.postedCredits),
    postedDebits: big(item, BAL.postedDebits),
    pendingDebits: big(item, BAL.pendingDebits),
    available: big(item, BAL.available),
    spendable: big(item, BAL.spendable),
    creditLimit: big(item, BAL.creditLimit),
  };
}

export function randomShard(): number {
  return Math.floor(Math.random() * BALANCE_SHARDS);
}

/** ADD to one shard of a sharded account (creates the row on first use). */
export function shardAddItem(
  t: TableRef,
  accountId: string,
  side: "credit" | "debit",
  amountMicros: bigint,
): TransactWriteItem {
  const attr = side === "credit" ? BAL.postedCredits : BAL.postedDebits;
  return update(t, balanceShardKey(accountId, randomShard()), "ADD #a :a SET accountId = :id", {
    names: { "#a": attr },
    values: { ":a": amountMicros, ":id": accountId },
  });
}

export interface TransferRecord {
  id: string;
  type: string;
  debitAccountId: string;
  creditAccountId: string;
  amountMicros: bigint;
  orderId?: string;
  holdId?: string;
  createdAt: string;
}

/** The immutable transfer plus one entry per side: three Puts, all conditional on not existing. */
export function transferItems(t: TableRef, tr: TransferRecord): TransactWriteItem[] {
  const notExists = "attribute_not_exists(pk)";
  const entry = (accountId: string, direction: "debit" | "credit", counterparty: string) =>
    put(
      t,
      {
        ...entryKey(accountId, tr.createdAt, tr.id),
        kind: "entry",
        id: tr.id,
        type: tr.type,
        amountMicros: tr.amountMicros,
        direction,
        counterpartyAccountId: counterparty,
        orderId: tr.orderId,
        createdAt: tr.createdAt,
      },
      notExists,
    );
  return [
    put(t, { ...transferKey(tr.id), kind: "transfer", ...tr }, notExists),
    entry(tr.debitAccountId, "debit", tr.creditAccountId),
    entry(tr.creditAccountId, "credit", tr.debitAccountId),
  ];
}
