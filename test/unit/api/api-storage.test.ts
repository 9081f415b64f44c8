import { createHash } from "node:crypto";
import type { APIGatewayRequestAuthorizerEventV2 } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createQueuedOrder, markOrderFailed } from "../../../layers/core/src/store/order-store";
import { type LocalTable, startLocalTable } from "../../support/dynamodb-local";
import { adminCaller, call, lambdaContext } from "./events";

// The api Lambda and the authorizer against DynamoDB Local. Step Functions is replaced by a scripted fake
// (the order pipeline itself is the integration suite's business); DynamoDB is real.

const sfnScript = vi.hoisted(() => ({
  /** What DescribeExecution reports for the current test, and a hook run at StartExecution. */
  describe: (): Record<string, unknown> => ({ status: "RUNNING" }),
  onStart: async (_input: Record<string, unknown>): Promise<void> => undefined,
  started: [] as Record<string, unknown>[],
}));

vi.mock("../../../layers/core/src/aws/clients", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../../layers/core/src/aws/clients")>();
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    if (command.constructor.name === "StartExecutionCommand") {
      const input = JSON.parse(String(command.input.input)) as Record<string, unknown>;
      sfnScript.started.push(input);
      await sfnScript.onStart(input);
      return {
        executionArn: `arn:aws:states:us-east-1:123456789012:execution:order:${String(input.orderId)}`,
      };
    }
    if (command.constructor.name === "DescribeExecutionCommand") return sfnScript.describe();
    throw new Error(`unexpected SFN command ${command.constructor.name}`);
  };
  return { ...real, sfn: { send } };
});

const ADMIN_KEY = "sk-admin-unit-test-key-0123456789abcdef";

let local: LocalTable;
type Handler = Parameters<typeof call>[0];
let api: Handler;
let authorize: (
  e: APIGatewayRequestAuthorizerEventV2,
  c: unknown,
) => Promise<{
  isAuthorized: boolean;
  context: Record<string, unknown>;
}>;
const table = () => ({ client: local.client, tableName: local.tableName });

