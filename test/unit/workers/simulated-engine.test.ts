import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../../workers/engines/engine";
import {
  DECODE_TOKENS_PER_S_AT_REL_1,
  modelledBusyMs,
  PREFILL_TOKENS_PER_S_AT_REL_1,
  SimulatedEngine,
} from "../../../workers/engines/simulated";
import { countPromptTokens, countTextTokens } from "../../../workers/engines/tokenizer";

const request: ChatRequest = {
  model: "deepseek-flash",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Which chip ran this order, and how green was it?" },
  ],
};
const signal = () => new AbortController().signal;
const noSleep = { relThroughput: 1, latencyScale: 0 };

describe("SimulatedEngine", () => {
  it("returns the same reply for the same request", async () => {
    const a = await new SimulatedEngine(noSleep).complete(request, signal());
    const b = await new SimulatedEngine(noSleep).complete(structuredClone(request), signal());
    expect(b).toEqual(a);
    expect(a.content.length).toBeGreaterThan(0);
  });

  it("returns a different reply for a different prompt", async () => {
    const engine = new SimulatedEngine(noSleep);
    const a = await engine.complete(request, signal());
    const b = await engine.complete(
      { ...request, messages: [{ role: "user", content: "Something else" }] },
      signal(),
    );
    expect(b.content).not.toEqual(a.content);
  });

  it("reports token counts equal to the o200k_base tokenizer's", async () => {
    const result = await new SimulatedEngine(noSleep).complete(request, signal());
    expect(result.completionTokens).toBe(countTextTokens(result.content));
    expect(result.promptTokens).toBe(countPromptTokens(request.messages));
    // 3 per message + role + text, plus 3 to prime the reply (OpenAI's recipe).
    const expected =
      3 +
      request.messages.reduce(
        (sum, m) => sum + 3 + countTextTokens(m.role) + countTextTokens(String(m.content)),
        0,
      );
    expect(result.promptTokens).toBe(expected);
  });

  it("never exceeds max_tokens and finishes with length when it cut the reply", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }),
        fc.integer({ min: 1, max: 300 }),
        async (text, maxTokens) => {
          const result = await new SimulatedEngine(noSleep).complete(
            { model: "m", messages: [{ role: "user", content: text }], max_tokens: maxTokens },
            signal(),
          );
          const unbounded = await new SimulatedEngine(noSleep).complete(
            { model: "m", messages: [{ role: "user", content: text }] },
            signal(),
          );
          expect(result.completionTokens).toBeLessThanOrEqual(maxTokens);
          expect(result.completionTokens).toBe(countTextTokens(result.content));
          if (unbounded.completionTokens > maxTokens) {
            expect(result.finishReason).toBe("length");
            expect(result.completionTokens).toBe(maxTokens);
          } else {
            expect(result.finishReason).toBe("stop");
            expect(result.content).toBe(unbounded.content);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("cuts the reply at a stop sequence", async () => {
    const full = await new SimulatedEngine(noSleep).complete(request, signal());
    const stop = full.content.split(" ")[3] ?? "";
    const cut = await new SimulatedEngine(noSleep).complete({ ...request, stop: [stop] }, signal());
    expect(cut.content).toBe(full.content.slice(0, full.content.indexOf(stop)));
    expect(cut.finishReason).toBe("stop");
  });

  it("sleeps nothing at latency scale 0 but still reports the modelled busy time", async () => {
    const sleeps: number[] = [];
    const engine = new SimulatedEngine({
      relThroughput: 1,
      latencyScale: 0,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const startedAt = performance.now();
    const result = await engine.complete(request, signal());
    expect(performance.now() - startedAt).toBeLessThan(1000);
    expect(sleeps).toEqual([]);
    expect(result.busyMs).toBe(modelledBusyMs(result.promptTokens, result.completionTokens, 1));
    expect(result.busyMs).toBeGreaterThan(0);
  });

  it("sleeps busyMs times the latency scale", async () => {
    const sleeps: number[] = [];
    const engine = new SimulatedEngine({
      relThroughput: 1,
      latencyScale: 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const result = await engine.complete(request, signal());
    expect(sleeps).toEqual([result.busyMs * 0.5]);
  });

  it("models prefill and decode time from the chip's relative throughput", () => {
    expect(modelledBusyMs(2000, 40, 1)).toBe(
      (2000 / PREFILL_TOKENS_PER_S_AT_REL_1 + 40 / DECODE_TOKENS_PER_S_AT_REL_1) * 1000,
    );
    // A chip 2.5x as fast (ascend-910c) is busy 2.5x shorter.
    expect(modelledBusyMs(2000, 40, 2.5)).toBe(Math.round(modelledBusyMs(2000, 40, 1) / 2.5));
  });

  it("stops sleeping with an EngineError when aborted", async () => {
    const engine = new SimulatedEngine({ relThroughput: 0.01, latencyScale: 1 });
    const controller = new AbortController();
    const pending = engine.complete(request, controller.signal);
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toMatchObject({ name: "EngineError" });
  });

  it("fails with an EngineError at the injected fail rate", async () => {
    const engine = new SimulatedEngine({ ...noSleep, failRate: 0.5, random: () => 0.1 });
    await expect(engine.complete(request, signal())).rejects.toMatchObject({ name: "EngineError" });
    const lucky = new SimulatedEngine({ ...noSleep, failRate: 0.5, random: () => 0.9 });
    await expect(lucky.complete(request, signal())).resolves.toMatchObject({
      finishReason: expect.any(String),
    });
  });
});
