// Energy and carbon per order. energy Wh = board power W × busy s × PUE; when the worker reports no busy time,
// busy time is estimated from tokens and the chip's relative throughput. gCO2e = energy kWh × (1 − green share)
// × grid factor g/kWh. All integer arithmetic: energy in milli-Wh, carbon in milligrams, PUE in thousandths, green
// share in basis points, grid factor in mg/kWh; rounded half up once per quantity.
import { roundHalfUpDiv } from "./money";

/** Tokens per second of a reference chip (relThroughput 1.0) for the per-token fallback (EST, platform constant). */
export const REFERENCE_TOKENS_PER_SECOND = 50;

export interface SiteFigures {
  readonly boardPowerW: number;
  readonly relThroughputMilli: number;
  readonly pueMilli: number;
  readonly greenShareBp: number;
  readonly gridFactorMgPerKwh: number;
}

export interface CarbonFigures {
  readonly energyMilliWh: bigint;
  readonly co2eMg: bigint;
  /** Busy time used: the worker's, or the token-based estimate. */
  readonly busyMs: number;
  readonly estimated: boolean;
}

const int = (n: number, field: string): bigint => {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${field} must be a non-negative integer`);
  return BigInt(n);
};

/** Busy milliseconds estimated from tokens: tokens / (reference tok/s × relThroughput). */
export function estimateBusyMs(totalTokens: number, relThroughputMilli: number): number {
  if (relThroughputMilli <= 0) throw new RangeError("relThroughputMilli must be positive");
  // ms = tokens × 1000 / (tps × rel/1000) = tokens × 1e6 / (tps × relMilli)
  const ms = roundHalfUpDiv(
    int(totalTokens, "totalTokens") * 1_000_000n,
    BigInt(REFERENCE_TOKENS_PER_SECOND * relThroughputMilli),
  );
  return Number(ms);
}

export function carbonFor(site: SiteFigures, busyMs: number | undefined, totalTokens: number): CarbonFigures {
  const estimated = busyMs === undefined || busyMs <= 0;
  const usedBusyMs = estimated ? estimateBusyMs(totalTokens, site.relThroughputMilli) : Math.round(busyMs);
  // mWh = W × ms/1000 s × pue/1000 ÷ 3600 s/h × 1000 mWh/Wh = W × ms × pueMilli / 3_600_000
  const energyMilliWh = roundHalfUpDiv(
    int(site.boardPowerW, "boardPowerW") * int(usedBusyMs, "busyMs") * int(site.pueMilli, "pueMilli"),
    3_600_000n,
  );
  // mg = mWh/1e6 kWh × (1 − bp/1e4) × mgPerKwh = mWh × (1e4 − bp) × mgPerKwh / 1e10
  const co2eMg = roundHalfUpDiv(
    energyMilliWh * (10_000n - int(site.greenShareBp, "greenShareBp")) * int(site.gridFactorMgPerKwh, "grid"),
    10_000_000_000n,
  );
  return { energyMilliWh, co2eMg, busyMs: usedBusyMs, estimated };
}

/** Display value with three decimals (mWh → Wh, mg → g); exact because the scale is 1000. */
export function thousandthsToNumber(value: bigint): number {
  return Number(value) / 1000;
}
