import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cappedCharge, chargeMicros, worstCaseHoldMicros } from "../../../layers/core/src/domain/pricing";

const prices = fc.record({
  inputMicrosPerMtok: fc.bigInt({ min: 0n, max: 100_000_000n }),
  outputMicrosPerMtok: fc.bigInt({ min: 0n, max: 100_000_000n }),
});
const tokens = fc.integer({ min: 0, max: 2_000_000 });

describe("pricing", () => {
  it("charges per API.md: each line rounded half up once", () => {
    const p = { inputMicrosPerMtok: 2_000_000n, outputMicrosPerMtok: 8_000_000n };
    // 12 × 2 = 24 micros; 40 × 8 = 320 micros
    expect(chargeMicros(p, { promptTokens: 12, completionTokens: 40 })).toBe(344n);
    // 1 token at 2.1 CNY/Mtok = 2.1 micros → 2; at 0.5 → tie → up
    expect(
      chargeMicros(
        { inputMicrosPerMtok: 2_100_000n, outputMicrosPerMtok: 500_000n },
        { promptTokens: 1, completionTokens: 1 },
      ),
    ).toBe(3n);
  });

  it("the hold covers any usage within the estimate and max_tokens", () => {
    fc.assert(
      fc.property(prices, tokens, tokens, tokens, tokens, (p, est, max, usedIn, usedOut) => {
        const prompt = Math.min(usedIn, est);
        const completion = Math.min(usedOut, max);
        expect(chargeMicros(p, { promptTokens: prompt, completionTokens: completion })).toBeLessThanOrEqual(
          worstCaseHoldMicros(p, est, max),
        );
      }),
    );
  });

  it("a capped charge never exceeds the hold and records the cap", () => {
    fc.assert(
      fc.property(prices, tokens, tokens, fc.bigInt({ min: 0n, max: 10n ** 9n }), (p, a, b, held) => {
        const c = cappedCharge(p, { promptTokens: a, completionTokens: b }, held);
        expect(c.chargedMicros <= held).toBe(true);
        expect(c.chargedMicros >= 0n).toBe(true);
        expect(c.capped).toBe(c.uncappedMicros > held);
      }),
    );
  });

  it("rejects fractional or negative token counts", () => {
    const p = { inputMicrosPerMtok: 1n, outputMicrosPerMtok: 1n };
    expect(() => chargeMicros(p, { promptTokens: 1.5, completionTokens: 0 })).toThrow(RangeError);
    expect(() => chargeMicros(p, { promptTokens: -1, completionTokens: 0 })).toThrow(RangeError);
  });
});
