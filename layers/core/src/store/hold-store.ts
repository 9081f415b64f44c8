// Two-phase transfers (DESIGN §5): a hold is a pending debit with an expiry. Post it with an amount ≤ held (the
// remainder is released), void it, or let it expire (the sweeper voids it; a late post is rejected).
import { GetItemCommand, QueryCommand, type TransactWriteItem } from "@aws-sdk/client-dynamodb";
import {
  ConflictError,
  HoldExpiredError,
  InsufficientFundsError,
  type LimitSource,
  NotFoundError,
  ValidationError,
} from "../domain/errors";
import { allocateCharge } from "../domain/funding";
import { balanceKey, holdKey, PENDING_HOLDS_GSI1PK, pendingHoldGsi1 } from "./keys";
import {
  BAL,
  type BuyerBalanceRow,
  bucketAttribute,
  bucketsOf,
  buyerBalanceOf,
  shardAddItem,
  transferItems,
} from "./ledger-rows";
import {
  big,
  type Item,
  keyItem,
  optBig,
  optStr,
  put,
  str,
  type TableRef,
  TransactionCancelled,
  TransientStoreError,
  transact,
  update,
} from "./table";

export type HoldStatus = "pending" | "posted" | "voided" | "expired";

export interface Hold {
  readonly id: string;
  readonly accountId: string;
  readonly orderId?: string;
  readonly amountMicros: bigint;
  readonly status: HoldStatus;
  readonly expiresAt: string;
  readonly createdAt: string;
  readonly postedMicros?: bigint;
}

function holdOf(item: Item): Hold {
  const orderId = optStr(item, "orderId");
  const postedMicros = optBig(item, "postedMicros");
  return {
    id: str(item, "id"),
    accountId: str(item, "accountId"),
    ...(orderId ? { orderId } : {}),
    amountMicros: big(item, "amountMicros"),
    status: str(item, "status") as HoldStatus,
    expiresAt: str(item, "expiresAt"),
    createdAt: str(item, "createdAt"),
    ...(postedMicros !== undefined ? { postedMicros } : {}),
  };
}

export async function getHold(t: TableRef, holdId: string): Promise<Hold | undefined> {
  const out = await t.client.send(
    new GetItemCommand({ TableName: t.tableName, Key: keyItem(holdKey(holdId)), ConsistentRead: true }),
  );
  return out.Item ? holdOf(out.Item) : undefined;
}

async function getBuyerBalanceItem(t: TableRef, accountId: string): Promise<Item | undefined> {
  const out = await t.client.send(
    new GetItemCommand({ TableName: t.tableName, Key: keyItem(balanceKey(accountId)), ConsistentRead: true }),
  );
  return out.Item;
}

/** Which limit refused a hold of `amount`, judged on the wallet as read after the failed condition. */
export function limitSourceFor(row: BuyerBalanceRow, amountMicros: bigint): LimitSource {
  const posted = row.postedCredits - row.postedDebits;
  if (posted + row.creditLimit >= amountMicros) return "in_flight_holds";
  return row.creditLimit > 0n ? "credit_limit" : "balance";
}

export interface CreateHoldInput {
  readonly holdId: string;
  readonly accountId: string;
  readonly orderId?: string;
  readonly amountMicros: bigint;
  readonly expiresAt: string;
}

/**
 * Places a hold in one transaction with the buyer's balance row (and `extraItems`, e.g. the order row), enforcing
 * `available − amount ≥ −creditLimit` as `spendable ≥ amount`. Creating the same hold id again returns the first.
 * Throws InsufficientFundsError (with the limit that refused), NotFoundError, or TransactionCancelled when an extra
 * item's condition failed (index ≥ 2).
 */
