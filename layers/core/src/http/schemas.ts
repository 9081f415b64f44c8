import { z } from "zod";

// Request and response schemas of the public HTTP API (shared/API.md). Requests are strict: an unknown or
// mistyped field is a 400 that names the field, so a typo never silently changes what a buyer pays for.
// The same schemas feed the OpenAPI document, so the published contract cannot drift from what is enforced.

/** Named schemas that become `components.schemas` of the OpenAPI document (openapi.ts). Requests are
 * rendered as input types (what a client sends), responses as output types (what it receives). */
export const requestSchemas = z.registry<{ id: string }>();
export const responseSchemas = z.registry<{ id: string }>();

/** Largest amount accepted on input: 18 digits keeps every value far inside a DynamoDB N and a signed i64. */
const MAX_MICROS_DIGITS = 18;

/**
 * Money on input is a string of digits only. JSON numbers are refused on purpose: a client that sends
 * 12345678901234567890 has already lost precision in its own JSON encoder, and accepting integers would
 * invite floats. Negative values, signs, decimals and exponents fail the pattern.
 */
export const micros = z
  .string()
  .regex(/^\d+$/, "must be a string of digits (integer micro-CNY)")
  .max(MAX_MICROS_DIGITS, `must have at most ${MAX_MICROS_DIGITS} digits`)
  .meta({ description: "integer micro-CNY (1 CNY = 1,000,000) as a string of digits", example: "1000000" });

export const positiveMicros = micros.refine((v) => /[1-9]/.test(v), "must be greater than zero");

const accountKind = z.enum(["government", "enterprise", "developer"]);

export const createAccountRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    kind: accountKind,
    credit_limit_micros: micros.optional(),
    policy: z.strictObject({ domestic_chips_only: z.boolean().optional() }).optional(),
  })
  .register(requestSchemas, { id: "CreateAccountRequest" });

export const createAccountResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: accountKind,
    api_key: z.string().meta({ description: "buyer key, shown once; only its sha256 is stored" }),
  })
  .register(responseSchemas, { id: "CreateAccountResponse" });

export const creditSource = z.enum(["paid", "gift", "voucher"]);

export const creditAccountRequest = z
  .strictObject({
    amount_micros: positiveMicros,
    source: creditSource,
    reference: z.string().min(1).max(200).meta({ description: "unique per account; a replay is a no-op" }),
    issuer: z.string().min(1).max(200).optional(),
    expires_at: z.iso
      .datetime()
      // A credit that has already expired could never be spent: refuse it rather than store dead money.
      .refine((at) => Date.parse(at) > Date.now(), "expires_at must be in the future")
      .optional()
      .meta({ description: "UTC ISO 8601 in the future, e.g. 2027-01-01T00:00:00Z" }),
  })
  .register(requestSchemas, { id: "CreditAccountRequest" });

export const creditAccountResponse = z
  .object({ transfer_id: z.string(), balance: z.lazy(() => balanceResponse) })
  .register(responseSchemas, { id: "CreditAccountResponse" });

export const createProviderRequest = z
  .strictObject({ name: z.string().trim().min(1).max(200) })
  .register(requestSchemas, { id: "CreateProviderRequest" });

export const createProviderResponse = z
  .object({ id: z.string(), api_key: z.string() })
  .register(responseSchemas, { id: "CreateProviderResponse" });

const textPart = z.strictObject({ type: z.literal("text"), text: z.string() });
const messageContent = z.union([z.string(), z.array(textPart).min(1).max(64)]);

// Roles per OpenAI; `name` and `tool_call_id` are accepted because the official SDK may send them.
const chatMessage = z.discriminatedUnion("role", [
  z.strictObject({ role: z.literal("system"), content: messageContent, name: z.string().optional() }),
  z.strictObject({ role: z.literal("user"), content: messageContent, name: z.string().optional() }),
  z.strictObject({
    role: z.literal("assistant"),
    content: messageContent.nullable(),
    name: z.string().optional(),
  }),
  z.strictObject({ role: z.literal("tool"), content: messageContent, tool_call_id: z.string() }),
]);

/** Upper bound on generated tokens per call: bounds the worst-case hold and the worker's runtime. */
export const MAX_OUTPUT_TOKENS = 65_536;
const maxTokens = z.int().min(1).max(MAX_OUTPUT_TOKENS);

const chipFamilies = z.array(z.string().min(1).max(64)).max(32);

export const routing = z
  .strictObject({
    prefer: z.enum(["cheapest", "fastest", "greenest"]).optional(),
    chip_family: chipFamilies.optional(),
    only: z.array(z.string().min(1).max(128)).max(32).optional().meta({ description: "fleet ids" }),
    ignore: z.array(z.string().min(1).max(128)).max(32).optional().meta({ description: "fleet ids" }),
    allow_fallback: z.boolean().optional(),
  })
  .register(requestSchemas, { id: "Routing" });

