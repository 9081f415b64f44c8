import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocateCharge, type FundingBucket } from "../../../layers/core/src/domain/funding";

const NOW = "2026-06-01T00:00:00.000Z";

describe("funding allocation", () => {
  it("consumes vouchers (earliest expiry first), then gift, then paid; skips expired vouchers", () => {
    const buckets: FundingBucket[] = [
      { source: "paid", amountMicros: 100n },
      { source: "gift", amountMicros: 100n },
      { source: "voucher", issuer: "B", expiresAt: "2027-01-01T00:00:00.000Z", amountMicros: 50n },
      { source: "voucher", issuer: "A", expiresAt: "2026-12-01T00:00:00.000Z", amountMicros: 50n },
      { source: "voucher", issuer: "old", expiresAt: "2026-01-01T00:00:00.000Z", amountMicros: 500n },
    ];
    const taken = allocateCharge(buckets, 220n, NOW).map((x) => [
      x.bucket.issuer ?? x.bucket.source,
      x.takeMicros,
    ]);
    expect(taken).toEqual([
      ["A", 50n],
      ["B", 50n],
      ["gift", 100n],
      ["paid", 20n],
    ]);
  });

  it("never takes more than a bucket holds or more than the charge", () => {
    const bucket = fc.record({
      source: fc.constantFrom("paid" as const, "gift" as const, "voucher" as const),
      amountMicros: fc.bigInt({ min: 0n, max: 1000n }),
    });
    fc.assert(
      fc.property(
        fc.array(bucket, { maxLength: 6 }),
        fc.bigInt({ min: 0n, max: 5000n }),
        (buckets, charge) => {
          const out = allocateCharge(buckets, charge, NOW);
          const total = out.reduce((s, x) => s + x.takeMicros, 0n);
          const available = buckets.reduce((s, b) => s + b.amountMicros, 0n);
          // biome-ignore lint/complexity/useMathMinMax: bigint
          expect(total).toBe(charge < available ? charge : available);
          for (const x of out) expect(x.takeMicros > 0n && x.takeMicros <= x.bucket.amountMicros).toBe(true);
        },
      ),
    );
  });
});