export async function createHold(
  t: TableRef,
  input: CreateHoldInput,
  extraItems: readonly TransactWriteItem[] = [],
): Promise<{ hold: Hold; replayed: boolean }> {
  if (input.amountMicros < 0n) throw new ValidationError("hold amount must be ≥ 0");
  const createdAt = new Date().toISOString();
  const hold: Hold = {
    id: input.holdId,
    accountId: input.accountId,
    ...(input.orderId ? { orderId: input.orderId } : {}),
    amountMicros: input.amountMicros,
    status: "pending",
    expiresAt: input.expiresAt,
    createdAt,
  };
  const items: TransactWriteItem[] = [
    put(
      t,
      { ...holdKey(hold.id), kind: "hold", ...hold, ...pendingHoldGsi1(hold.expiresAt, hold.id) },
      "attribute_not_exists(pk)",
    ),
    update(t, balanceKey(input.accountId), "ADD #pd :a, #av :neg, #sp :neg", {
      condition: "attribute_exists(pk) AND #sp >= :a",
      names: { "#pd": BAL.pendingDebits, "#av": BAL.available, "#sp": BAL.spendable },
      values: { ":a": input.amountMicros, ":neg": -input.amountMicros },
    }),
    ...extraItems,
  ];
  try {
    await transact(t, `hold:${hold.id}`, items);
    return { hold, replayed: false };
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
    const oldHold = error.oldItem(0);
    if (error.failedAt(0) && oldHold) {
      const first = holdOf(oldHold);
      if (first.accountId !== input.accountId || first.amountMicros !== input.amountMicros) {
        throw new ConflictError(`hold ${hold.id} exists with different terms`);
      }
      return { hold: first, replayed: true };
    }
    if (error.failedAt(1)) {
      const old = error.oldItem(1) ?? (await getBuyerBalanceItem(t, input.accountId));
      if (!old) throw new NotFoundError(`no buyer account ${input.accountId}`, "account_id");
      throw new InsufficientFundsError(limitSourceFor(buyerBalanceOf(old), input.amountMicros));
    }
    throw error;
  }
}

export interface PostLeg {
  readonly transferId: string;
  readonly type: string;
  readonly creditAccountId: string;
  readonly amountMicros: bigint;
}

export interface PostHoldInput {
  readonly holdId: string;
  readonly legs: readonly PostLeg[];
  readonly now?: Date;
  /**
   * What the caller already knows of the pending hold (the order state carries it). The hold is then not read
   * before the post: the transaction's conditions check its status, expiry and amount, and only a failed
   * condition reads it to say why. Saves a read on every settlement.
   */
  readonly expected?: { readonly accountId: string; readonly amountMicros: bigint; readonly orderId: string };
}

/** Bounded re-reads when a concurrent settle consumed the same funding bucket between our read and write. */
const MAX_POST_ATTEMPTS = 4;

/**
 * Posts a pending hold: the legs' total (≤ held) moves buyer → legs' accounts as immutable transfers (one entry per
 * side), the rest of the hold is released, funding buckets are consumed voucher → gift → paid. `extraItems` join
 * the same transaction (order row, capacity). Posting an already-posted hold returns `replayed: true` and does
 * nothing. Expired or voided holds are rejected with HoldExpiredError / ConflictError.
 */
