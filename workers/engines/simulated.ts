import { type ChatRequest, type ChatResult, EngineError, type InferenceEngine, messageText } from "./engine";
import { countPromptTokens, countTextTokens, decodeTokens, encodeText } from "./tokenizer";

// Simulation constants: throughput of a chip with relThroughput 1.0 (the Ascend 910B3 reference in
// the catalog) serving a mid-size model at batch 1. Orders of magnitude only; they exist so that
// busyMs, and therefore energy on the receipt, scales with the prompt, the reply and the chip.
export const DECODE_TOKENS_PER_S_AT_REL_1 = 40;
export const PREFILL_TOKENS_PER_S_AT_REL_1 = 2000;

// Reply length when max_tokens allows it: between MIN and MIN+SPAN-1 tokens, picked from the prompt hash.
const REPLY_TOKENS_MIN = 16;
const REPLY_TOKENS_SPAN = 240;
// Hard bound on the generation loop, whatever max_tokens says.
const REPLY_TOKENS_MAX = 8192;

const WORDS = [
  "compute",
  "token",
  "model",
  "chip",
  "fleet",
  "green",
  "energy",
  "order",
  "queue",
  "ledger",
  "carbon",
  "power",
  "grid",
  "wind",
  "solar",
  "cluster",
  "host",
  "latency",
  "throughput",
  "prompt",
  "answer",
  "the",
  "a",
  "of",
  "and",
  "to",
  "in",
  "is",
  "for",
  "with",
  "on",
  "by",
  "efficient",
  "stable",
  "fast",
  "domestic",
  "inference",
  "memory",
  "bandwidth",
  "price",
  "settle",
  "receipt",
  "exchange",
] as const;

export interface SimulatedEngineOptions {
  // From the accelerator profile of the fleet's chip family (catalog `relThroughput`).
  relThroughput: number;
  // Real sleep = busyMs × latencyScale. 0 = no sleep (benchmarks); 1 = real-time simulation.
  latencyScale: number;
  // Probability in [0, 1] that a call throws EngineError, for fault-injection tests.
  failRate?: number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export class SimulatedEngine implements InferenceEngine {
  readonly name = "simulated";
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(private readonly options: SimulatedEngineOptions) {
    if (!(options.relThroughput > 0)) throw new RangeError("relThroughput must be > 0");
    if (!(options.latencyScale >= 0)) throw new RangeError("latencyScale must be >= 0");
    const failRate = options.failRate ?? 0;
    if (!(failRate >= 0 && failRate <= 1)) throw new RangeError("failRate must be in [0, 1]");
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? abortableSleep;
  }

  async complete(req: ChatRequest, signal: AbortSignal): Promise<ChatResult> {
    if (signal.aborted) throw new EngineError("aborted before start", undefined, { cause: signal.reason });
    if ((this.options.failRate ?? 0) > 0 && this.random() < (this.options.failRate ?? 0)) {
      throw new EngineError("simulated engine fault (fail-rate)");
    }
    const promptTokens = countPromptTokens(req.messages);
    const { content, finishReason } = generateReply(req);
    const completionTokens = countTextTokens(content);
    const busyMs = modelledBusyMs(promptTokens, completionTokens, this.options.relThroughput);
    const sleepMs = busyMs * this.options.latencyScale;
    if (sleepMs > 0) await this.sleep(sleepMs, signal);
    return { content, finishReason, promptTokens, completionTokens, busyMs };
  }
}

export function modelledBusyMs(
  promptTokens: number,
  completionTokens: number,
  relThroughput: number,
): number {
  const prefillMs = (promptTokens * 1000) / (PREFILL_TOKENS_PER_S_AT_REL_1 * relThroughput);
  const decodeMs = (completionTokens * 1000) / (DECODE_TOKENS_PER_S_AT_REL_1 * relThroughput);
  return Math.round(prefillMs + decodeMs);
}

// Same request → same reply: the PRNG is seeded from everything that would change a real reply.
export function generateReply(req: ChatRequest): { content: string; finishReason: "stop" | "length" } {
  const seedText = JSON.stringify([
    req.model,
    req.messages.map((m) => [m.role, messageText(m)]),
    req.temperature ?? null,
    req.top_p ?? null,
  ]);
  const random = mulberry32(fnv1a32(seedText));
  const wantedTokens = REPLY_TOKENS_MIN + Math.floor(random() * REPLY_TOKENS_SPAN);
  const limit = Math.min(req.max_tokens ?? REPLY_TOKENS_MAX, REPLY_TOKENS_MAX);
  const targetTokens = Math.min(wantedTokens, limit);

  // Words are ≥ 1 token each, so targetTokens + 1 words always reach the target.
  const words: string[] = [];
  for (let i = 0; i <= targetTokens; i++) words.push(WORDS[Math.floor(random() * WORDS.length)] ?? "token");
  let tokens = encodeText(words.join(" ")).slice(0, targetTokens);
  let content = decodeTokens(tokens);
  // Decoding a prefix and re-encoding can in rare cases merge differently; trim until the
  // reported count (from the tokenizer) is within the limit. Bounded by the token count.
  while (tokens.length > 0 && countTextTokens(content) > targetTokens) {
    tokens = tokens.slice(0, -1);
    content = decodeTokens(tokens);
  }

  let finishReason: "stop" | "length" = wantedTokens > limit ? "length" : "stop";
  const stops = req.stop === undefined ? [] : Array.isArray(req.stop) ? req.stop : [req.stop];
  for (const stop of stops) {
    const at = stop === "" ? -1 : content.indexOf(stop);
    if (at >= 0) {
      content = content.slice(0, at);
      finishReason = "stop";
    }
  }
  return { content, finishReason };
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new EngineError("aborted", undefined, { cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new EngineError("aborted", undefined, { cause: signal.reason }));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
