import type { APIGatewayProxyResultV2 } from "aws-lambda";
import { z } from "zod";
import type { FleetSpec, ModelSpec } from "../catalog/catalog";
import { DOMAIN_ERROR_NAMES } from "../domain/errors";
import type { BalanceView, LedgerEntry } from "../store/ledger-store";
import type { Order } from "../store/order-store";

// Mappers from domain/store shapes to the wire shapes of API.md. Money leaves as digit strings, never numbers.

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** Catalog timestamp for the OpenAI `created` field of models (the catalog is code, not rows). */
const CATALOG_CREATED_S = 1_767_225_600; // 2026-01-01T00:00:00Z

export const toModelList = (models: readonly ModelSpec[]) => ({
  object: "list" as const,
  data: models.map((m) => ({
    id: m.id,
    object: "model" as const,
    created: CATALOG_CREATED_S,
    owned_by: m.ownedBy,
    display_name: m.displayName,
    aliases: [...m.aliases],
    context_length: m.contextLength,
    pricing: {
      input_micros_per_mtok: m.inputMicrosPerMtok.toString(),
      output_micros_per_mtok: m.outputMicrosPerMtok.toString(),
      price_date: m.priceDate,
      price_source: m.priceSource,
    },
    chip_families: [...m.chipFamilies],
  })),
});

export const toFleetList = (
  fleets: readonly FleetSpec[],
  inFlight: ReadonlyMap<string, number> | undefined,
) => ({
  object: "list" as const,
  data: fleets.map((f) => ({
    id: f.id,
    chip_family: f.chipFamily,
    domestic: f.domestic,
    region: f.region,
    engine: f.engine,
    models: [...f.models],
    capacity: f.capacitySlots,
    // A fleet without a capacity row has never admitted an order: 0. Null only when loads were not read.
    in_flight: inFlight === undefined ? null : (inFlight.get(f.id) ?? 0),
    green_share: f.greenShare,
    green_share_source: f.greenShareSource,
    pue: f.pue,
    grid_factor_kgco2_per_kwh: f.gridFactor,
    grid_factor_source: f.gridFactorSource,
  })),
});

// The receipt is SettleOrder's output, i.e. the Step Functions execution output (JSON, money as digit strings
// or safe integers). It crosses a process boundary, so it is parsed, not trusted.
const amount = z.union([z.string().regex(/^\d+$/), z.int().nonnegative()]).transform((v) => String(v));

export const receiptSchema = z.looseObject({
  orderId: z.string(),
  content: z.string(),
  finishReason: z.string(),
  model: z.string().optional(),
  usage: z.looseObject({ promptTokens: z.int().nonnegative(), completionTokens: z.int().nonnegative() }),
  billing: z.looseObject({
    chargedMicros: amount,
    heldMicros: amount,
    breakdown: z.looseObject({
      modelProviderMicros: amount,
      computeProviderMicros: amount,
      platformMicros: amount,
    }),
    policy: z.string(),
  }),
  compute: z.looseObject({
    fleetId: z.string(),
    chipFamily: z.string(),
    hostId: z.string().nullish(),
    region: z.string(),
  }),
  carbon: z.looseObject({
    energyWh: z.number(),
    gco2e: z.number(),
    greenShare: z.number(),
    gridFactorSource: z.string(),
  }),
});

export type Receipt = z.output<typeof receiptSchema>;

export const toUsage = (r: Receipt) => ({
  prompt_tokens: r.usage.promptTokens,
  completion_tokens: r.usage.completionTokens,
  total_tokens: r.usage.promptTokens + r.usage.completionTokens,
});

export const toBilling = (r: Receipt) => ({
  order_id: r.orderId,
  charged_micros: r.billing.chargedMicros,
  held_micros: r.billing.heldMicros,
  currency: "CNY" as const,
  breakdown: {
    model_provider_micros: r.billing.breakdown.modelProviderMicros,
    compute_provider_micros: r.billing.breakdown.computeProviderMicros,
    platform_micros: r.billing.breakdown.platformMicros,
  },
  policy: r.billing.policy,
});

export const toCompute = (r: Receipt) => ({
  fleet_id: r.compute.fleetId,
  chip_family: r.compute.chipFamily,
  host_id: r.compute.hostId ?? null,
  region: r.compute.region,
});

export const toCarbon = (r: Receipt) => ({
  energy_wh: r.carbon.energyWh,
  gco2e: r.carbon.gco2e,
  green_share: r.carbon.greenShare,
  grid_factor_source: r.carbon.gridFactorSource,
});

/** OpenAI `chat.completion` plus billing/compute/carbon; `usage` is exactly what was charged. */
export const toChatCompletion = (r: Receipt, model: string, createdS: number) => ({
  id: `chatcmpl-${r.orderId}`,
  object: "chat.completion" as const,
  created: createdS,
  model,
  choices: [
    {
      index: 0,
      message: { role: "assistant" as const, content: r.content, refusal: null },
      logprobs: null,
      finish_reason: r.finishReason,
    },
  ],
  usage: toUsage(r),
  billing: toBilling(r),
  compute: toCompute(r),
  carbon: toCarbon(r),
});

export const toBalance = (b: BalanceView) => ({
  available_micros: b.availableMicros.toString(),
  posted_micros: b.postedMicros.toString(),
  held_micros: b.heldMicros.toString(),
  credit_limit_micros: b.creditLimitMicros.toString(),
  by_source: b.bySource.map((s) => ({
    source: s.source,
    ...(s.issuer === undefined ? {} : { issuer: s.issuer }),
    amount_micros: s.amountMicros.toString(),
    ...(s.expiresAt === undefined ? {} : { expires_at: s.expiresAt }),
  })),
});

export const toLedgerPage = (page: { data: readonly LedgerEntry[]; nextCursor: string | null }) => ({
  object: "list" as const,
  data: page.data.map((e) => ({
    id: e.id,
    type: e.type,
    amount_micros: e.amountMicros.toString(),
    direction: e.direction,
    ...(e.orderId === undefined ? {} : { order_id: e.orderId }),
    created_at: e.createdAt,
  })),
  next_cursor: page.nextCursor,
});

/** GET /v1/orders/{id}: the row, plus the receipt's result, usage and billing once it settled. */
export const toOrder = (o: Order) => {
  const parsed = o.receipt === undefined ? undefined : receiptSchema.safeParse(o.receipt);
  const receipt = parsed?.success ? parsed.data : undefined;
  return {
    id: o.id,
    object: "order" as const,
    status: o.status,
    model: o.model,
    ...(o.queueReason === undefined ? {} : { queue_reason: o.queueReason }),
    ...(o.heldMicros === undefined ? {} : { held_micros: o.heldMicros.toString() }),
    ...(receipt === undefined
      ? {}
      : {
          result: { content: receipt.content, finish_reason: receipt.finishReason },
          usage: toUsage(receipt),
          billing: toBilling(receipt),
          compute: toCompute(receipt),
          carbon: toCarbon(receipt),
        }),
    ...(o.error === undefined
      ? {}
      : {
          error: {
            code: o.error.code,
            // Only our own domain errors have client-safe messages; a crashed step's text stays in the logs.
            message: (DOMAIN_ERROR_NAMES as readonly string[]).includes(o.error.name)
              ? o.error.message
              : "The order failed while running",
            ...(o.error.limitSource === undefined ? {} : { limit_source: o.error.limitSource }),
          },
        }),
    created_at: o.createdAt,
    updated_at: o.updatedAt,
  };
};
