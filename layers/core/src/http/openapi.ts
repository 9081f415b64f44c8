import { z } from "zod";
import { requestSchemas, responseSchemas } from "./schemas";

// OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas that validate requests, so the
// published contract and the enforced one are one thing. Built once per process (it is static).

type JsonObject = Record<string, unknown>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

const componentsOf = (registry: typeof requestSchemas, io: "input" | "output"): JsonObject => {
  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io,
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: "any",
  });
  // Each component would repeat the dialect and its own id; OpenAPI 3.1 sets the dialect once (jsonSchemaDialect).
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...rest } = schema as JsonObject;
      return [id, rest];
    }),
  );
};

const jsonContent = (id: string) => ({ "application/json": { schema: ref(id) } });

const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/Error${s}` }]));

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: "invalid request; `param` names the field",
  401: "missing or invalid API key",
  402: "insufficient funds; `limit_source` names the limit that refused",
  403: "the key's role may not call this route",
  404: "unknown, or not yours",
  409: "Idempotency-Key reused with a different body, or its first request is still in progress",
  413: "request body too large",
  429: "rate limited; see retry-after",
  502: "the order failed on a worker (`order_id` in the error)",
  503: "no fleet has capacity; see retry-after",
  504: "the order is still running (`order_id` in the error); poll GET /v1/orders/{id}",
};

const idempotencyKey = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description: "a replay returns the first response; the same key with a different body is a 409",
  schema: { type: "string", maxLength: 255 },
};

const idPath = { name: "id", in: "path", required: true, schema: { type: "string" } };

const op = (
  summary: string,
  okStatus: number,
  okSchema: string,
  more: JsonObject = {},
  errs: number[] = [],
) => ({
  summary,
  ...more,
  responses: {
    [String(okStatus)]: { description: "OK", content: jsonContent(okSchema) },
    ...errors(...errs),
  },
});

const admin = [{ apiKey: [] }];
const keyed = [{ apiKey: [] }];
const open: never[] = [];

let cached: JsonObject | undefined;

export function openApiDocument(): JsonObject {
  cached ??= {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Green compute & model-token exchange",
      version: "1.0.0",
      description:
        "OpenAI-compatible API. Money is integer micro-CNY as a string of digits (fields ending in _micros).",
    },
    security: keyed,
    paths: {
      "/v1/accounts": {
        post: op(
          "Create a buyer account and its key (admin)",
          201,
          "CreateAccountResponse",
          {
            security: admin,
            parameters: [idempotencyKey],
            requestBody: { required: true, content: jsonContent("CreateAccountRequest") },
          },
          [400, 401, 403, 409, 413],
        ),
      },
      "/v1/accounts/{id}/credits": {
        post: op(
          "Credit an account (admin)",
          201,
          "CreditAccountResponse",
          {
            security: admin,
            parameters: [idPath, idempotencyKey],
            requestBody: { required: true, content: jsonContent("CreditAccountRequest") },
          },
          [400, 401, 403, 404, 409, 413],
        ),
      },
      "/v1/providers": {
        post: op(
          "Create a provider and its key (admin)",
          201,
          "CreateProviderResponse",
          {
            security: admin,
            parameters: [idempotencyKey],
            requestBody: { required: true, content: jsonContent("CreateProviderRequest") },
          },
          [400, 401, 403, 409, 413],
        ),
      },
      "/v1/models": { get: op("List models with prices and chip families", 200, "ModelList", {}, [401]) },
      "/v1/chat/completions": {
        post: op(
          "Create a chat completion (one order)",
          200,
          "ChatCompletion",
          {
            parameters: [idempotencyKey],
            requestBody: { required: true, content: jsonContent("ChatCompletionRequest") },
          },
          [400, 401, 402, 403, 404, 409, 413, 429, 502, 503, 504],
        ),
      },
      "/v1/orders/{id}": {
        get: op("Get one of your orders", 200, "Order", { parameters: [idPath] }, [401, 403, 404]),
      },
      "/v1/balance": { get: op("Your balance", 200, "Balance", {}, [401, 403]) },
      "/v1/ledger": {
        get: op(
          "Your ledger entries, newest first",
          200,
          "Ledger",
          {
            parameters: [
              { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } },
              { name: "cursor", in: "query", schema: { type: "string" } },
            ],
          },
          [400, 401, 403],
        ),
      },
      "/v1/health": { get: op("Liveness", 200, "Health", { security: open }) },
      "/v1/fleets": {
        get: op("Fleets: chip family, region, capacity, green share, PUE", 200, "FleetList", {
          security: open,
        }),
      },
      "/openapi.json": {
        get: {
          summary: "This document",
          security: open,
          responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": {} } } },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "sk-buyer-…, sk-prov-… or the operator key" },
      },
      schemas: { ...componentsOf(requestSchemas, "input"), ...componentsOf(responseSchemas, "output") },
      responses: Object.fromEntries(
        Object.entries(ERROR_DESCRIPTIONS).map(([status, description]) => [
          `Error${status}`,
          { description, content: jsonContent("Error") },
        ]),
      ),
    },
  };
  return cached;
}
