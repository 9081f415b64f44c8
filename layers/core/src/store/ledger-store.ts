// The ledger (DESIGN §5, TigerBeetle's model): credits into buyer wallets, balances and entry listing. Two-phase
// transfers (holds) live in hold-store.ts and are re-exported here.
import { GetItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { IdempotencyConflictError, NotFoundError, ValidationError } from "../domain/errors";
import type { FundingSource } from "../domain/funding";
import { creditTransferId } from "../domain/ids";
import { getAccount } from "./account-store";
import { accountPartition, BALANCE_SHARD_SK_PREFIX, balanceKey, creditRefKey, ENTRY_SK_PREFIX } from "./keys";
import {
  BAL,
  bucketAttribute,
  bucketsOf,
  buyerBalanceOf,
  issuanceAccountId,
  shardAddItem,
  transferItems,
} from "./ledger-rows";
import {
  big,
  type Item,
  keyItem,
  optStr,
  put,
  str,
  type TableRef,
  TransactionCancelled,
  transact,
  update,
} from "./table";

export * from "./hold-store";

export interface BalanceView {
  readonly availableMicros: bigint;
  readonly postedMicros: bigint;
  readonly heldMicros: bigint;
  readonly creditLimitMicros: bigint;
  readonly bySource: readonly {
    source: FundingSource;
    issuer?: string;
    amountMicros: bigint;
    expiresAt?: string;
  }[];
}

export interface CreditInput {
  readonly accountId: string;
  readonly amountMicros: bigint;
  readonly source: FundingSource;
  readonly reference: string;
  readonly issuer?: string;
  readonly expiresAt?: string;
}

const SOURCES: readonly FundingSource[] = ["paid", "gift", "voucher"];
const MAX_REFERENCE_LENGTH = 200;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function validateCredit(input: CreditInput): void {
  if (typeof input.amountMicros !== "bigint" || input.amountMicros <= 0n) {
    throw new ValidationError("amount_micros must be > 0", "amount_micros");
  }
  if (!SOURCES.includes(input.source))
    throw new ValidationError("source must be paid|gift|voucher", "source");
  if (
    typeof input.reference !== "string" ||
    input.reference.length === 0 ||
    input.reference.length > MAX_REFERENCE_LENGTH
  ) {
    throw new ValidationError(`reference must be 1..${MAX_REFERENCE_LENGTH} characters`, "reference");
  }
  if (input.expiresAt !== undefined && !ISO.test(input.expiresAt)) {
    throw new ValidationError("expires_at must be an ISO 8601 UTC timestamp", "expires_at");
  }
  if (
    input.issuer !== undefined &&
    (input.issuer.length === 0 || input.issuer.length > MAX_REFERENCE_LENGTH)
  ) {
    throw new ValidationError("issuer must be 1..200 characters", "issuer");
  }
}

/**
 * Credits a buyer wallet from the issuance account of the source. `reference` is unique per account: a replay is a
 * no-op returning the first transfer id (and the current balance).
 */
export async function creditAccount(
  t: TableRef,
  input: CreditInput,
): Promise<{ transferId: string; balance: BalanceView; replayed: boolean }> {
  validateCredit(input);
  const transferId = creditTransferId(input.accountId, input.reference);
  const createdAt = new Date().toISOString();
  const bucket = bucketAttribute(input);
  const items = [
    put(
      t,
      {
        ...creditRefKey(input.accountId, input.reference),
        kind: "creditref",
        transferId,
        amountMicros: input.amountMicros,
        source: input.source,
        ...(input.issuer ? { issuer: input.issuer } : {}),
        ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
        createdAt,
      },
      "attribute_not_exists(pk)",
    ),
    update(t, balanceKey(input.accountId), "ADD #pc :a, #av :a, #sp :a, #b :a", {
      condition: "attribute_exists(pk)",
      names: { "#pc": BAL.postedCredits, "#av": BAL.available, "#sp": BAL.spendable, "#b": bucket },
      values: { ":a": input.amountMicros },
    }),
    shardAddItem(t, issuanceAccountId(input.source), "debit", input.amountMicros),
    ...transferItems(t, {
      id: transferId,
      type: `credit.${input.source}`,
      debitAccountId: issuanceAccountId(input.source),
      creditAccountId: input.accountId,
      amountMicros: input.amountMicros,
      createdAt,
    }),
  ];
  try {
    await transact(t, `credit:${transferId}`, items);
    return { transferId, balance: await getBalance(t, input.accountId), replayed: false };
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
    const old = error.oldItem(0);
    if (error.failedAt(0) && old) {
      // A replay must be the same credit: the same reference with other terms is a client bug, not a no-op.
      const same =
        big(old, "amountMicros") === input.amountMicros &&
        (optStr(old, "source") ?? input.source) === input.source &&
        optStr(old, "issuer") === input.issuer &&
        optStr(old, "expiresAt") === input.expiresAt;
      if (!same) {
        throw new IdempotencyConflictError(
          `reference ${input.reference} was already used for a different credit on this account`,
          "reference",
        );
      }
      return {
        transferId: str(old, "transferId"),
        balance: await getBalance(t, input.accountId),
        replayed: true,
      };
    }
    if (error.failedAt(1)) throw new NotFoundError(`no buyer account ${input.accountId}`, "account_id");
    throw error;
  }
}

export async function getBalance(t: TableRef, accountId: string): Promise<BalanceView> {
  const row = await t.client.send(
    new GetItemCommand({ TableName: t.tableName, Key: keyItem(balanceKey(accountId)), ConsistentRead: true }),
  );
  if (row.Item) {
    const b = buyerBalanceOf(row.Item);
    return {
      availableMicros: b.available,
      postedMicros: b.postedCredits - b.postedDebits,
      heldMicros: b.pendingDebits,
      creditLimitMicros: b.creditLimit,
      bySource: bucketsOf(row.Item)
        .filter((x) => x.amountMicros !== 0n)
        .map((x) => ({ ...x })),
    };
  }
  const shards = await shardRows(t, accountId);
  if (shards.length === 0 && (await getAccount(t, accountId)) === undefined && !isSystemAccount(accountId)) {
    throw new NotFoundError(`no account ${accountId}`);
  }
  let posted = 0n;
  for (const s of shards) posted += big(s, BAL.postedCredits) - big(s, BAL.postedDebits);
  return {
    availableMicros: posted,
    postedMicros: posted,
    heldMicros: 0n,
    creditLimitMicros: 0n,
    bySource: [],
  };
}

function isSystemAccount(accountId: string): boolean {
  return accountId.startsWith("iss_") || accountId.startsWith("plat_");
}

async function shardRows(t: TableRef, accountId: string): Promise<Item[]> {
  const out = await t.client.send(
    new QueryCommand({
      TableName: t.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
      ExpressionAttributeValues: {
        ":pk": { S: accountPartition(accountId) },
        ":p": { S: BALANCE_SHARD_SK_PREFIX },
      },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

export interface LedgerEntry {
  readonly id: string;
  readonly type: string;
  readonly amountMicros: bigint;
  readonly direction: "debit" | "credit";
  readonly orderId?: string;
  readonly createdAt: string;
}

const MAX_PAGE = 100;

function encodeCursor(key: Record<string, { S?: string }>): string {
  return Buffer.from(JSON.stringify({ pk: key.pk?.S, sk: key.sk?.S })).toString("base64url");
}

function decodeCursor(cursor: string, accountId: string): Item {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as {
      pk?: unknown;
      sk?: unknown;
    };
    if (
      parsed.pk === accountPartition(accountId) &&
      typeof parsed.sk === "string" &&
      parsed.sk.startsWith(ENTRY_SK_PREFIX)
    ) {
      return { pk: { S: parsed.pk }, sk: { S: parsed.sk } };
    }
  } catch {
    // fall through: any undecodable cursor is the client's error
  }
  throw new ValidationError("cursor is not valid for this listing", "cursor");
}

/** Entries of an account, newest first, paginated with an opaque cursor. */
export async function listEntries(
  t: TableRef,
  accountId: string,
  page: { limit?: number; cursor?: string } = {},
): Promise<{ data: LedgerEntry[]; nextCursor: string | null }> {
  const limit = page.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new ValidationError(`limit must be 1..${MAX_PAGE}`, "limit");
  }
  const out = await t.client.send(
    new QueryCommand({
      TableName: t.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
      ExpressionAttributeValues: { ":pk": { S: accountPartition(accountId) }, ":p": { S: ENTRY_SK_PREFIX } },
      ScanIndexForward: false,
      Limit: limit,
      ...(page.cursor ? { ExclusiveStartKey: decodeCursor(page.cursor, accountId) } : {}),
    }),
  );
  const data = (out.Items ?? []).map((item) => {
    const orderId = optStr(item, "orderId");
    return {
      id: str(item, "id"),
      type: str(item, "type"),
      amountMicros: big(item, "amountMicros"),
      direction: str(item, "direction") as "debit" | "credit",
      ...(orderId ? { orderId } : {}),
      createdAt: str(item, "createdAt"),
    };
  });
  const last = out.LastEvaluatedKey;
  return { data, nextCursor: last ? encodeCursor(last as Record<string, { S?: string }>) : null };
}
