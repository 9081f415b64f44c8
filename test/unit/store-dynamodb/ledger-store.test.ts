import { ScanCommand } from "@aws-sdk/client-dynamodb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  HoldExpiredError,
  IdempotencyConflictError,
  InsufficientFundsError,
} from "../../../layers/core/src/domain/errors";
import { newId } from "../../../layers/core/src/domain/ids";
import { createAccount, createProvider } from "../../../layers/core/src/store/account-store";
import { PLATFORM_ACCOUNT_ID } from "../../../layers/core/src/store/ledger-rows";
import {
  createHold,
  creditAccount,
  expireHolds,
  getBalance,
  getHold,
  listEntries,
  postHold,
  voidHold,
} from "../../../layers/core/src/store/ledger-store";
import { type Item, TransactionCancelled } from "../../../layers/core/src/store/table";
import { type LocalTable, startLocalTable } from "../../support/dynamodb-local";

let t: LocalTable;

beforeAll(async () => {
  t = await startLocalTable();
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

const inMinutes = (m: number): string => new Date(Date.now() + m * 60_000).toISOString();

async function fundedBuyer(amountMicros: bigint, creditLimitMicros = 0n) {
  const account = await createAccount(t, { name: "buyer", kind: "developer", creditLimitMicros });
  if (amountMicros > 0n) {
    await creditAccount(t, { accountId: account.id, amountMicros, source: "paid", reference: newId("ref") });
  }
  return account;
}

/** Σ over every balance row (buyer rows and shards) of posted credits − posted debits. */
async function ledgerSum(): Promise<bigint> {
  let sum = 0n;
  let start: Item | undefined;
  for (let page = 0; page < 100; page++) {
    const out = await t.client.send(
      new ScanCommand({ TableName: t.tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    for (const item of out.Items ?? []) {
      if (!item.sk?.S?.startsWith("BALANCE")) continue;
      sum += BigInt(item.postedCredits?.N ?? "0") - BigInt(item.postedDebits?.N ?? "0");
    }
    start = out.LastEvaluatedKey;
    if (!start) break;
  }
  return sum;
}

describe("ledger store on DynamoDB Local", () => {
  it("a credit replayed with the same reference is a no-op returning the first transfer", async () => {
    const a = await fundedBuyer(0n);
    const first = await creditAccount(t, {
      accountId: a.id,
      amountMicros: 5_000_000n,
      source: "paid",
      reference: "inv-1",
    });
    const again = await creditAccount(t, {
      accountId: a.id,
      amountMicros: 5_000_000n,
      source: "paid",
      reference: "inv-1",
    });
    expect(first.replayed).toBe(false);
    expect(again.replayed).toBe(true);
    expect(again.transferId).toBe(first.transferId);
    expect((await getBalance(t, a.id)).availableMicros).toBe(5_000_000n);
  });

  it("the same reference with another amount is a conflict and credits nothing", async () => {
    const a = await fundedBuyer(0n);
    await creditAccount(t, { accountId: a.id, amountMicros: 5_000_000n, source: "paid", reference: "inv-2" });
    await expect(
      creditAccount(t, { accountId: a.id, amountMicros: 9_000_000n, source: "paid", reference: "inv-2" }),
    ).rejects.toBeInstanceOf(IdempotencyConflictError);
    expect((await getBalance(t, a.id)).availableMicros).toBe(5_000_000n);
  });

  it("40 concurrent holds on a wallet funded for 5 never overspend", async () => {
    const amount = 1_000_000n;
    const a = await fundedBuyer(5n * amount);
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        createHold(t, {
          holdId: `h-${a.id}-${i}`,
          accountId: a.id,
          amountMicros: amount,
          expiresAt: inMinutes(15),
        }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    expect(ok).toHaveLength(5);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(InsufficientFundsError);
      expect((r.reason as InsufficientFundsError).limitSource).toBe("in_flight_holds");
    }
    const balance = await getBalance(t, a.id);
    expect(balance.availableMicros).toBe(0n);
    expect(balance.heldMicros).toBe(5n * amount);
  });

  it("refuses with the limit that applies: balance, then credit_limit for post-paid wallets", async () => {
    const prepaid = await fundedBuyer(100n);
    await expect(
      createHold(t, {
        holdId: newId("h"),
        accountId: prepaid.id,
        amountMicros: 101n,
        expiresAt: inMinutes(5),
      }),
    ).rejects.toMatchObject({ name: "InsufficientFundsError", limitSource: "balance" });

    const postpaid = await fundedBuyer(0n, 1_000n);
    await createHold(t, {
      holdId: newId("h"),
      accountId: postpaid.id,
      amountMicros: 1_000n,
      expiresAt: inMinutes(5),
    });
    expect((await getBalance(t, postpaid.id)).availableMicros).toBe(-1_000n);
    await expect(
      createHold(t, {
        holdId: newId("h"),
        accountId: postpaid.id,
        amountMicros: 2_000n,
        expiresAt: inMinutes(5),
      }),
    ).rejects.toMatchObject({ limitSource: "credit_limit" });
  });

  it("creating the same hold twice returns the first without holding twice", async () => {
    const a = await fundedBuyer(1_000n);
    const input = { holdId: newId("h"), accountId: a.id, amountMicros: 600n, expiresAt: inMinutes(5) };
    const first = await createHold(t, input);
    const again = await createHold(t, input);
    expect(first.replayed).toBe(false);
    expect(again.replayed).toBe(true);
    expect((await getBalance(t, a.id)).heldMicros).toBe(600n);
  });

  it("posting consumes vouchers, then gift, then paid, and releases the rest of the hold", async () => {
    const a = await fundedBuyer(0n);
    await creditAccount(t, { accountId: a.id, amountMicros: 100n, source: "paid", reference: "p" });
    await creditAccount(t, { accountId: a.id, amountMicros: 100n, source: "gift", reference: "g" });
    await creditAccount(t, {
      accountId: a.id,
      amountMicros: 100n,
      source: "voucher",
      reference: "v",
      issuer: "Hohhot",
      expiresAt: "2099-01-01T00:00:00.000Z",
    });
    const holdId = newId("h");
    await createHold(t, { holdId, accountId: a.id, amountMicros: 280n, expiresAt: inMinutes(5) });
    const posted = await postHold(t, {
      holdId,
      legs: [
        {
          transferId: newId("xfer"),
          type: "settlement.platform",
          creditAccountId: PLATFORM_ACCOUNT_ID,
          amountMicros: 250n,
        },
      ],
    });
    expect(posted.releasedMicros).toBe(30n);
    const b = await getBalance(t, a.id);
    expect(b.availableMicros).toBe(50n);
    expect(b.heldMicros).toBe(0n);
    expect(b.bySource).toEqual([{ source: "paid", amountMicros: 50n }]);
  });

  it("a posted hold posted again is a no-op", async () => {
    const a = await fundedBuyer(1_000n);
    const holdId = newId("h");
    await createHold(t, { holdId, accountId: a.id, amountMicros: 500n, expiresAt: inMinutes(5) });
    const legs = [
      {
        transferId: newId("xfer"),
        type: "settlement.platform",
        creditAccountId: PLATFORM_ACCOUNT_ID,
        amountMicros: 400n,
      },
    ];
    await postHold(t, { holdId, legs });
    const again = await postHold(t, { holdId, legs });
    expect(again.replayed).toBe(true);
    expect((await getBalance(t, a.id)).availableMicros).toBe(600n);
  });

  it("an expired hold cannot be posted, and the sweeper returns its funds", async () => {
    const a = await fundedBuyer(1_000n);
    const holdId = newId("h");
    const expiresAt = new Date(Date.now() + 1_000).toISOString();
    await createHold(t, { holdId, accountId: a.id, amountMicros: 700n, expiresAt });
    const later = new Date(Date.now() + 5_000);
    await expect(
      postHold(t, {
        holdId,
        now: later,
        legs: [
          { transferId: newId("xfer"), type: "x", creditAccountId: PLATFORM_ACCOUNT_ID, amountMicros: 1n },
        ],
      }),
    ).rejects.toBeInstanceOf(HoldExpiredError);
    const swept = await expireHolds(t, { now: later, limit: 100 });
    expect(swept.expiredHoldIds).toContain(holdId);
    expect((await getHold(t, holdId))?.status).toBe("expired");
    expect((await getBalance(t, a.id)).availableMicros).toBe(1_000n);
    await expect(
      postHold(t, {
        holdId,
        now: later,
        legs: [
          { transferId: newId("xfer"), type: "x", creditAccountId: PLATFORM_ACCOUNT_ID, amountMicros: 1n },
        ],
      }),
    ).rejects.toBeInstanceOf(HoldExpiredError);
  });

  it("voiding is idempotent", async () => {
    const a = await fundedBuyer(1_000n);
    const holdId = newId("h");
    await createHold(t, { holdId, accountId: a.id, amountMicros: 300n, expiresAt: inMinutes(5) });
    expect((await voidHold(t, { holdId })).replayed).toBe(false);
    expect((await voidHold(t, { holdId })).replayed).toBe(true);
    expect((await getBalance(t, a.id)).availableMicros).toBe(1_000n);
  });

  it("lists entries newest first with an opaque cursor", async () => {
    const a = await fundedBuyer(0n);
    for (let i = 0; i < 5; i++) {
      await creditAccount(t, {
        accountId: a.id,
        amountMicros: BigInt(i + 1),
        source: "gift",
        reference: `r${i}`,
      });
    }
    const first = await listEntries(t, a.id, { limit: 3 });
    expect(first.data.map((e) => e.amountMicros)).toEqual([5n, 4n, 3n]);
    expect(first.nextCursor).not.toBeNull();
    const second = await listEntries(t, a.id, { limit: 3, cursor: first.nextCursor ?? "" });
    expect(second.data.map((e) => e.amountMicros)).toEqual([2n, 1n]);
    await expect(listEntries(t, "acc_other", { cursor: first.nextCursor ?? "" })).rejects.toMatchObject({
      name: "ValidationError",
      param: "cursor",
    });
  });

  it("conserves money: the sum over all accounts is 0 after any sequence of operations", async () => {
    const provider = await createProvider(t, { name: "p" });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            credit: fc.bigInt({ min: 1n, max: 1_000n }),
            hold: fc.bigInt({ min: 0n, max: 1_500n }),
            post: fc.bigInt({ min: 0n, max: 1_500n }),
            action: fc.constantFrom("post", "void", "leave"),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (steps) => {
          const a = await fundedBuyer(0n);
          for (const [i, s] of steps.entries()) {
            await creditAccount(t, {
              accountId: a.id,
              amountMicros: s.credit,
              source: "paid",
              reference: `c${i}`,
            });
            const holdId = newId("h");
            try {
              await createHold(t, { holdId, accountId: a.id, amountMicros: s.hold, expiresAt: inMinutes(5) });
            } catch (error) {
              expect(error).toBeInstanceOf(InsufficientFundsError);
              continue;
            }
            if (s.action === "post") {
              // biome-ignore lint/complexity/useMathMinMax: bigint
              const amount = s.post < s.hold ? s.post : s.hold;
              const half = amount / 2n;
              await postHold(t, {
                holdId,
                legs: [
                  { transferId: newId("xfer"), type: "m", creditAccountId: provider.id, amountMicros: half },
                  {
                    transferId: newId("xfer"),
                    type: "p",
                    creditAccountId: PLATFORM_ACCOUNT_ID,
                    amountMicros: amount - half,
                  },
                ],
              });
            } else if (s.action === "void") {
              await voidHold(t, { holdId });
            }
          }
          const b = await getBalance(t, a.id);
          expect(b.availableMicros >= 0n).toBe(true);
          expect(b.availableMicros).toBe(b.postedMicros - b.heldMicros);
          expect(await ledgerSum()).toBe(0n);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("a transaction whose condition fails reports which item failed", async () => {
    const a = await fundedBuyer(10n);
    const holdId = newId("h");
    await createHold(t, { holdId, accountId: a.id, amountMicros: 1n, expiresAt: inMinutes(5) });
    const err = await createHold(
      t,
      { holdId: newId("h"), accountId: a.id, amountMicros: 1n, expiresAt: inMinutes(5) },
      [
        {
          ConditionCheck: {
            TableName: t.tableName,
            Key: { pk: { S: "NOPE" }, sk: { S: "NOPE" } },
            ConditionExpression: "attribute_exists(pk)",
          },
        },
      ],
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionCancelled);
    expect((err as TransactionCancelled).failedAt(2)).toBe(true);
  });
});

describe("hot provider and platform accounts", () => {
  it("take 30 concurrent settlements through sharded balance rows without losing one", async () => {
    const provider = await createProvider(t, { name: "hot" });
    const before = (await getBalance(t, provider.id)).postedMicros;
    const holds = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const a = await fundedBuyer(1_000n);
        const holdId = newId("h");
        await createHold(t, { holdId, accountId: a.id, amountMicros: 1_000n, expiresAt: inMinutes(5) });
        return holdId;
      }),
    );
    const started = Date.now();
    await Promise.all(
      holds.map((holdId) =>
        postHold(t, {
          holdId,
          legs: [
            { transferId: newId("xfer"), type: "m", creditAccountId: provider.id, amountMicros: 700n },
            {
              transferId: newId("xfer"),
              type: "p",
              creditAccountId: PLATFORM_ACCOUNT_ID,
              amountMicros: 300n,
            },
          ],
        }),
      ),
    );
    const elapsedMs = Date.now() - started;
    expect((await getBalance(t, provider.id)).postedMicros - before).toBe(30n * 700n);
    expect(elapsedMs).toBeLessThan(30_000);
  });
});

describe("catalog provider accounts", () => {
  it("are created once and then hold the revenue settled to their ids", async () => {
    const { ensureCatalogProviders, catalogProviderIds } = await import(
      "../../../layers/core/src/store/catalog-providers"
    );
    const first = await ensureCatalogProviders(t);
    expect(first).toEqual(catalogProviderIds());
    expect(await ensureCatalogProviders(t)).toEqual([]);
    expect((await getBalance(t, "prov_deepseek")).postedMicros).toBe(0n);
  });
});