beforeAll(async () => {
  local = await startLocalTable("api-unit", { maxAttempts: 1 });
  Object.assign(process.env, {
    TABLE_NAME: local.tableName,
    STATE_MACHINE_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:order",
    SYNC_WAIT_MS: "300",
    ADMIN_KEY_SHA256: createHash("sha256").update(ADMIN_KEY).digest("hex"),
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL: local.endpoint,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    POWERTOOLS_LOG_LEVEL: "SILENT",
  });
  ({ handler: api } = (await import("../../../functions/api/handler")) as unknown as { handler: Handler });
  ({ handler: authorize } = (await import("../../../functions/authorizer/handler")) as unknown as {
    handler: typeof authorize;
  });
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

beforeEach(() => {
  sfnScript.describe = () => ({ status: "RUNNING" });
  sfnScript.onStart = async () => undefined;
  sfnScript.started.length = 0;
});

const authEvent = (authorization?: string): APIGatewayRequestAuthorizerEventV2 =>
  ({
    version: "2.0",
    type: "REQUEST",
    routeArn: "arn:aws:execute-api:us-east-1:123456789012:api1234/$default/GET/v1/models",
    identitySource: authorization === undefined ? [] : [authorization],
    routeKey: "GET /v1/models",
    rawPath: "/v1/models",
    rawQueryString: "",
    headers: authorization === undefined ? {} : { authorization },
    requestContext: { http: { method: "GET", path: "/v1/models" } },
  }) as unknown as APIGatewayRequestAuthorizerEventV2;

async function newBuyer(name = "Acme") {
  const r = await call(api, {
    method: "POST",
    path: "/v1/accounts",
    body: { name, kind: "enterprise" },
    caller: adminCaller,
  });
  expect(r.statusCode).toBe(201);
  return r.body as { id: string; name: string; kind: string; api_key: string };
}

async function credit(accountId: string, amount: string, reference: string) {
  return call(api, {
    method: "POST",
    path: `/v1/accounts/${accountId}/credits`,
    body: { amount_micros: amount, source: "paid", reference },
    caller: adminCaller,
  });
}

describe("authorizer", () => {
  it("recognizes the operator key as admin", async () => {
    const r = await authorize(authEvent(`Bearer ${ADMIN_KEY}`), lambdaContext());
    expect(r).toEqual({ isAuthorized: true, context: { accountId: "admin", role: "admin" } });
  });

  it("maps a buyer key to its account and role", async () => {
    const buyer = await newBuyer();
    expect(buyer.api_key).toMatch(/^sk-buyer-[A-Za-z0-9_-]{43}$/);
    const r = await authorize(authEvent(`Bearer ${buyer.api_key}`), lambdaContext());
    expect(r).toEqual({ isAuthorized: true, context: { accountId: buyer.id, role: "buyer" } });
  });

  it("maps a provider key to the provider role", async () => {
    const r = await call(api, {
      method: "POST",
      path: "/v1/providers",
      body: { name: "Hohhot DC" },
      caller: adminCaller,
    });
    expect(r.statusCode).toBe(201);
    expect(r.body.api_key).toMatch(/^sk-prov-/);
    const auth = await authorize(authEvent(`Bearer ${r.body.api_key}`), lambdaContext());
    expect(auth).toEqual({ isAuthorized: true, context: { accountId: r.body.id, role: "provider" } });
  });

  it.each([
    ["no header", undefined],
    ["an unknown key", "Bearer sk-buyer-doesnotexist"],
    ["a non-bearer scheme", `Basic ${ADMIN_KEY}`],
    ["an empty bearer", "Bearer "],
  ])("passes %s through as anonymous, which the api answers with 401", async (_name, header) => {
    const r = await authorize(authEvent(header), lambdaContext());
    expect(r).toEqual({ isAuthorized: true, context: {} });
    const res = await call(api, { method: "GET", path: "/v1/balance", caller: r.context as never });
    expect(res.statusCode).toBe(401);
    expect(res.body.error).toMatchObject({ type: "authentication_error", code: "invalid_api_key" });
  });
});

describe("accounts and credits", () => {
  it("creates a buyer account with the fields of API.md", async () => {
    const buyer = await newBuyer("Ministry of Compute");
    expect(buyer).toMatchObject({ name: "Ministry of Compute", kind: "enterprise" });
    expect(buyer.id).toMatch(/^acc_/);
  });

  it("credits an account and returns the transfer and the new balance", async () => {
    const buyer = await newBuyer();
    const r = await credit(buyer.id, "5000000", "inv-1");
    expect(r.statusCode).toBe(201);
    expect(r.body.transfer_id).toEqual(expect.any(String));
    expect(r.body.balance).toMatchObject({ available_micros: "5000000", held_micros: "0" });
    expect(r.body.balance.by_source).toEqual([{ source: "paid", amount_micros: "5000000" }]);
  });

  it("treats a replayed credit reference as a no-op returning the first transfer", async () => {
    const buyer = await newBuyer();
    const first = await credit(buyer.id, "1000000", "inv-7");
    const again = await credit(buyer.id, "1000000", "inv-7");
    expect(again.statusCode).toBe(201);
    expect(again.body.transfer_id).toBe(first.body.transfer_id);
    expect(again.body.balance.available_micros).toBe("1000000");
  });

  it("refuses the same credit reference with other terms with 409, crediting nothing", async () => {
    const buyer = await newBuyer();
    await credit(buyer.id, "1000000", "inv-8");
    const other = await credit(buyer.id, "999", "inv-8");
    expect(other.statusCode).toBe(409);
    expect(other.body.error).toMatchObject({ code: "idempotency_conflict", param: "reference" });
    const balance = await call(api, { path: "/v1/balance", caller: { accountId: buyer.id, role: "buyer" } });
    expect(balance.body.available_micros).toBe("1000000");
  });

  it("refuses a credit that has already expired", async () => {
    const buyer = await newBuyer();
    const r = await call(api, {
      method: "POST",
      path: `/v1/accounts/${buyer.id}/credits`,
      body: { amount_micros: "100", source: "gift", reference: "old", expires_at: "2020-01-01T00:00:00Z" },
      caller: adminCaller,
    });
    expect(r.statusCode).toBe(400);
    expect(r.body.error.param).toBe("expires_at");
  });

  it("answers ids that cannot be ours (too long, odd characters) with 404, not a store error", async () => {
    for (const id of ["a".repeat(2100), "acc%20x", "acc.x"]) {
      const r = await credit(id, "1", "x");
      expect(r.statusCode).toBe(404);
      const order = await call(api, { path: `/v1/orders/${id}`, caller: adminCaller });
      expect(order.statusCode).toBe(404);
    }
  });

  it("answers a credit to an unknown account with 404", async () => {
    const r = await credit("acc_missing", "1", "x");
    expect(r.statusCode).toBe(404);
    expect(r.body.error.type).toBe("not_found_error");
  });

  it("shows a buyer its balance and ledger with digit-string money and a cursor", async () => {
    const buyer = await newBuyer();
    await credit(buyer.id, "100", "a");
    await credit(buyer.id, "200", "b");
    const me = { accountId: buyer.id, role: "buyer" };
    const balance = await call(api, { path: "/v1/balance", caller: me });
    expect(balance.statusCode).toBe(200);
    expect(balance.body).toMatchObject({
      available_micros: "300",
      posted_micros: "300",
      credit_limit_micros: "0",
    });
    const page1 = await call(api, { path: "/v1/ledger", query: { limit: "1" }, caller: me });
    expect(page1.statusCode).toBe(200);
    expect(page1.body.data).toHaveLength(1);
    expect(page1.body.data[0]).toMatchObject({
      direction: "credit",
      amount_micros: expect.stringMatching(/^\d+$/),
    });
    expect(page1.body.next_cursor).toEqual(expect.any(String));
    const page2 = await call(api, {
      path: "/v1/ledger",
      query: { limit: "1", cursor: page1.body.next_cursor },
      caller: me,
    });
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.data[0].id).not.toBe(page1.body.data[0].id);
  });
});

describe("Idempotency-Key", () => {
  const create = (key: string, name: string) =>
    call(api, {
      method: "POST",
      path: "/v1/accounts",
      body: { name, kind: "developer" },
      headers: { "Idempotency-Key": key },
      caller: adminCaller,
    });

  it("replays the first response for the same key and body", async () => {
    const first = await create("idem-1", "Dev One");
    const again = await create("idem-1", "Dev One");
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers["idempotent-replayed"]).toBe("true");
  });

  it("treats the same body with its keys in another order as the same request", async () => {
    const headers = { "Idempotency-Key": "idem-order" };
    const path = "/v1/accounts";
    const first = await call(api, {
      method: "POST",
      path,
      rawBody: '{"name":"Ord","kind":"developer"}',
      headers,
      caller: adminCaller,
    });
    const again = await call(api, {
      method: "POST",
      path,
      rawBody: '{"kind":"developer","name":"Ord"}',
      headers,
      caller: adminCaller,
    });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.body.id).toBe(first.body.id);
  });

  it("answers the same key with a different body with 409", async () => {
    await create("idem-2", "Dev Two");
    const r = await create("idem-2", "Someone Else");
    expect(r.statusCode).toBe(409);
    expect(r.body.error.code).toBe("idempotency_conflict");
  });

  it("frees the key when the first request failed, so a retry runs", async () => {
    const body = { amount_micros: "10", source: "paid", reference: "r" };
    const headers = { "Idempotency-Key": "idem-3" };
    const path = "/v1/accounts/acc_nobody/credits";
    const first = await call(api, { method: "POST", path, body, headers, caller: adminCaller });
    const again = await call(api, { method: "POST", path, body, headers, caller: adminCaller });
    expect(first.statusCode).toBe(404);
    expect(again.statusCode).toBe(404);
  });
});

