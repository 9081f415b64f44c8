import { z } from "zod";
import {
  type ChatRequest,
  type ChatResult,
  EngineError,
  type FinishReason,
  type InferenceEngine,
} from "./engine";
import { countPromptTokens, countTextTokens } from "./tokenizer";

// Talks to any server exposing OpenAI's /v1/chat/completions: vLLM and its vendor forks
// (vllm-ascend, vllm-mlu, vLLM-Kunlun, vllm-musa), MindIE, SGLang, LMDeploy, Ollama.

export interface OpenAiCompatibleEngineOptions {
  // e.g. http://127.0.0.1:8000 (a trailing /v1 is accepted too).
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
  // Name the server serves the model under (vLLM --served-model-name) when it differs from the
  // marketplace model id in the order.
  servedModel?: string;
  fetch?: typeof fetch;
}

// Error bodies can be whole HTML pages; keep enough to diagnose, not enough to flood the logs.
const ERROR_BODY_MAX_CHARS = 500;

const completionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish() }).passthrough(),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z
    .object({
      prompt_tokens: z.number().int().nonnegative(),
      completion_tokens: z.number().int().nonnegative(),
    })
    .nullish(),
});

export class OpenAiCompatibleEngine implements InferenceEngine {
  readonly name = "openai-compatible";
  private readonly url: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: OpenAiCompatibleEngineOptions) {
    const base = options.baseUrl.replace(/\/+$/, "");
    this.url = base.endsWith("/v1") ? `${base}/chat/completions` : `${base}/v1/chat/completions`;
    if (!(options.timeoutMs > 0)) throw new RangeError("timeoutMs must be > 0");
    this.fetchImpl = options.fetch ?? fetch;
  }

  async complete(req: ChatRequest, signal: AbortSignal): Promise<ChatResult> {
    const body = {
      model: this.options.servedModel ?? req.model,
      messages: req.messages,
      max_tokens: req.max_tokens,
      temperature: req.temperature,
      top_p: req.top_p,
      stop: req.stop,
      stream: false,
    };
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
    };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;

    const startedAt = performance.now();
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(this.url, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      text = await response.text();
    } catch (error) {
      throw new EngineError(`inference server unreachable or timed out: ${describe(error)}`, undefined, {
        cause: error,
      });
    }
    // Wall time of the request is the best busy-time figure a black-box server gives us.
    const busyMs = Math.round(performance.now() - startedAt);

    if (!response.ok) {
      throw new EngineError(
        `inference server answered ${response.status}: ${text.slice(0, ERROR_BODY_MAX_CHARS)}`,
        response.status,
      );
    }
    let parsed: z.infer<typeof completionSchema>;
    try {
      parsed = completionSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new EngineError(`inference server sent an unexpected body: ${describe(error)}`, response.status, {
        cause: error,
      });
    }
    const choice = parsed.choices[0];
    const content = choice?.message.content ?? "";
    return {
      content,
      finishReason: toFinishReason(choice?.finish_reason),
      // Servers that omit usage (some Ollama/MindIE builds) are billed by our own tokenizer count.
      promptTokens: parsed.usage?.prompt_tokens ?? countPromptTokens(req.messages),
      completionTokens: parsed.usage?.completion_tokens ?? countTextTokens(content),
      busyMs,
    };
  }
}

function toFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "length":
    case "content_filter":
    case "tool_calls":
      return reason;
    default:
      // "stop", "eos", null, vendor-specific values: the model ended on its own.
      return "stop";
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
