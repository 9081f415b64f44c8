import { beforeAll, describe, expect, it } from "vitest";
import { adminCaller, buyerCaller, call, providerCaller } from "./events";

// The api Lambda through its real middy chain, for everything decided before any storage call.
// TABLE_NAME points nowhere reachable: a test that touched DynamoDB would fail loudly, not pass by accident.

type Handler = Parameters<typeof call>[0];
let handler: Handler;

beforeAll(async () => {
  process.env.TABLE_NAME = "unit-no-table";
  process.env.STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:order";
  process.env.AWS_REGION = "us-east-1";
  process.env.AWS_ENDPOINT_URL = "http://127.0.0.1:9";
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  ({ handler } = (await import("../../../functions/api/handler")) as unknown as { handler: Handler });
});

const chat = (body: unknown, extra: { rawBody?: string; caller?: typeof buyerCaller | null } = {}) =>
  call(handler, { method: "POST", path: "/v1/chat/completions", body, ...extra });

const hello = { model: "deepseek-flash", messages: [{ role: "user", content: "hi" }] };

function expectOpenAiError(body: unknown): asserts body is { error: Record<string, unknown> } {
  expect(body).toMatchObject({ error: { type: expect.any(String), message: expect.any(String) } });
}

describe("public routes", () => {
  it("answers health with status ok", async () => {
    const r = await call(handler, { path: "/v1/health", caller: null });
    expect(r.statusCode).toBe(200);
    expect(r.body).toEqual({ status: "ok" });
  });

  it("serves an OpenAPI 3.1 document listing every route", async () => {
    const r = await call(handler, { path: "/openapi.json", caller: null });
    expect(r.statusCode).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    for (const path of [
      "/v1/accounts",
      "/v1/accounts/{id}/credits",
      "/v1/providers",
      "/v1/models",
      "/v1/chat/completions",
      "/v1/orders/{id}",
      "/v1/balance",
      "/v1/ledger",
      "/v1/health",
      "/v1/fleets",
    ]) {
      expect(r.body.paths[path], path).toBeDefined();
    }
    expect(r.body.components.schemas.ChatCompletionRequest.properties.routing).toBeDefined();
  });

  it("every $ref in the OpenAPI document resolves", async () => {
    const r = await call(handler, { path: "/openapi.json", caller: null });
    const refs = JSON.stringify(r.body).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const [, , kind, name] = ref.slice(8, -1).split("/");
      expect(r.body.components[kind ?? ""]?.[name ?? ""], ref).toBeDefined();
    }
  });

  it("lists fleets with chip family, region, capacity, green share and PUE", async () => {
    const r = await call(handler, { path: "/v1/fleets", caller: null });
    expect(r.statusCode).toBe(200);
    expect(r.body.data.length).toBeGreaterThan(0);
    for (const f of r.body.data) {
      expect(f).toMatchObject({
        id: expect.any(String),
        chip_family: expect.any(String),
        region: expect.any(String),
        capacity: expect.any(Number),
        green_share: expect.any(Number),
        pue: expect.any(Number),
      });
      expect(f).toHaveProperty("in_flight");
    }
  });
});

describe("models", () => {
  it("lists models in the OpenAI list shape with digit-string prices and chip families", async () => {
    const r = await call(handler, { path: "/v1/models" });
    expect(r.statusCode).toBe(200);
    expect(r.body.object).toBe("list");
    expect(r.body.data.length).toBeGreaterThanOrEqual(10);
    for (const m of r.body.data) {
      expect(m.object).toBe("model");
      expect(m.pricing.input_micros_per_mtok).toMatch(/^\d+$/);
      expect(m.pricing.output_micros_per_mtok).toMatch(/^\d+$/);
      expect(Array.isArray(m.chip_families)).toBe(true);
    }
  });

  it("rejects a request that reached the Lambda without authorizer context with 401", async () => {
    const r = await call(handler, { path: "/v1/models", caller: null });
    expect(r.statusCode).toBe(401);
    expect(r.body.error.type).toBe("authentication_error");
  });
});

describe("routing misses", () => {
  it("answers an unknown route with 404 in the OpenAI error shape", async () => {
    const r = await call(handler, { path: "/v1/nope" });
    expect(r.statusCode).toBe(404);
    expectOpenAiError(r.body);
    expect(r.headers["content-type"]).toBe("application/json");
  });

  it("answers a known route with the wrong method with 405 and an allow header", async () => {
    const r = await call(handler, { method: "DELETE", path: "/v1/chat/completions" });
    expect(r.statusCode).toBe(405);
    expect(r.headers.allow).toBe("POST");
    expectOpenAiError(r.body);
  });

  it("answers GET on a POST-only route with 405", async () => {
    const r = await call(handler, { method: "GET", path: "/v1/accounts/acc_1/credits", caller: adminCaller });
    expect(r.statusCode).toBe(405);
  });
});

