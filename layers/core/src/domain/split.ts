// Three-way revenue split of a settled charge. Platform policy, in basis points:
// - the model provider is paid most: the price list is theirs (their token prices are what the buyer sees);
// - the compute provider is paid for the accelerator time and power that ran the order;
// - the platform keeps a fee for scheduling, settlement and green accounting, plus every rounding remainder,
//   so the parts add up to the charge exactly by construction and no party is ever over-credited.

export const SPLIT_POLICY = {
  id: "split-v1",
  modelProviderBp: 6_000n,
  computeProviderBp: 3_000n,
  platformBp: 1_000n,
} as const;

const BP_DENOMINATOR = 10_000n;

export interface SplitMicros {
  readonly modelProviderMicros: bigint;
  readonly computeProviderMicros: bigint;
  readonly platformMicros: bigint;
}

/** Floor each provider share; the platform takes the rest (its nominal share plus remainders). */
export function splitCharge(chargedMicros: bigint): SplitMicros {
  if (chargedMicros < 0n) throw new RangeError("charge must be non-negative");
  const modelProviderMicros = (chargedMicros * SPLIT_POLICY.modelProviderBp) / BP_DENOMINATOR;
  const computeProviderMicros = (chargedMicros * SPLIT_POLICY.computeProviderBp) / BP_DENOMINATOR;
  const platformMicros = chargedMicros - modelProviderMicros - computeProviderMicros;
  return { modelProviderMicros, computeProviderMicros, platformMicros };
}

/** Human-readable policy echoed on receipts. */
export const SPLIT_POLICY_TEXT = `${SPLIT_POLICY.id}: model provider 60% / compute provider 30% / platform 10% + rounding remainder`;
