// Prompt token estimate for the hold, with the o200k_base encoding. Bounded: js-tiktoken's BPE costs ~16-100 µs per
// character on long runs without spaces (CJK: measured ~0.5 s per 32k chars even in 16-char slices), so text is encoded
// in short slices cut at spaces where possible (a cut can only add tokens: still an upper bound for the hold), and only
// MAX_ENCODED_CHARS are encoded in all; the rest counts one token per UTF-8 byte (a token is at least one byte).
import { Tiktoken } from "js-tiktoken/lite";
import o200kBase from "js-tiktoken/ranks/o200k_base";

const MAX_ENCODED_CHARS = 16_000;
const CHUNK_CHARS = 32;
/** Chat formatting overhead per message and per reply priming (OpenAI's published rule of thumb). */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_REPLY = 3;
const MAX_MESSAGES = 10_000;

let encoder: Tiktoken | undefined;
function getEncoder(): Tiktoken {
  encoder ??= new Tiktoken(o200kBase);
  return encoder;
}

export interface ChatMessageLike {
  readonly role?: unknown;
  readonly content?: unknown;
  readonly name?: unknown;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part === "object" && "text" in part ? String(part.text) : ""))
      .join("");
  }
  return content === undefined || content === null ? "" : JSON.stringify(content);
}

/** Cut at the last whitespace in the second half of a chunk when there is one, so cuts rarely split a word. */
function chunkEnd(text: string, start: number): number {
  const end = start + CHUNK_CHARS;
  if (end >= text.length) return text.length;
  const space = text.lastIndexOf(" ", end);
  return space > start + CHUNK_CHARS / 2 ? space : end;
}

function encodeChunked(text: string): number {
  let tokens = 0;
  for (let i = 0; i < text.length; ) {
    const end = chunkEnd(text, i);
    tokens += getEncoder().encode(text.slice(i, end)).length;
    i = end;
  }
  return tokens;
}

/** Tokens of `text` when up to `budgetChars` of it may be encoded; the rest is counted by UTF-8 bytes. */
function countWithBudget(text: string, budgetChars: number): { tokens: number; usedChars: number } {
  const head = text.slice(0, Math.max(0, budgetChars));
  return {
    tokens: encodeChunked(head) + Buffer.byteLength(text.slice(head.length), "utf8"),
    usedChars: head.length,
  };
}

export function estimateTextTokens(text: string): number {
  return countWithBudget(text, MAX_ENCODED_CHARS).tokens;
}

export function estimatePromptTokens(messages: readonly ChatMessageLike[]): number {
  if (messages.length > MAX_MESSAGES) throw new RangeError(`at most ${MAX_MESSAGES} messages`);
  let total = TOKENS_PER_REPLY;
  let budget = MAX_ENCODED_CHARS;
  for (const m of messages) {
    const text = `${String(m.role ?? "")}${m.name ? String(m.name) : ""}${textOf(m.content)}`;
    // The encoding budget is shared by all messages so the whole estimate stays bounded.
    const { tokens, usedChars } = countWithBudget(text, budget);
    budget -= usedChars;
    total += TOKENS_PER_MESSAGE + tokens;
  }
  return total;
}