describe("roles", () => {
  it("refuses a buyer key on an operator route with 403", async () => {
    const r = await call(handler, {
      method: "POST",
      path: "/v1/accounts",
      body: { name: "x", kind: "developer" },
    });
    expect(r.statusCode).toBe(403);
    expect(r.body.error.type).toBe("permission_error");
  });

  it("refuses a provider key on chat completions with 403", async () => {
    const r = await chat(hello, { caller: providerCaller });
    expect(r.statusCode).toBe(403);
  });

  it("refuses the admin key on chat completions with 403", async () => {
    const r = await chat(hello, { caller: adminCaller });
    expect(r.statusCode).toBe(403);
  });

  it("refuses the admin key on the balance route with 403", async () => {
    const r = await call(handler, { path: "/v1/balance", caller: adminCaller });
    expect(r.statusCode).toBe(403);
  });
});

describe("request bodies", () => {
  it("answers malformed JSON with 400, not 415 or 500", async () => {
    const r = await chat(undefined, { rawBody: '{"model": "deepseek-flash",' });
    expect(r.statusCode).toBe(400);
    expect(r.body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_json" });
  });

  it("answers a body over 1 MiB with 413", async () => {
    const big = { ...hello, messages: [{ role: "user", content: "x".repeat(1024 * 1024 + 1) }] };
    const r = await chat(big);
    expect(r.statusCode).toBe(413);
    expectOpenAiError(r.body);
  });

  it("answers a base64 body over 1 MiB with 413", async () => {
    const big = { ...hello, messages: [{ role: "user", content: "y".repeat(1024 * 1024 + 1) }] };
    const r = await call(handler, { method: "POST", path: "/v1/chat/completions", body: big, base64: true });
    expect(r.statusCode).toBe(413);
  });

  it("answers a missing body with 400", async () => {
    const r = await chat(undefined);
    expect(r.statusCode).toBe(400);
  });

  it("answers a JSON array body with 400", async () => {
    const r = await chat([hello]);
    expect(r.statusCode).toBe(400);
  });
});

describe("chat completion validation", () => {
  it.each([
    ["missing model", { messages: hello.messages }, "model"],
    ["model of the wrong type", { ...hello, model: 42 }, "model"],
    ["missing messages", { model: "deepseek-flash" }, "messages"],
    ["empty messages", { ...hello, messages: [] }, "messages"],
    ["an unknown role", { ...hello, messages: [{ role: "robot", content: "hi" }] }, "messages[0].role"],
    [
      "content of the wrong type",
      { ...hello, messages: [{ role: "user", content: 5 }] },
      "messages[0].content",
    ],
    ["an unknown top-level field", { ...hello, temprature: 1 }, "temprature"],
    [
      "an unknown message field",
      { ...hello, messages: [{ role: "user", content: "a", x: 1 }] },
      "messages[0].x",
    ],
    ["temperature above 2", { ...hello, temperature: 2.5 }, "temperature"],
    ["temperature below 0", { ...hello, temperature: -0.1 }, "temperature"],
    ["top_p above 1", { ...hello, top_p: 1.5 }, "top_p"],
    ["max_tokens of zero", { ...hello, max_tokens: 0 }, "max_tokens"],
    ["fractional max_tokens", { ...hello, max_tokens: 1.5 }, "max_tokens"],
    ["huge max_completion_tokens", { ...hello, max_completion_tokens: 10_000_000 }, "max_completion_tokens"],
    ["an unknown routing preference", { ...hello, routing: { prefer: "slowest" } }, "routing.prefer"],
    ["an unknown routing field", { ...hello, routing: { favourite: 1 } }, "routing.favourite"],
    ["n above 1", { ...hello, n: 2 }, "n"],
  ])("answers %s with 400 naming the field", async (_name, body, param) => {
    const r = await chat(body);
    expect(r.statusCode).toBe(400);
    expect(r.body.error.type).toBe("invalid_request_error");
    expect(r.body.error.param).toBe(param);
  });

  it("answers stream=true with 400 naming stream", async () => {
    const r = await chat({ ...hello, stream: true });
    expect(r.statusCode).toBe(400);
    expect(r.body.error).toMatchObject({ param: "stream", code: "unsupported_value" });
    expect(r.body.error.message).toMatch(/not supported yet/);
  });

  it("answers an unknown model with 404 model_not_found naming model", async () => {
    const r = await chat({ ...hello, model: "gpt-17" });
    expect(r.statusCode).toBe(404);
    expect(r.body.error).toMatchObject({ code: "model_not_found", param: "model" });
  });

  it("answers an over-long Idempotency-Key with 400", async () => {
    const r = await call(handler, {
      method: "POST",
      path: "/v1/chat/completions",
      body: hello,
      headers: { "Idempotency-Key": "k".repeat(300) },
    });
    expect(r.statusCode).toBe(400);
    expect(r.body.error.param).toBe("Idempotency-Key");
  });
});

describe("operator request validation", () => {
  const credit = (body: unknown) =>
    call(handler, { method: "POST", path: "/v1/accounts/acc_1/credits", body, caller: adminCaller });
  const valid = { amount_micros: "1000000", source: "paid", reference: "inv-1" };

  it.each([
    ["a negative amount", "-5"],
    ["a decimal amount", "1.5"],
    ["an exponent", "1e6"],
    ["a non-digit amount", "ten"],
    ["an empty amount", ""],
    ["a zero amount", "0"],
    ["a 19-digit amount", "1".repeat(19)],
  ])("answers %s with 400 naming amount_micros", async (_name, amount) => {
    const r = await credit({ ...valid, amount_micros: amount });
    expect(r.statusCode).toBe(400);
    expect(r.body.error.param).toBe("amount_micros");
  });

  it.each([
    ["a JSON integer", 1_000_000],
    ["a JSON float", 1.5],
    ["a negative JSON number", -1],
  ])("answers an amount given as %s with 400 (money is a digit string)", async (_name, amount) => {
    const r = await credit({ ...valid, amount_micros: amount });
    expect(r.statusCode).toBe(400);
    expect(r.body.error.param).toBe("amount_micros");
  });

  it("answers an unknown funding source with 400 naming source", async () => {
    const r = await credit({ ...valid, source: "loan" });
    expect(r.statusCode).toBe(400);
    expect(r.body.error.param).toBe("source");
  });

  it("answers a non-ISO expiry with 400 naming expires_at", async () => {
    const r = await credit({ ...valid, expires_at: "next tuesday" });
    expect(r.statusCode).toBe(400);
    expect(r.body.error.param).toBe("expires_at");
  });

  it("answers an account of an unknown kind with 400 naming kind", async () => {
    const r = await call(handler, {
      method: "POST",
      path: "/v1/accounts",
      body: { name: "x", kind: "alien" },
      caller: adminCaller,
    });
    expect(r.statusCode).toBe(400);
    expect(r.body.error.param).toBe("kind");
  });

  it("answers a negative credit limit with 400 naming credit_limit_micros", async () => {
    const r = await call(handler, {
      method: "POST",
      path: "/v1/accounts",
      body: { name: "x", kind: "developer", credit_limit_micros: "-1" },
      caller: adminCaller,
    });
    expect(r.statusCode).toBe(400);
    expect(r.body.error.param).toBe("credit_limit_micros");
  });

  it("answers an unknown policy flag with 400 naming it", async () => {
    const r = await call(handler, {
      method: "POST",
      path: "/v1/accounts",
      body: { name: "x", kind: "developer", policy: { foreign_only: true } },
      caller: adminCaller,
    });
    expect(r.statusCode).toBe(400);
    expect(r.body.error.param).toBe("policy.foreign_only");
  });
});

describe("ledger query", () => {
  it.each([["0"], ["101"], ["abc"], ["-1"]])("answers limit=%s with 400 naming limit", async (limit) => {
    const r = await call(handler, { path: "/v1/ledger", query: { limit } });
    expect(r.statusCode).toBe(400);
    expect(r.body.error.param).toBe("limit");
  });
});

describe("storage failures", () => {
  it("answers with a generic 500 that leaks no stack, endpoint or message", async () => {
    // The table endpoint is unreachable, so the balance read fails inside the SDK.
    const r = await call(handler, { path: "/v1/balance", caller: buyerCaller });
    expect(r.statusCode).toBe(500);
    expect(r.body).toEqual({
      error: {
        type: "server_error",
        code: "internal_error",
        message: "The server had an error processing the request",
        param: null,
      },
    });
  });
});
