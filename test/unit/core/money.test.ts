import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../layers/core/src/domain/errors";
import {
  ceilDiv,
  cnyDecimalToMicros,
  floorDiv,
  formatMicros,
  parseMicros,
  roundHalfUpDiv,
} from "../../../layers/core/src/domain/money";

const big = fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n });
const positive = fc.bigInt({ min: 1n, max: 10n ** 12n });

describe("money", () => {
  it("parses digit strings and formats them back unchanged", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 29n }), (n) => {
        expect(parseMicros(formatMicros(n))).toBe(n);
      }),
    );
  });

  it("rejects anything that is not a plain digit string", () => {
    for (const bad of ["", "-1", "1.5", "01", " 1", "1e6", "0x10", "１"]) {
      expect(() => parseMicros(bad)).toThrow(ValidationError);
    }
  });

  it("floorDiv and ceilDiv bracket the exact quotient", () => {
    fc.assert(
      fc.property(big, positive, (n, d) => {
        const f = floorDiv(n, d);
        const c = ceilDiv(n, d);
        expect(f * d <= n && n < (f + 1n) * d).toBe(true);
        expect((c - 1n) * d < n && n <= c * d).toBe(true);
      }),
    );
  });

  it("roundHalfUpDiv is within half a unit and rounds ties up", () => {
    fc.assert(
      fc.property(big, positive, (n, d) => {
        const r = roundHalfUpDiv(n, d);
        // |n/d − r| ≤ 1/2, and exactly 1/2 only when r is the upper neighbour
        const diff2 = 2n * (n - r * d); // 2 × (n − r·d), compared against d
        expect(diff2 >= -d && diff2 < d).toBe(true);
      }),
    );
    expect(roundHalfUpDiv(5n, 10n)).toBe(1n);
    expect(roundHalfUpDiv(4n, 10n)).toBe(0n);
    expect(roundHalfUpDiv(-5n, 10n)).toBe(0n);
  });

  it("scales exact CNY decimals to micros without floats", () => {
    expect(cnyDecimalToMicros("9.0")).toBe(9_000_000n);
    expect(cnyDecimalToMicros("2.1")).toBe(2_100_000n);
    expect(cnyDecimalToMicros("0.8")).toBe(800_000n);
    expect(cnyDecimalToMicros("0.000001")).toBe(1n);
    expect(() => cnyDecimalToMicros("0.0000001")).toThrow();
  });
});
