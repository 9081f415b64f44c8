// The order state machine's state as it flows through the steps (docs/contracts.md "Order state machine"),
// parsed with schemas at each step so a malformed state fails loudly instead of settling wrong amounts.
import { z } from "zod";

const message = z.looseObject({
  role: z.string(),
  content: z.unknown().optional(),
  name: z.string().optional(),
});

export const OrderInput = z.object({
  orderId: z.string().regex(/^ord_[A-Za-z0-9_-]{1,76}$/),
  accountId: z.string().min(1),
  model: z.string().min(1),
  request: z.looseObject({
    messages: z.array(message).max(10_000),
    max_tokens: z.number().int().optional(),
    temperature: z.number().optional(),
  }),
  routing: z
    .object({
      prefer: z.enum(["cheapest", "fastest", "greenest"]).optional(),
      chip_family: z.array(z.string()).max(20).optional(),
      only: z.array(z.string()).max(50).optional(),
      ignore: z.array(z.string()).max(50).optional(),
      allow_fallback: z.boolean().optional(),
    })
    .optional(),
  createdAt: z.string().min(1),
});
export type OrderInput = z.infer<typeof OrderInput>;

export const Reservation = z.object({
  holdId: z.string(),
  heldMicros: z.string().regex(/^\d+$/),
  expiresAt: z.string(),
  promptTokensEstimate: z.number().int(),
  maxTokens: z.number().int(),
});
export type Reservation = z.infer<typeof Reservation>;

export const Placement = z.object({
  fleetId: z.string(),
  queueUrl: z.string(),
  chipFamily: z.string(),
  region: z.string(),
  hostId: z.string().optional(),
  computeProviderId: z.string(),
  engine: z.string(),
  heartbeatSeconds: z.number().int(),
});
export type Placement = z.infer<typeof Placement>;

export const Execution = z.object({
  content: z.string(),
  finishReason: z.string(),
  usage: z.object({
    promptTokens: z.number().int().min(0),
    completionTokens: z.number().int().min(0),
  }),
  hostId: z.string(),
  engine: z.string(),
  busyMs: z.number().min(0).optional(),
});
export type Execution = z.infer<typeof Execution>;

export const PlaceInput = OrderInput.extend({ reservation: Reservation });
export const SettleInput = PlaceInput.extend({ placement: Placement, execution: Execution });
export const ReleaseInput = OrderInput.extend({
  reservation: Reservation.optional(),
  placement: Placement.optional(),
  error: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
});
export type ReleaseInput = z.infer<typeof ReleaseInput>;
