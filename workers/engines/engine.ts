// The seam between the worker agent and whatever runs the model on the host.
// The agent only needs text, a finish reason, token counts (for billing) and
// busy time (for energy accounting), so that is all an engine returns.

// Roles are open-ended (OpenAI keeps adding them); the inference server validates them.
export type ChatRole = string;

export interface ChatMessage {
  role: ChatRole;
  // OpenAI allows structured content parts; engines flatten them to text.
  content: string | Array<{ type: string; text?: string }> | null;
  name?: string;
  tool_call_id?: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
}

export type FinishReason = "stop" | "length" | "content_filter" | "tool_calls";

export interface ChatResult {
  content: string;
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
  // Time the accelerator was busy for this order; drives the energy figure on the receipt.
  busyMs: number;
}

export interface InferenceEngine {
  // Short identifier echoed in the worker result (`engine` field).
  readonly name: string;
  complete(req: ChatRequest, signal: AbortSignal): Promise<ChatResult>;
}

// The one error type engines throw; the agent reports it as SendTaskFailure {error: "EngineError"}.
export class EngineError extends Error {
  override readonly name = "EngineError";
  constructor(
    message: string,
    // HTTP status of the inference server, when the failure came from one.
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function messageText(message: ChatMessage): string {
  const { content } = message;
  if (content === null) return "";
  if (typeof content === "string") return content;
  return content.map((part) => part.text ?? "").join("");
}
