// Charges per API.md: round_half_up(prompt × in / 1e6) + round_half_up(completion × out / 1e6), each line rounded
// once. The hold is the worst case of the same formula, rounded up, so a charge never exceeds it for the estimate.
import { ceilDiv, roundHalfUpDiv } from "./money";

const TOKENS_PER_MTOK = 1_000_000n;

export interface Prices {
  readonly inputMicrosPerMtok: bigint;
  readonly outputMicrosPerMtok: bigint;
}

export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

function tokens(n: number, field: string): bigint {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${field} must be a non-negative integer`);
  return BigInt(n);
}

/** Exact charge in micros for the usage. */
export function chargeMicros(prices: Prices, usage: TokenUsage): bigint {
  return (
    roundHalfUpDiv(tokens(usage.promptTokens, "promptTokens") * prices.inputMicrosPerMtok, TOKENS_PER_MTOK) +
    roundHalfUpDiv(
      tokens(usage.completionTokens, "completionTokens") * prices.outputMicrosPerMtok,
      TOKENS_PER_MTOK,
    )
  );
}

/** Worst-case hold: the estimated prompt and every allowed completion token, each line rounded up. */
export function worstCaseHoldMicros(prices: Prices, promptTokensEstimate: number, maxTokens: number): bigint {
  return (
    ceilDiv(
      tokens(promptTokensEstimate, "promptTokensEstimate") * prices.inputMicrosPerMtok,
      TOKENS_PER_MTOK,
    ) + ceilDiv(tokens(maxTokens, "maxTokens") * prices.outputMicrosPerMtok, TOKENS_PER_MTOK)
  );
}

export interface CappedCharge {
  readonly chargedMicros: bigint;
  /** What the usage would have cost; above chargedMicros only when capped. */
  readonly uncappedMicros: bigint;
  readonly capped: boolean;
}

/** The charge never exceeds the hold: a prompt longer than estimated is the platform's estimation risk. */
export function cappedCharge(prices: Prices, usage: TokenUsage, heldMicros: bigint): CappedCharge {
  const uncappedMicros = chargeMicros(prices, usage);
  const capped = uncappedMicros > heldMicros;
  return { chargedMicros: capped ? heldMicros : uncappedMicros, uncappedMicros, capped };
}
