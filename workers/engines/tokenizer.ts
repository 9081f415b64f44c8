import { Tiktoken } from "js-tiktoken/lite";
import o200kBase from "js-tiktoken/ranks/o200k_base";
import { type ChatMessage, messageText } from "./engine";

// One encoder per process: building it parses ~200k ranks, far too slow per order.
let encoder: Tiktoken | undefined;
function getEncoder(): Tiktoken {
  encoder ??= new Tiktoken(o200kBase);
  return encoder;
}

// OpenAI's accounting for chat prompts: each message costs its tokens plus a fixed framing
// overhead (role and separators), and the reply is primed with a few more. Same constants as
// OpenAI's published counting recipe for the gpt-4o family.
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING_TOKENS = 3;

export function countTextTokens(text: string): number {
  return getEncoder().encode(text).length;
}

export function encodeText(text: string): number[] {
  return getEncoder().encode(text);
}

export function decodeTokens(tokens: number[]): string {
  return getEncoder().decode(tokens);
}

export function countPromptTokens(messages: readonly ChatMessage[]): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTextTokens(message.role) + countTextTokens(messageText(message));
    if (message.name !== undefined) total += TOKENS_PER_NAME + countTextTokens(message.name);
  }
  return total;
}
