import { z } from "zod";
import type { ChatRequest, FinishReason } from "./engines/engine";

// docs/contracts.md, "Fleet queue message (SQS body, JSON) and worker result".

// SendTaskFailure limits (Step Functions API): error ≤ 256 chars, cause ≤ 32768 chars.
export const TASK_FAILURE_CAUSE_MAX_CHARS = 32_768;

const chatMessageSchema = z
  .object({
    // Roles are passed through to the engine untouched; the inference server is the judge of them.
    role: z.string().min(1),
    content: z
      .union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }).loose())])
      .nullable(),
    name: z.string().optional(),
    tool_call_id: z.string().optional(),
  })
  .loose();

const chatRequestSchema = z
  .object({
    messages: z.array(chatMessageSchema).min(1),
    // nullish: the API passes the buyer's request through, and OpenAI clients send explicit nulls.
    max_tokens: z.number().int().positive().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    stop: z.union([z.string(), z.array(z.string())]).nullish(),
  })
  // Extra request fields (seed, user, ...) are not ours to reject.
  .loose();

export const fleetMessageSchema = z.object({
  version: z.literal(1),
  taskToken: z.string().min(1),
  orderId: z.string().min(1),
  fleetId: z.string().min(1),
  model: z.string().min(1),
  request: chatRequestSchema,
  heartbeatSeconds: z.number().positive().max(3600),
});

export type FleetMessage = z.infer<typeof fleetMessageSchema>;

export type ParseResult = { ok: true; message: FleetMessage } | { ok: false; reason: string };

export function parseFleetMessage(body: string | undefined): ParseResult {
  if (body === undefined) return { ok: false, reason: "empty body" };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: "body is not JSON" };
  }
  const parsed = fleetMessageSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error) };
  return { ok: true, message: parsed.data };
}

export function toChatRequest(message: FleetMessage): ChatRequest {
  const { messages, max_tokens, max_completion_tokens, temperature, top_p, stop } = message.request;
  return {
    model: message.model,
    messages: messages as ChatRequest["messages"],
    // max_completion_tokens is OpenAI's newer name for the same limit.
    max_tokens: max_tokens ?? max_completion_tokens ?? undefined,
    temperature: temperature ?? undefined,
    top_p: top_p ?? undefined,
    stop: stop ?? undefined,
  };
}

// The output of SendTaskSuccess, read by SettleOrder as `$.execution`.
export interface WorkerResult {
  content: string;
  finishReason: FinishReason;
  usage: { promptTokens: number; completionTokens: number };
  hostId: string;
  engine: string;
  busyMs: number;
}
