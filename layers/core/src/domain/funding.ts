// Funding sources are kept apart and consumed in a fixed order: vouchers (earliest expiry first, expired ones
// skipped) → gift → paid (DESIGN §5). Pure: given the buckets and a charge, says how much each bucket gives.

export type FundingSource = "paid" | "gift" | "voucher";

export interface FundingBucket {
  readonly source: FundingSource;
  readonly issuer?: string;
  readonly expiresAt?: string;
  readonly amountMicros: bigint;
}

const ORDER: Record<FundingSource, number> = { voucher: 0, gift: 1, paid: 2 };

function usable(bucket: FundingBucket, nowIso: string): boolean {
  return bucket.amountMicros > 0n && (bucket.expiresAt === undefined || bucket.expiresAt > nowIso);
}

/** Buckets in consumption order (stable and deterministic). */
export function consumptionOrder(buckets: readonly FundingBucket[]): FundingBucket[] {
  return [...buckets].sort(
    (a, b) =>
      ORDER[a.source] - ORDER[b.source] ||
      (a.expiresAt ?? "\uffff").localeCompare(b.expiresAt ?? "\uffff") ||
      (a.issuer ?? "").localeCompare(b.issuer ?? ""),
  );
}

/**
 * Amount taken from each bucket for a charge. What the buckets cannot cover is drawn on the credit limit (post-paid)
 * and is not attributed to a source.
 */
export function allocateCharge(
  buckets: readonly FundingBucket[],
  chargeMicros: bigint,
  nowIso: string,
): { bucket: FundingBucket; takeMicros: bigint }[] {
  let rest = chargeMicros;
  const out: { bucket: FundingBucket; takeMicros: bigint }[] = [];
  for (const bucket of consumptionOrder(buckets)) {
    if (rest <= 0n) break;
    if (!usable(bucket, nowIso)) continue;
    // biome-ignore lint/complexity/useMathMinMax: Math.min does not take bigint
    const take = bucket.amountMicros < rest ? bucket.amountMicros : rest;
    out.push({ bucket, takeMicros: take });
    rest -= take;
  }
  return out;
}
