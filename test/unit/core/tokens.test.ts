import { describe, expect, it } from "vitest";
import { estimatePromptTokens, estimateTextTokens } from "../../../layers/core/src/domain/tokens";

describe("prompt token estimate", () => {
  it("counts o200k tokens plus the chat overhead", () => {
    const text = estimateTextTokens("Hello, world!");
    expect(text).toBeGreaterThan(0);
    expect(estimatePromptTokens([{ role: "user", content: "Hello, world!" }])).toBeGreaterThan(text);
  });

  it("stays an upper bound past the encoding budget", () => {
    const huge = "字".repeat(300_000);
    const estimate = estimatePromptTokens([{ role: "user", content: huge }]);
    expect(estimate).toBeGreaterThan(100_000);
  });

  it("reads text parts of multi-part content", () => {
    const parts = estimatePromptTokens([
      { role: "user", content: [{ type: "text", text: "Hello, world!" }] },
    ]);
    expect(parts).toBe(estimatePromptTokens([{ role: "user", content: "Hello, world!" }]));
  });
});

describe("prompt token estimate cost", () => {
  it("stays fast on long text without spaces", () => {
    const started = Date.now();
    estimatePromptTokens([{ role: "user", content: "a".repeat(500_000) }]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