export const chatCompletionRequest = z
  .strictObject({
    model: z.string().min(1).max(128),
    messages: z.array(chatMessage).min(1).max(512),
    max_tokens: maxTokens.optional(),
    max_completion_tokens: maxTokens.optional(),
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().min(0).max(1).optional(),
    stop: z
      .union([z.string(), z.array(z.string()).max(4)])
      .nullable()
      .optional(),
    stream: z.boolean().optional(),
    n: z.literal(1).optional().meta({ description: "only 1 is supported" }),
    seed: z.int().optional(),
    presence_penalty: z.number().min(-2).max(2).optional(),
    frequency_penalty: z.number().min(-2).max(2).optional(),
    user: z.string().max(256).optional(),
    routing: routing.optional(),
  })
  .register(requestSchemas, { id: "ChatCompletionRequest" });

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

export const chatCompletionResponse = z
  .object({
    id: z.string(),
    object: z.literal("chat.completion"),
    created: z.int(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.int(),
        message: z.object({ role: z.literal("assistant"), content: z.string() }),
        finish_reason: z.string(),
      }),
    ),
    usage: z.object({ prompt_tokens: z.int(), completion_tokens: z.int(), total_tokens: z.int() }),
    billing: z.object({
      order_id: z.string(),
      charged_micros: micros,
      held_micros: micros,
      currency: z.literal("CNY"),
      breakdown: z.object({
        model_provider_micros: micros,
        compute_provider_micros: micros,
        platform_micros: micros,
      }),
      policy: z.string(),
    }),
    compute: z.object({
      fleet_id: z.string(),
      chip_family: z.string(),
      host_id: z.string().nullable(),
      region: z.string(),
    }),
    carbon: z.object({
      energy_wh: z.number(),
      gco2e: z.number(),
      green_share: z.number(),
      grid_factor_source: z.string(),
    }),
  })
  .register(responseSchemas, { id: "ChatCompletion" });

export const modelListResponse = z
  .object({
    object: z.literal("list"),
    data: z.array(
      z.object({
        id: z.string(),
        object: z.literal("model"),
        created: z.int(),
        owned_by: z.string(),
        context_length: z.int(),
        pricing: z.object({ input_micros_per_mtok: micros, output_micros_per_mtok: micros }),
        chip_families: z.array(z.string()),
      }),
    ),
  })
  .register(responseSchemas, { id: "ModelList" });

export const balanceResponse = z
  .object({
    available_micros: z.string().regex(/^-?\d+$/),
    posted_micros: z.string().regex(/^-?\d+$/),
    held_micros: micros,
    credit_limit_micros: micros,
    by_source: z.array(
      z.object({
        source: creditSource,
        issuer: z.string().optional(),
        amount_micros: micros,
        expires_at: z.string().optional(),
      }),
    ),
  })
  .register(responseSchemas, { id: "Balance" });

export const ledgerQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d+$/, "must be an integer")
    .transform(Number)
    .pipe(z.int().min(1).max(100))
    .optional(),
  cursor: z.string().min(1).max(2048).optional(),
});

export const ledgerResponse = z
  .object({
    data: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        amount_micros: micros,
        direction: z.enum(["debit", "credit"]),
        order_id: z.string().optional(),
        created_at: z.string(),
      }),
    ),
    next_cursor: z.string().nullable(),
  })
  .register(responseSchemas, { id: "Ledger" });

export const orderResponse = z
  .object({
    id: z.string(),
    status: z.enum(["queued", "running", "succeeded", "failed", "canceled", "aborted", "timed_out"]),
    queue_reason: z.string().optional(),
    model: z.string().optional(),
    result: z.unknown().optional(),
    usage: z.unknown().optional(),
    billing: z.unknown().optional(),
    compute: z.unknown().optional(),
    carbon: z.unknown().optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .register(responseSchemas, { id: "Order" });

export const fleetListResponse = z
  .object({
    object: z.literal("list"),
    data: z.array(
      z.object({
        id: z.string(),
        chip_family: z.string(),
        region: z.string(),
        engine: z.string().optional(),
        models: z.array(z.string()),
        capacity: z.int(),
        in_flight: z.int().nullable(),
        green_share: z.number(),
        pue: z.number(),
      }),
    ),
  })
  .register(responseSchemas, { id: "FleetList" });

export const healthResponse = z
  .object({ status: z.literal("ok") })
  .register(responseSchemas, { id: "Health" });

export const errorResponse = z
  .object({
    error: z.object({
      type: z.string(),
      code: z.string().nullable(),
      message: z.string(),
      param: z.string().nullable(),
      limit_source: z.enum(["balance", "credit_limit", "in_flight_holds", "voucher_scope"]).optional(),
      order_id: z.string().optional(),
    }),
  })
  .register(responseSchemas, { id: "Error" });