describe("orders", () => {
  it("answers an unknown order with 404", async () => {
    const buyer = await newBuyer();
    const r = await call(api, {
      path: "/v1/orders/ord_nothing",
      caller: { accountId: buyer.id, role: "buyer" },
    });
    expect(r.statusCode).toBe(404);
  });

  it("answers another account's order with 404, the owner with 200", async () => {
    const owner = await newBuyer("Owner");
    const other = await newBuyer("Other");
    await createQueuedOrder(table(), {
      orderId: "ord_owned1",
      accountId: owner.id,
      model: "deepseek-flash",
      createdAt: new Date().toISOString(),
    });
    const foreign = await call(api, {
      path: "/v1/orders/ord_owned1",
      caller: { accountId: other.id, role: "buyer" },
    });
    expect(foreign.statusCode).toBe(404);
    const own = await call(api, {
      path: "/v1/orders/ord_owned1",
      caller: { accountId: owner.id, role: "buyer" },
    });
    expect(own.statusCode).toBe(200);
    expect(own.body).toMatchObject({ id: "ord_owned1", status: "queued", model: "deepseek-flash" });
  });
});

describe("chat completions", () => {
  const receipt = (orderId: string) => ({
    orderId,
    model: "deepseek-flash",
    content: "你好",
    finishReason: "stop",
    usage: { promptTokens: 12, completionTokens: 40, totalTokens: 52 },
    billing: {
      orderId,
      chargedMicros: "344",
      heldMicros: "2048",
      currency: "CNY",
      breakdown: { modelProviderMicros: "240", computeProviderMicros: "70", platformMicros: "34" },
      policy: "succeeded: charged for usage",
      capped: false,
      uncappedMicros: "344",
    },
    compute: {
      fleetId: "hohhot-ascend-910b",
      chipFamily: "ascend-910b",
      hostId: "host-1",
      region: "inner-mongolia-hohhot",
      engine: "simulated",
    },
    carbon: {
      energyWh: 0.123,
      gco2e: 0.05,
      greenShare: 0.6,
      gridFactorSource: "MEE",
      busyMs: 800,
      estimated: false,
    },
  });

  const ask = (me: { accountId: string; role: string }, headers: Record<string, string> = {}) =>
    call(api, {
      method: "POST",
      path: "/v1/chat/completions",
      body: { model: "deepseek-v4-flash", messages: [{ role: "user", content: "hi" }], max_tokens: 64 },
      headers,
      caller: me,
    });

  it("starts one execution with the contract's input and maps the receipt to chat.completion", async () => {
    const buyer = await newBuyer();
    const me = { accountId: buyer.id, role: "buyer" };
    let orderId = "";
    sfnScript.onStart = async (input) => {
      orderId = String(input.orderId);
    };
    sfnScript.describe = () => ({ status: "SUCCEEDED", output: JSON.stringify(receipt(orderId)) });
    const r = await ask(me);
    expect(r.statusCode).toBe(200);
    expect(sfnScript.started).toHaveLength(1);
    expect(sfnScript.started[0]).toMatchObject({
      accountId: buyer.id,
      model: "deepseek-flash",
      request: { messages: [{ role: "user", content: "hi" }], max_tokens: 64 },
      createdAt: expect.any(String),
    });
    expect(r.body).toMatchObject({
      object: "chat.completion",
      model: "deepseek-flash",
      choices: [{ index: 0, message: { role: "assistant", content: "你好" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 12, completion_tokens: 40, total_tokens: 52 },
      billing: {
        order_id: orderId,
        charged_micros: "344",
        held_micros: "2048",
        currency: "CNY",
        breakdown: { model_provider_micros: "240", compute_provider_micros: "70", platform_micros: "34" },
      },
      compute: { fleet_id: "hohhot-ascend-910b", chip_family: "ascend-910b", host_id: "host-1" },
      carbon: { energy_wh: 0.123, gco2e: 0.05, green_share: 0.6, grid_factor_source: "MEE" },
    });
  });

  it("answers a refused reservation with 402 naming the limit and the order", async () => {
    const buyer = await newBuyer();
    sfnScript.onStart = async (input) => {
      await markOrderFailed(table(), {
        orderId: String(input.orderId),
        accountId: buyer.id,
        model: "deepseek-flash",
        createdAt: String(input.createdAt),
        error: {
          name: "InsufficientFundsError",
          code: "insufficient_funds",
          message: "no",
          limitSource: "balance",
        },
      });
    };
    sfnScript.describe = () => ({ status: "FAILED", error: "OrderRejected" });
    const r = await ask({ accountId: buyer.id, role: "buyer" });
    expect(r.statusCode).toBe(402);
    expect(r.body.error).toMatchObject({
      code: "insufficient_funds",
      limit_source: "balance",
      order_id: String(sfnScript.started[0]?.orderId),
    });
  });

  it("answers no capacity with 503 and retry-after", async () => {
    const buyer = await newBuyer();
    sfnScript.onStart = async (input) => {
      await markOrderFailed(table(), {
        orderId: String(input.orderId),
        accountId: buyer.id,
        model: "deepseek-flash",
        createdAt: String(input.createdAt),
        error: { name: "NoCapacityError", code: "no_capacity", message: "all fleets busy" },
      });
    };
    sfnScript.describe = () => ({ status: "FAILED", error: "States.TaskFailed" });
    const r = await ask({ accountId: buyer.id, role: "buyer" });
    expect(r.statusCode).toBe(503);
    expect(r.headers["retry-after"]).toMatch(/^\d+$/);
    expect(r.body.error.code).toBe("no_capacity");
  });

  it("answers a worker failure with 502 upstream_error and no internal text", async () => {
    const buyer = await newBuyer();
    sfnScript.onStart = async (input) => {
      await markOrderFailed(table(), {
        orderId: String(input.orderId),
        accountId: buyer.id,
        model: "deepseek-flash",
        createdAt: String(input.createdAt),
        error: { name: "States.HeartbeatTimeout", code: "timeout", message: "arn:aws:secret internals" },
      });
    };
    sfnScript.describe = () => ({ status: "FAILED" });
    const r = await ask({ accountId: buyer.id, role: "buyer" });
    expect(r.statusCode).toBe(502);
    expect(r.body.error).toMatchObject({ code: "upstream_error", order_id: expect.stringMatching(/^ord_/) });
    expect(JSON.stringify(r.body)).not.toContain("arn:aws");
  });

  it("answers 504 with the order id when the order outlives the wait, and GET shows it", async () => {
    const buyer = await newBuyer();
    const me = { accountId: buyer.id, role: "buyer" };
    const r = await ask(me);
    expect(r.statusCode).toBe(504);
    const orderId = r.body.error.order_id as string;
    expect(orderId).toMatch(/^ord_/);
    const order = await call(api, { path: `/v1/orders/${orderId}`, caller: me });
    expect(order.statusCode).toBe(200);
    expect(order.body.status).toBe("queued");
  });

  it("re-attaches a retry with the same Idempotency-Key to the same order", async () => {
    const buyer = await newBuyer();
    const me = { accountId: buyer.id, role: "buyer" };
    const headers = { "Idempotency-Key": "chat-1" };
    const first = await ask(me, headers);
    expect(first.statusCode).toBe(504);
    const second = await ask(me, headers);
    expect(second.statusCode).toBe(504);
    expect(second.body.error.order_id).toBe(first.body.error.order_id);
    expect(sfnScript.started.map((s) => s.orderId)).toEqual([
      first.body.error.order_id,
      first.body.error.order_id,
    ]);
  });
});

describe("fleets", () => {
  it("reports in-flight orders per fleet from the capacity rows", async () => {
    const r = await call(api, { path: "/v1/fleets", caller: null });
    expect(r.statusCode).toBe(200);
    for (const f of r.body.data) expect(f.in_flight).toBe(0);
  });
});
