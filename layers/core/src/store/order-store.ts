// Orders: one row per order (ORDER#<id>), listed per account through gsi1. Status transitions are conditional writes,
// so retried order steps cannot move an order backwards.
import { GetItemCommand, type TransactWriteItem } from "@aws-sdk/client-dynamodb";
import type { LimitSource } from "../domain/errors";
import type { Receipt } from "../domain/receipt";
import { capacityAdmitItem, capacityReleaseItem } from "./fleet-store";
import { accountOrdersGsi1, orderKey } from "./keys";
import {
  type Item,
  json,
  keyItem,
  optBig,
  optStr,
  str,
  type TableRef,
  TransactionCancelled,
  transact,
  update,
} from "./table";

export type OrderStatus =
  | "queued"
  | "running"
  | "succeeded"
  | "failed"
  | "canceled"
  | "aborted"
  | "timed_out";
export type QueueReason =
  | "capacity"
  | "worker_unhealthy"
  | "rate_limited"
  | "hold_insufficient"
  | "deadline_exceeded";

export interface OrderError {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly limitSource?: LimitSource;
}

export interface Order {
  readonly id: string;
  readonly accountId: string;
  readonly model: string;
  readonly status: OrderStatus;
  readonly queueReason?: QueueReason;
  readonly fleetId?: string;
  readonly holdId?: string;
  readonly heldMicros?: bigint;
  readonly error?: OrderError;
  readonly receipt?: Receipt;
  readonly createdAt: string;
  readonly updatedAt: string;
}

function orderOf(item: Item): Order {
  const opt = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : { [k]: v });
  return {
    id: str(item, "id"),
    accountId: str(item, "accountId"),
    model: str(item, "model"),
    status: str(item, "status") as OrderStatus,
    ...opt("queueReason", optStr(item, "queueReason")),
    ...opt("fleetId", optStr(item, "fleetId")),
    ...opt("holdId", optStr(item, "holdId")),
    ...opt("heldMicros", optBig(item, "heldMicros")),
    ...opt("error", json<OrderError>(item, "error")),
    ...opt("receipt", json<Receipt>(item, "receipt")),
    createdAt: str(item, "createdAt"),
    updatedAt: str(item, "updatedAt"),
  } as Order;
}

export async function getOrder(t: TableRef, orderId: string): Promise<Order | undefined> {
  const out = await t.client.send(
    new GetItemCommand({ TableName: t.tableName, Key: keyItem(orderKey(orderId)), ConsistentRead: true }),
  );
  return out.Item ? orderOf(out.Item) : undefined;
}

export interface NewOrder {
  readonly orderId: string;
  readonly accountId: string;
  readonly model: string;
  readonly createdAt: string;
}

const setBase =
  "id = :id, accountId = :acc, model = :model, createdAt = if_not_exists(createdAt, :c), updatedAt = :now, gsi1pk = :g1pk, gsi1sk = if_not_exists(gsi1sk, :g1sk)";

function baseValues(o: NewOrder, nowIso: string): Record<string, unknown> {
  const g = accountOrdersGsi1(o.accountId, o.createdAt, o.orderId);
  return {
    ":id": o.orderId,
    ":acc": o.accountId,
    ":model": o.model,
    ":c": o.createdAt,
    ":now": nowIso,
    ":g1pk": g.gsi1pk,
    ":g1sk": g.gsi1sk,
  };
}

/**
 * The order row as ReserveFunds writes it, in the hold's transaction: status queued with its hold. Works whether or
 * not the API already wrote a queued row for the order; fails if the order already has a hold or moved on.
 */
export function reserveOrderItem(
  t: TableRef,
  o: NewOrder & { holdId: string; heldMicros: bigint },
  nowIso: string,
): TransactWriteItem {
  return update(t, orderKey(o.orderId), `SET ${setBase}, #st = :queued, holdId = :hold, heldMicros = :held`, {
    condition: "attribute_not_exists(pk) OR (#st = :queued AND attribute_not_exists(holdId))",
    names: { "#st": "status" },
    values: { ...baseValues(o, nowIso), ":queued": "queued", ":hold": o.holdId, ":held": o.heldMicros },
  });
}

/** A queued order without a hold (the API creates it before starting the execution, so GET works at once). */
export async function createQueuedOrder(t: TableRef, o: NewOrder): Promise<void> {
  const nowIso = new Date().toISOString();
  await transact(t, `order:${o.orderId}`, [
    update(t, orderKey(o.orderId), `SET ${setBase}, #st = :queued`, {
      condition: "attribute_not_exists(pk)",
      names: { "#st": "status" },
      values: { ...baseValues(o, nowIso), ":queued": "queued" },
    }),
  ]);
}