export async function postHold(
  t: TableRef,
  input: PostHoldInput,
  extraItems: readonly TransactWriteItem[] = [],
): Promise<{ hold: Hold; postedMicros: bigint; releasedMicros: bigint; replayed: boolean }> {
  const now = input.now ?? new Date();
  const nowIso = now.toISOString();
  let total = 0n;
  for (const leg of input.legs) {
    if (leg.amountMicros < 0n) throw new ValidationError("a leg amount must be ≥ 0");
    total += leg.amountMicros;
  }
  for (let attempt = 1; attempt <= MAX_POST_ATTEMPTS; attempt++) {
    const known = input.expected;
    const [hold, prefetchedBalance] = known
      ? [
          {
            id: input.holdId,
            accountId: known.accountId,
            orderId: known.orderId,
            amountMicros: known.amountMicros,
            status: "pending" as const,
            expiresAt: "",
            createdAt: "",
          },
          await getBuyerBalanceItem(t, known.accountId),
        ]
      : [await getHold(t, input.holdId), undefined];
    if (!hold) throw new NotFoundError(`no hold ${input.holdId}`);
    const settled = checkPostable(hold, total, nowIso);
    if (settled) return settled;

    const balanceItem = prefetchedBalance ?? (await getBuyerBalanceItem(t, hold.accountId));
    if (!balanceItem) throw new NotFoundError(`no buyer account ${hold.accountId}`);
    const allocation = allocateCharge(bucketsOf(balanceItem), total, nowIso);

    const released = hold.amountMicros - total;
    const names: Record<string, string> = {
      "#pd": BAL.pendingDebits,
      "#pdb": BAL.postedDebits,
      "#av": BAL.available,
      "#sp": BAL.spendable,
    };
    const vals: Record<string, unknown> = { ":held": -hold.amountMicros, ":total": total, ":rel": released };
    const adds = ["#pd :held", "#pdb :total", "#av :rel", "#sp :rel"];
    const conditions = ["attribute_exists(pk)"];
    allocation.forEach(({ bucket, takeMicros }, i) => {
      names[`#b${i}`] = bucketAttribute(bucket);
      vals[`:b${i}`] = -takeMicros;
      vals[`:t${i}`] = takeMicros;
      adds.push(`#b${i} :b${i}`);
      conditions.push(`#b${i} >= :t${i}`);
    });

    const items: TransactWriteItem[] = [
      update(
        t,
        holdKey(hold.id),
        "SET #st = :posted, postedMicros = :total, postedAt = :now REMOVE gsi1pk, gsi1sk",
        {
          condition: "#st = :pending AND expiresAt > :now AND amountMicros = :amount",
          names: { "#st": "status" },
          values: {
            ":posted": "posted",
            ":pending": "pending",
            ":total": total,
            ":now": nowIso,
            ":amount": hold.amountMicros,
          },
        },
      ),
      update(t, balanceKey(hold.accountId), `ADD ${adds.join(", ")}`, {
        condition: conditions.join(" AND "),
        names,
        values: vals,
      }),
    ];
    for (const leg of input.legs) {
      if (leg.amountMicros === 0n) continue;
      items.push(
        shardAddItem(t, leg.creditAccountId, "credit", leg.amountMicros),
        ...transferItems(t, {
          id: leg.transferId,
          type: leg.type,
          debitAccountId: hold.accountId,
          creditAccountId: leg.creditAccountId,
          amountMicros: leg.amountMicros,
          ...(hold.orderId ? { orderId: hold.orderId } : {}),
          holdId: hold.id,
          createdAt: nowIso,
        }),
      );
    }
    items.push(...extraItems);
    try {
      await transact(t, `post:${hold.id}`, items);
      return {
        hold: { ...hold, status: "posted", postedMicros: total },
        postedMicros: total,
        releasedMicros: released,
        replayed: false,
      };
    } catch (error) {
      if (!(error instanceof TransactionCancelled)) throw error;
      // The hold is not (or no longer) pending, expired, or of another amount: read it and say which.
      if (error.failedAt(0)) {
        const current = error.oldItem(0) ? holdOf(error.oldItem(0) as Item) : await getHold(t, input.holdId);
        if (!current) throw new NotFoundError(`no hold ${input.holdId}`);
        const outcome = checkPostable(current, total, nowIso);
        if (outcome) return outcome;
        if (known && current.amountMicros !== known.amountMicros) {
          throw new ConflictError(`hold ${current.id} is ${current.amountMicros}, not ${known.amountMicros}`);
        }
        continue;
      }
      // A funding bucket was consumed concurrently: re-read and re-allocate.
      if (error.failedAt(1)) continue;
      throw error;
    }
  }
  throw new TransientStoreError(`hold ${input.holdId}: too much contention posting it`);
}

