import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChatRequest } from "../../../workers/engines/engine";
import { OpenAiCompatibleEngine } from "../../../workers/engines/openai-compatible";
import { countPromptTokens, countTextTokens } from "../../../workers/engines/tokenizer";

// A tiny real inference server on 127.0.0.1 speaking /v1/chat/completions; each test sets how it answers.
type Reply = (body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => void;
let reply: Reply;
let received: { url?: string; authorization?: string; body?: Record<string, unknown> };
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      const body = JSON.parse(raw || "{}") as Record<string, unknown>;
      received = { url: req.url, authorization: req.headers.authorization, body };
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
        res.writeHead(404).end("not found");
        return;
      }
      reply(body, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = {};
});

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

const request: ChatRequest = {
  model: "deepseek-flash",
  messages: [{ role: "user", content: "Say hello from the Ascend fleet." }],
  max_tokens: 64,
  temperature: 0.2,
};
const signal = () => new AbortController().signal;

describe("OpenAiCompatibleEngine", () => {
  it("posts the request to /v1/chat/completions and maps content, finish reason and usage", async () => {
    reply = (_body, _req, res) =>
      json(res, 200, {
        id: "chatcmpl-1",
        object: "chat.completion",
        choices: [{ index: 0, message: { role: "assistant", content: "Hello." }, finish_reason: "length" }],
        usage: { prompt_tokens: 17, completion_tokens: 2, total_tokens: 19 },
      });
    const engine = new OpenAiCompatibleEngine({ baseUrl, apiKey: "sk-local", timeoutMs: 5000 });
    const result = await engine.complete(request, signal());
    expect(result).toMatchObject({
      content: "Hello.",
      finishReason: "length",
      promptTokens: 17,
      completionTokens: 2,
    });
    expect(result.busyMs).toBeGreaterThanOrEqual(0);
    expect(received.authorization).toBe("Bearer sk-local");
    expect(received.body).toMatchObject({
      model: "deepseek-flash",
      messages: request.messages,
      max_tokens: 64,
      temperature: 0.2,
      stream: false,
    });
  });

  it("accepts a base URL that already ends in /v1 and sends the served model name", async () => {
    reply = (_body, _req, res) =>
      json(res, 200, { choices: [{ message: { content: "ok" }, finish_reason: "stop" }], usage: null });
    const engine = new OpenAiCompatibleEngine({
      baseUrl: `${baseUrl}/v1/`,
      timeoutMs: 5000,
      servedModel: "dsv4",
    });
    await engine.complete(request, signal());
    expect(received.url).toBe("/v1/chat/completions");
    expect(received.body?.model).toBe("dsv4");
    expect(received.authorization).toBeUndefined();
  });

  it("counts tokens with the tokenizer when the server reports no usage", async () => {
    reply = (_body, _req, res) =>
      json(res, 200, {
        choices: [{ message: { content: "Hello from a server without usage." }, finish_reason: null }],
      });
    const result = await new OpenAiCompatibleEngine({ baseUrl, timeoutMs: 5000 }).complete(request, signal());
    expect(result.promptTokens).toBe(countPromptTokens(request.messages));
    expect(result.completionTokens).toBe(countTextTokens("Hello from a server without usage."));
    expect(result.finishReason).toBe("stop");
  });

  it("measures busy time as the server's response time", async () => {
    reply = (_body, _req, res) => {
      setTimeout(
        () => json(res, 200, { choices: [{ message: { content: "slow" }, finish_reason: "stop" }] }),
        150,
      );
    };
    const result = await new OpenAiCompatibleEngine({ baseUrl, timeoutMs: 5000 }).complete(request, signal());
    expect(result.busyMs).toBeGreaterThanOrEqual(140);
  });

  it("throws an EngineError with the status on a non-2xx answer", async () => {
    reply = (_body, _req, res) => json(res, 503, { error: { message: "NPU out of memory" } });
    const engine = new OpenAiCompatibleEngine({ baseUrl, timeoutMs: 5000 });
    await expect(engine.complete(request, signal())).rejects.toMatchObject({
      name: "EngineError",
      status: 503,
      message: expect.stringContaining("NPU out of memory"),
    });
  });

  it("throws an EngineError when the server sends a body that is not a completion", async () => {
    reply = (_body, _req, res) => json(res, 200, { hello: "world" });
    const engine = new OpenAiCompatibleEngine({ baseUrl, timeoutMs: 5000 });
    await expect(engine.complete(request, signal())).rejects.toMatchObject({
      name: "EngineError",
      status: 200,
    });
  });

  it("throws an EngineError when the server does not answer within the timeout", async () => {
    reply = () => {
      // never answers; afterAll closes the connection
    };
    const engine = new OpenAiCompatibleEngine({ baseUrl, timeoutMs: 100 });
    await expect(engine.complete(request, signal())).rejects.toMatchObject({ name: "EngineError" });
  });

  it("throws an EngineError when the server is unreachable", async () => {
    const engine = new OpenAiCompatibleEngine({ baseUrl: "http://127.0.0.1:1", timeoutMs: 2000 });
    await expect(engine.complete(request, signal())).rejects.toMatchObject({ name: "EngineError" });
  });
});