/**
 * Places a queued order on a fleet: capacity admitted and the order marked running, atomically. Returns false when
 * the fleet is full; throws TransactionCancelled when the order is not queued (the caller re-reads it).
 */
export async function placeOrderOnFleet(
  t: TableRef,
  input: { orderId: string; fleetId: string; capacitySlots: number; now?: Date },
): Promise<boolean> {
  const nowIso = (input.now ?? new Date()).toISOString();
  try {
    await transact(t, `place:${input.orderId}:${input.fleetId}`, [
      capacityAdmitItem(t, input.fleetId, input.capacitySlots),
      update(
        t,
        orderKey(input.orderId),
        "SET #st = :running, fleetId = :f, updatedAt = :now REMOVE queueReason",
        {
          condition: "#st = :queued",
          names: { "#st": "status" },
          values: { ":running": "running", ":queued": "queued", ":f": input.fleetId, ":now": nowIso },
        },
      ),
    ]);
    return true;
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedAt(0) && !error.failedAt(1)) return false;
    throw error;
  }
}

/** Marks a queued order as waiting for a reason (no capacity yet, ...). */
export async function setQueueReason(t: TableRef, orderId: string, reason: QueueReason): Promise<void> {
  try {
    await transact(t, `queue-reason:${orderId}:${reason}:${Date.now()}`, [
      update(t, orderKey(orderId), "SET queueReason = :r, updatedAt = :now", {
        condition: "#st = :queued",
        names: { "#st": "status" },
        values: { ":r": reason, ":queued": "queued", ":now": new Date().toISOString() },
      }),
    ]);
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
  }
}

/** The order row as SettleOrder writes it (in the posting transaction): running → succeeded with its receipt. */
export function settleOrderItem(
  t: TableRef,
  orderId: string,
  receipt: Receipt,
  nowIso: string,
): TransactWriteItem {
  return update(t, orderKey(orderId), "SET #st = :ok, receipt = :r, chargedMicros = :c, updatedAt = :now", {
    condition: "#st = :running",
    names: { "#st": "status" },
    values: {
      ":ok": "succeeded",
      ":running": "running",
      ":r": JSON.stringify(receipt),
      ":c": BigInt(receipt.billing.chargedMicros),
      ":now": nowIso,
    },
  });
}

const MAX_FAIL_ATTEMPTS = 3;

/**
 * Marks an order failed with the error that ended it, releasing its fleet slot if it was placed. Idempotent: an
 * order already terminal is left as it is. Creates the row if ReserveFunds never wrote it.
 */
export async function markOrderFailed(
  t: TableRef,
  o: NewOrder & { error: OrderError; status?: "failed" | "timed_out" },
  now: Date = new Date(),
): Promise<{ order: Order | undefined; releasedFleetId?: string }> {
  const nowIso = now.toISOString();
  for (let attempt = 1; attempt <= MAX_FAIL_ATTEMPTS; attempt++) {
    const current = await getOrder(t, o.orderId);
    if (current && current.status !== "queued" && current.status !== "running") return { order: current };
    const placed =
      current?.status === "running" && current.fleetId !== undefined ? current.fleetId : undefined;
    const items: TransactWriteItem[] = [
      update(t, orderKey(o.orderId), `SET ${setBase}, #st = :failed, #err = :e REMOVE queueReason`, {
        condition: placed ? "#st = :running" : "attribute_not_exists(pk) OR #st = :queued",
        names: { "#st": "status", "#err": "error" },
        values: {
          ...baseValues(o, nowIso),
          ":failed": o.status ?? "failed",
          ":e": JSON.stringify(o.error),
          ...(placed ? { ":running": "running" } : { ":queued": "queued" }),
        },
      }),
    ];
    if (placed) items.push(capacityReleaseItem(t, placed));
    try {
      await transact(t, `fail:${o.orderId}:${attempt}`, items);
      return { order: await getOrder(t, o.orderId), ...(placed ? { releasedFleetId: placed } : {}) };
    } catch (error) {
      if (!(error instanceof TransactionCancelled)) throw error;
      // The order moved (or the slot counter was already 0): re-read and decide again.
      if (placed && error.failedAt(1) && !error.failedAt(0)) {
        // Slot already at 0 (released elsewhere): fail the order without touching capacity.
        await transact(t, `fail-norelease:${o.orderId}`, [items[0] as TransactWriteItem]).catch(
          (e: unknown) => {
            if (!(e instanceof TransactionCancelled)) throw e;
          },
        );
        return { order: await getOrder(t, o.orderId) };
      }
    }
  }
  return { order: await getOrder(t, o.orderId) };
}
