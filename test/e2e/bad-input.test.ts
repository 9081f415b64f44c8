import { beforeAll, describe, expect, it } from "vitest";
import { type Buyer, createFundedBuyer, type HttpResult, http, outputs } from "../support/platform";

type ErrorBody = {
  error?: { type?: unknown; code?: unknown; message?: unknown; param?: unknown; limit_source?: unknown };
};

function expectOpenAiError(res: HttpResult<ErrorBody>, status: number, param?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(typeof res.body.error?.type).toBe("string");
  expect(typeof res.body.error?.code).toBe("string");
  expect(typeof res.body.error?.message).toBe("string");
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.(m?js|ts):\d+/); // no stack traces
  if (param !== undefined) expect(res.body.error?.param).toBe(param);
}

const chat = (body: unknown) => ({
  model: "deepseek-flash",
  messages: [{ role: "user", content: "hi" }],
  ...(body as object),
});

describe("bad input gets a 4xx in the OpenAI error shape", () => {
  let buyer: Buyer;
  let other: Buyer;
  let admin: string;

  beforeAll(async () => {
    admin = outputs().adminKey;
    buyer = await createFundedBuyer(1_000_000n, "bad-input");
    other = await createFundedBuyer(1_000_000n, "other");
  });

  it("refuses a request without a key with 401", async () => {
    expectOpenAiError(await http("GET", "/v1/balance"), 401);
    expectOpenAiError(
      await http("GET", "/v1/balance", { key: "sk-buyer-not-a-real-key-000000000000000000" }),
      401,
    );
  });

  it("refuses a buyer on operator endpoints with 403", async () => {
    expectOpenAiError(
      await http("POST", "/v1/accounts", { key: buyer.apiKey, body: { name: "x", kind: "developer" } }),
      403,
    );
    expectOpenAiError(await http("POST", "/v1/providers", { key: buyer.apiKey, body: { name: "x" } }), 403);
  });

  it("answers malformed JSON with 400 on every endpoint that takes a body", async () => {
    for (const [route, key] of [
      ["/v1/accounts", admin],
      [`/v1/accounts/${buyer.accountId}/credits`, admin],
      ["/v1/providers", admin],
      ["/v1/chat/completions", buyer.apiKey],
    ] as const) {
      expectOpenAiError(await http("POST", route, { key, rawBody: '{"name": "unterminated' }), 400);
    }
  });

  it("names the field that has the wrong type", async () => {
    expectOpenAiError(
      await http("POST", "/v1/accounts", { key: admin, body: { name: 42, kind: "developer" } }),
      400,
      "name",
    );
    expectOpenAiError(
      await http("POST", "/v1/accounts", { key: admin, body: { name: "a", kind: "pirate" } }),
      400,
      "kind",
    );
    expectOpenAiError(await http("POST", "/v1/providers", { key: admin, body: {} }), 400, "name");
    expectOpenAiError(
      await http("POST", "/v1/chat/completions", { key: buyer.apiKey, body: chat({ messages: "hi" }) }),
      400,
      "messages",
    );
    expectOpenAiError(
      await http("POST", "/v1/chat/completions", { key: buyer.apiKey, body: chat({ max_tokens: -5 }) }),
      400,
      "max_tokens",
    );
    expectOpenAiError(
      await http("POST", "/v1/chat/completions", { key: buyer.apiKey, body: chat({ max_tokens: 1.5 }) }),
      400,
      "max_tokens",
    );
    expectOpenAiError(
      await http("POST", "/v1/chat/completions", { key: buyer.apiKey, body: chat({ temperature: "hot" }) }),
      400,
      "temperature",
    );
    expectOpenAiError(
      await http("POST", "/v1/chat/completions", {
        key: buyer.apiKey,
        body: chat({ routing: { prefer: "fastest-ever" } }),
      }),
      400,
    );
  });

  it("refuses negative, fractional, float and non-digit amounts", async () => {
    const route = `/v1/accounts/${buyer.accountId}/credits`;
    for (const amount of ["-100", "1.5", 1.5, -1, "12abc", "", "0", null, true, "1e6"]) {
      expectOpenAiError(
        await http("POST", route, {
          key: admin,
          body: { amount_micros: amount, source: "paid", reference: `bad-${String(amount)}` },
        }),
        400,
        "amount_micros",
      );
    }
    expectOpenAiError(
      await http("POST", route, {
        key: admin,
        body: { amount_micros: "100", source: "bitcoin", reference: "r" },
      }),
      400,
      "source",
    );
  });

  it("answers an unknown model with 404 model_not_found", async () => {
    const res = await http<ErrorBody>("POST", "/v1/chat/completions", {
      key: buyer.apiKey,
      body: chat({ model: "gpt-17-ultra" }),
    });
    expectOpenAiError(res, 404, "model");
    expect(res.body.error?.code).toBe("model_not_found");
  });

  it("answers an oversized body with 413", async () => {
    const huge = "x".repeat(2 * 1024 * 1024);
    expectOpenAiError(
      await http("POST", "/v1/chat/completions", {
        key: buyer.apiKey,
        body: chat({ messages: [{ role: "user", content: huge }] }),
      }),
      413,
    );
  });

  it("never reveals another account's objects: their ids are 404", async () => {
    // Crediting an unknown account is a 404 too, and a buyer cannot see another buyer's order or account.
    expectOpenAiError(
      await http("POST", "/v1/accounts/acc_doesnotexist/credits", {
        key: admin,
        body: { amount_micros: "100", source: "paid", reference: "r1" },
      }),
      404,
    );
    expectOpenAiError(await http("GET", "/v1/orders/ord_doesnotexist", { key: buyer.apiKey }), 404);
    const otherOrder = await http<{ billing?: { order_id: string } }>("POST", "/v1/chat/completions", {
      key: other.apiKey,
      body: chat({ max_tokens: 8, routing: { chip_family: ["ascend-910b"] } }),
    });
    expect(otherOrder.status).toBe(200);
    expectOpenAiError(
      await http("GET", `/v1/orders/${otherOrder.body.billing?.order_id}`, { key: buyer.apiKey }),
      404,
    );
  });

  it("answers bad list parameters with 400", async () => {
    expectOpenAiError(await http("GET", "/v1/ledger?limit=1000", { key: buyer.apiKey }), 400, "limit");
    expectOpenAiError(await http("GET", "/v1/ledger?limit=-1", { key: buyer.apiKey }), 400, "limit");
    expectOpenAiError(
      await http("GET", "/v1/ledger?cursor=%%%garbage", { key: buyer.apiKey }),
      400,
      "cursor",
    );
  });

  it("answers an unknown route with 404 in the same shape", async () => {
    expectOpenAiError(await http("GET", "/v1/nothing-here", { key: buyer.apiKey }), 404);
  });

  it("replays an Idempotency-Key and refuses the same key with another body with 409", async () => {
    const headers = { "idempotency-key": `idem-${Date.now()}` };
    const first = await http<{ id: string }>("POST", "/v1/providers", {
      key: admin,
      body: { name: "p1" },
      headers,
    });
    expect(first.status).toBe(201);
    const replay = await http<{ id: string }>("POST", "/v1/providers", {
      key: admin,
      body: { name: "p1" },
      headers,
    });
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    expectOpenAiError(
      await http("POST", "/v1/providers", { key: admin, body: { name: "p2" }, headers }),
      409,
    );
  });
});
