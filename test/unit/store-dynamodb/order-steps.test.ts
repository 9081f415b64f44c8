import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { placeOrder } from "../../../functions/orders/logic/place-order";
import { releaseFunds } from "../../../functions/orders/logic/release-funds";
import { reserveFunds } from "../../../functions/orders/logic/reserve-funds";
import { settleOrder } from "../../../functions/orders/logic/settle-order";
import type { OrderInput } from "../../../functions/orders/logic/state";
import { fleetById } from "../../../layers/core/src/catalog/catalog";
import { InsufficientFundsError, NoCapacityError } from "../../../layers/core/src/domain/errors";
import { newId } from "../../../layers/core/src/domain/ids";
import { createAccount } from "../../../layers/core/src/store/account-store";
import { admitCapacity, getFleetLoads } from "../../../layers/core/src/store/fleet-store";
import { creditAccount, getBalance, getHold, listEntries } from "../../../layers/core/src/store/ledger-store";
import { getOrder } from "../../../layers/core/src/store/order-store";
import { type LocalTable, startLocalTable } from "../../support/dynamodb-local";

let t: LocalTable;
beforeAll(async () => {
  t = await startLocalTable();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const now = () => new Date();
const deps = () => ({
  table: t,
  holdTtlSeconds: 900,
  now,
  queueUrlFor: (id: string) => `http://127.0.0.1:4566/q/${id}`,
  fleetLoads: (ids: readonly string[]) => getFleetLoads(t, ids),
});

async function buyer(fundMicros: bigint, domesticChipsOnly = false) {
  const a = await createAccount(t, { name: "b", kind: "enterprise", policy: { domesticChipsOnly } });
  if (fundMicros > 0n) {
    await creditAccount(t, {
      accountId: a.id,
      amountMicros: fundMicros,
      source: "paid",
      reference: newId("r"),
    });
  }
  return a;
}

function order(accountId: string, extra: Partial<OrderInput> = {}): OrderInput {
  return {
    orderId: newId("ord"),
    accountId,
    model: "deepseek-flash",
    request: { messages: [{ role: "user", content: "Say hello in three words." }], max_tokens: 64 },
    createdAt: new Date().toISOString(),
    ...extra,
  };
}

const execution = {
  content: "Hello there, friend.",
  finishReason: "stop",
  usage: { promptTokens: 14, completionTokens: 5 },
  hostId: "host-1",
  engine: "simulated",
  busyMs: 812,
};

describe("order steps on DynamoDB Local", () => {
  it("reserve → place → settle charges the usage, splits it, and releases the rest", async () => {
    const a = await buyer(10_000_000n);
    const input = order(a.id, { routing: { prefer: "greenest" } });
    const reservation = await reserveFunds(deps(), input);
    expect((await getOrder(t, input.orderId))?.status).toBe("queued");
    const placement = await placeOrder(deps(), { ...input });
    expect(placement.fleetId).toBe("hohhot-ascend-910b");
    const receipt = await settleOrder(deps(), { ...input, reservation, placement, execution });

    // 14 × 2 + 5 × 8 = 68 micros
    expect(receipt.billing.chargedMicros).toBe("68");
    const { modelProviderMicros, computeProviderMicros, platformMicros } = receipt.billing.breakdown;
    expect(BigInt(modelProviderMicros) + BigInt(computeProviderMicros) + BigInt(platformMicros)).toBe(68n);
    expect(receipt.carbon.energyWh).toBeGreaterThan(0);
    expect(receipt.compute.chipFamily).toBe("ascend-910b");

    const b = await getBalance(t, a.id);
    expect(b.availableMicros).toBe(10_000_000n - 68n);
    expect(b.heldMicros).toBe(0n);
    expect((await getOrder(t, input.orderId))?.status).toBe("succeeded");
    expect((await getFleetLoads(t, [placement.fleetId])).get(placement.fleetId)).toBe(0);
  });

  it("a retried settle is a no-op returning the first receipt", async () => {
    const a = await buyer(10_000_000n);
    const input = order(a.id);
    const reservation = await reserveFunds(deps(), input);
    const placement = await placeOrder(deps(), input);
    const first = await settleOrder(deps(), { ...input, reservation, placement, execution });
    const again = await settleOrder(deps(), { ...input, reservation, placement, execution });
    expect(again).toEqual(first);
    expect((await getBalance(t, a.id)).availableMicros).toBe(
      10_000_000n - BigInt(first.billing.chargedMicros),
    );
    const debits = (await listEntries(t, a.id, { limit: 100 })).data.filter((e) => e.direction === "debit");
    expect(debits).toHaveLength(3);
  });

  it("retried reserve and place steps land on the same hold and fleet", async () => {
    const a = await buyer(10_000_000n);
    const input = order(a.id);
    const r1 = await reserveFunds(deps(), input);
    const r2 = await reserveFunds(deps(), input);
    expect(r2).toEqual(r1);
    const p1 = await placeOrder(deps(), input);
    const p2 = await placeOrder(deps(), input);
    expect(p2).toEqual(p1);
    expect((await getBalance(t, a.id)).heldMicros).toBe(BigInt(r1.heldMicros));
  });

  it("a wallet that cannot cover the worst case fails the order with the limit source", async () => {
    const a = await buyer(10n);
    const input = order(a.id);
    await expect(reserveFunds(deps(), input)).rejects.toBeInstanceOf(InsufficientFundsError);
    const failed = await getOrder(t, input.orderId);
    expect(failed?.status).toBe("failed");
    expect(failed?.error).toMatchObject({
      name: "InsufficientFundsError",
      code: "insufficient_funds",
      limitSource: "balance",
    });
  });

  it("release after a worker failure voids the hold, frees the slot and records the error", async () => {
    const a = await buyer(10_000_000n);
    const input = order(a.id, { routing: { only: ["beijing-nvidia-h20"] } });
    const reservation = await reserveFunds(deps(), input);
    const placement = await placeOrder(deps(), input);
    expect(placement.fleetId).toBe("beijing-nvidia-h20");
    const out = await releaseFunds(deps(), {
      ...input,
      reservation,
      placement,
      error: {
        Error: "EngineError",
        Cause: JSON.stringify({ errorType: "EngineError", errorMessage: "engine crashed" }),
      },
    });
    expect(out.holdVoided).toBe(true);
    expect(out.error).toMatchObject({ name: "EngineError", code: "engine_error", message: "engine crashed" });
    expect((await getHold(t, reservation.holdId))?.status).toBe("voided");
    expect((await getBalance(t, a.id)).availableMicros).toBe(10_000_000n);
    expect((await getFleetLoads(t, ["beijing-nvidia-h20"])).get("beijing-nvidia-h20")).toBe(0);
    // a second release changes nothing
    const again = await releaseFunds(deps(), {
      ...input,
      reservation,
      placement,
      error: { Error: "EngineError" },
    });
    expect(again.holdVoided).toBe(false);
    expect((await getFleetLoads(t, ["beijing-nvidia-h20"])).get("beijing-nvidia-h20")).toBe(0);
  });

  it("domestic-only buyers are never placed on foreign chips, and full fleets give NoCapacityError", async () => {
    const a = await buyer(100_000_000n, true);
    const fleet = fleetById("horinger-ascend-910c");
    if (!fleet) throw new Error("catalog changed");
    // kimi-k2.6 runs on horinger-ascend-910c (domestic) and beijing-nvidia-h20 (foreign)
    const input = order(a.id, { model: "kimi-k2.6" });
    await reserveFunds(deps(), input);
    expect((await placeOrder(deps(), input)).fleetId).toBe("horinger-ascend-910c");

    for (let i = 0; i < fleet.capacitySlots; i++) await admitCapacity(t, fleet.id, fleet.capacitySlots);
    const full = order(a.id, { model: "kimi-k2.6" });
    await reserveFunds(deps(), full);
    await expect(placeOrder(deps(), full)).rejects.toBeInstanceOf(NoCapacityError);
    expect((await getOrder(t, full.orderId))?.queueReason).toBe("capacity");
  });

  it("a worker that never answers ends the order timed_out with nothing charged", async () => {
    const a = await buyer(10_000_000n);
    const input = order(a.id);
    const reservation = await reserveFunds(deps(), input);
    const placement = await placeOrder(deps(), input);
    const out = await releaseFunds(deps(), {
      ...input,
      reservation,
      placement,
      error: { Error: "States.Timeout" },
    });
    expect(out.status).toBe("timed_out");
    expect((await getBalance(t, a.id)).availableMicros).toBe(10_000_000n);
  });
});
