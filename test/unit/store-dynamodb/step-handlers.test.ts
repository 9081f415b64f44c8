// The order step Lambdas as deployed: middy handlers reading their env and module-scope clients, against DynamoDB
// Local through the standard AWS_ENDPOINT_URL variable.
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../../layers/core/src/domain/ids";
import { createAccount } from "../../../layers/core/src/store/account-store";
import { creditAccount, getBalance } from "../../../layers/core/src/store/ledger-store";
import { getOrder } from "../../../layers/core/src/store/order-store";
import { type LocalTable, startLocalTable } from "../../support/dynamodb-local";

type Handler = (event: unknown, context: Context) => Promise<unknown>;

let t: LocalTable;
let steps: { reserve: Handler; place: Handler; settle: Handler; release: Handler; sweep: Handler };

const context = {
  functionName: "test",
  functionVersion: "1",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:test",
  memoryLimitInMB: "256",
  awsRequestId: "req-1",
  logGroupName: "g",
  logStreamName: "s",
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

beforeAll(async () => {
  t = await startLocalTable();
  Object.assign(process.env, {
    TABLE_NAME: t.tableName,
    AWS_ENDPOINT_URL: t.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    FLEET_QUEUE_URLS: JSON.stringify({ "hohhot-ascend-910b": "http://127.0.0.1:4566/000000000000/hohhot" }),
    POWERTOOLS_LOG_LEVEL: "SILENT",
  });
  steps = {
    reserve: (await import("../../../functions/orders/reserve-funds")).handler as Handler,
    place: (await import("../../../functions/orders/place-order")).handler as Handler,
    settle: (await import("../../../functions/orders/settle-order")).handler as Handler,
    release: (await import("../../../functions/orders/release-funds")).handler as Handler,
    sweep: (await import("../../../functions/sweeper/sweep")).handler as Handler,
  };
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

const orderInput = (accountId: string) => ({
  orderId: newId("ord"),
  accountId,
  model: "jiutian-cm",
  request: { messages: [{ role: "user", content: "你好" }], max_tokens: 32 },
  routing: { prefer: "cheapest" },
  createdAt: new Date().toISOString(),
});

describe("order step handlers", () => {
  it("run an order end to end and return the receipt with money as digit strings", async () => {
    const a = await createAccount(t, { name: "gov", kind: "government" });
    await creditAccount(t, {
      accountId: a.id,
      amountMicros: 1_000_000n,
      source: "voucher",
      reference: "v1",
      issuer: "Hohhot",
    });
    const input = orderInput(a.id);
    const reservation = await steps.reserve(input, context);
    const placement = (await steps.place({ ...input, reservation }, context)) as { queueUrl: string };
    expect(placement.queueUrl).toBe("http://127.0.0.1:4566/000000000000/hohhot");
    const execution = {
      content: "您好",
      finishReason: "stop",
      usage: { promptTokens: 9, completionTokens: 3 },
      hostId: "h1",
      engine: "simulated",
      busyMs: 100,
    };
    const receipt = (await steps.settle({ ...input, reservation, placement, execution }, context)) as {
      billing: { chargedMicros: string };
    };
    // 9 × 2 + 3 × 8 = 42 micros
    expect(receipt.billing.chargedMicros).toBe("42");
    expect(JSON.parse(JSON.stringify(receipt))).toEqual(receipt);
    const b = await getBalance(t, a.id);
    expect(b.bySource).toEqual([{ source: "voucher", issuer: "Hohhot", amountMicros: 1_000_000n - 42n }]);
  });

  it("fail with the domain error's name, which the state machine catches", async () => {
    const a = await createAccount(t, { name: "dev", kind: "developer" });
    const input = orderInput(a.id);
    const error = await steps.reserve(input, context).catch((e: unknown) => e);
    expect((error as Error).name).toBe("InsufficientFundsError");
    const out = (await steps.release(
      {
        ...input,
        error: {
          Error: "InsufficientFundsError",
          Cause: JSON.stringify({ errorMessage: (error as Error).message }),
        },
      },
      context,
    )) as { status: string; error: { limitSource?: string } };
    expect(out.status).toBe("failed");
    expect(out.error.limitSource).toBe("balance");
    expect((await getOrder(t, input.orderId))?.error?.code).toBe("insufficient_funds");
  });

  it("reject a malformed state instead of guessing", async () => {
    await expect(steps.reserve({ orderId: "x" }, context)).rejects.toThrow();
  });

  it("sweep runs and reports what it expired", async () => {
    const out = (await steps.sweep({}, context)) as { expiredHolds: number; batches: number };
    expect(out.batches).toBeGreaterThanOrEqual(1);
  });
});
