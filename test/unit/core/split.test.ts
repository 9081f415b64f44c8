import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SPLIT_POLICY, splitCharge } from "../../../layers/core/src/domain/split";

describe("three-way split", () => {
  it("parts add up to the charge exactly and are never negative", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), (charge) => {
        const s = splitCharge(charge);
        expect(s.modelProviderMicros + s.computeProviderMicros + s.platformMicros).toBe(charge);
        expect(s.modelProviderMicros >= 0n && s.computeProviderMicros >= 0n && s.platformMicros >= 0n).toBe(
          true,
        );
      }),
    );
  });

  it("the platform gets its share plus at most the rounding remainder", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), (charge) => {
        const s = splitCharge(charge);
        const nominal = (charge * SPLIT_POLICY.platformBp) / 10_000n;
        expect(s.platformMicros >= nominal && s.platformMicros <= nominal + 2n).toBe(true);
      }),
    );
  });

  it("the policy's basis points sum to 100%", () => {
    expect(SPLIT_POLICY.modelProviderBp + SPLIT_POLICY.computeProviderBp + SPLIT_POLICY.platformBp).toBe(
      10_000n,
    );
  });
});
