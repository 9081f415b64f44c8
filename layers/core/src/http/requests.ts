import type { ChatCompletionRequest } from "./schemas";

// Maps a validated chat completion request to the `request` of the order (docs/contracts.md), the part the
// worker's inference server receives. Routing and the model travel beside it, not inside.

export interface OrderRequest {
  readonly messages: ChatCompletionRequest["messages"];
  readonly max_tokens?: number;
  readonly temperature?: number;
  readonly top_p?: number;
  readonly stop?: string | string[];
  readonly seed?: number;
  readonly presence_penalty?: number;
  readonly frequency_penalty?: number;
}

export const toOrderRequest = (body: ChatCompletionRequest): OrderRequest => {
  // max_completion_tokens is OpenAI's newer name for max_tokens; when both are sent the newer one wins.
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  return {
    messages: body.messages,
    ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    ...(body.temperature === undefined ? {} : { temperature: body.temperature }),
    ...(body.top_p === undefined ? {} : { top_p: body.top_p }),
    ...(body.stop === undefined || body.stop === null ? {} : { stop: body.stop }),
    ...(body.seed === undefined ? {} : { seed: body.seed }),
    ...(body.presence_penalty === undefined ? {} : { presence_penalty: body.presence_penalty }),
    ...(body.frequency_penalty === undefined ? {} : { frequency_penalty: body.frequency_penalty }),
  };
};