type PostOutcome = { hold: Hold; postedMicros: bigint; releasedMicros: bigint; replayed: boolean };

/** Why a hold cannot be posted now (throws), or the replay of an earlier post; undefined when it can be posted. */
function checkPostable(hold: Hold, total: bigint, nowIso: string): PostOutcome | undefined {
  if (hold.status === "posted") {
    const posted = hold.postedMicros ?? 0n;
    return { hold, postedMicros: posted, releasedMicros: hold.amountMicros - posted, replayed: true };
  }
  if (
    hold.status === "expired" ||
    (hold.status === "pending" && hold.expiresAt !== "" && hold.expiresAt <= nowIso)
  ) {
    throw new HoldExpiredError(`hold ${hold.id} expired at ${hold.expiresAt}`);
  }
  if (hold.status !== "pending") throw new ConflictError(`hold ${hold.id} is ${hold.status}`);
  if (total > hold.amountMicros)
    throw new ValidationError(`posting ${total} exceeds the hold ${hold.amountMicros}`);
  return undefined;
}

/**
 * Voids a pending hold (the whole amount returns to available). `reason: "expired"` only voids holds past their
 * expiry (the sweeper). Idempotent: a hold that is no longer pending is returned as is.
 */
export async function voidHold(
  t: TableRef,
  input: { holdId: string; reason?: "voided" | "expired"; now?: Date },
): Promise<{ hold: Hold | undefined; replayed: boolean }> {
  const reason = input.reason ?? "voided";
  const nowIso = (input.now ?? new Date()).toISOString();
  const hold = await getHold(t, input.holdId);
  if (hold?.status !== "pending") return { hold, replayed: true };
  if (reason === "expired" && hold.expiresAt > nowIso) return { hold, replayed: true };
  try {
    await transact(t, `void:${hold.id}`, [
      update(t, holdKey(hold.id), "SET #st = :st, voidedAt = :now REMOVE gsi1pk, gsi1sk", {
        condition: "#st = :pending",
        names: { "#st": "status" },
        values: { ":st": reason, ":pending": "pending", ":now": nowIso },
      }),
      update(t, balanceKey(hold.accountId), "ADD #pd :neg, #av :a, #sp :a", {
        condition: "attribute_exists(pk)",
        names: { "#pd": BAL.pendingDebits, "#av": BAL.available, "#sp": BAL.spendable },
        values: { ":a": hold.amountMicros, ":neg": -hold.amountMicros },
      }),
    ]);
    return { hold: { ...hold, status: reason }, replayed: false };
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedAt(0)) {
      return { hold: await getHold(t, input.holdId), replayed: true };
    }
    throw error;
  }
}

const MAX_SWEEP_BATCH = 100;

/** Voids up to `limit` pending holds whose expiry has passed (oldest expiry first). */
export async function expireHolds(
  t: TableRef,
  input: { now?: Date; limit?: number } = {},
): Promise<{ expiredHoldIds: string[]; scanned: number }> {
  const now = input.now ?? new Date();
  const limit = Math.min(Math.max(1, input.limit ?? 25), MAX_SWEEP_BATCH);
  const out = await t.client.send(
    new QueryCommand({
      TableName: t.tableName,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk AND gsi1sk < :now",
      ExpressionAttributeValues: { ":pk": { S: PENDING_HOLDS_GSI1PK }, ":now": { S: now.toISOString() } },
      Limit: limit,
    }),
  );
  const expiredHoldIds: string[] = [];
  for (const item of out.Items ?? []) {
    const result = await voidHold(t, { holdId: str(item, "id"), reason: "expired", now });
    if (!result.replayed && result.hold) expiredHoldIds.push(result.hold.id);
  }
  return { expiredHoldIds, scanned: out.Items?.length ?? 0 };
}
