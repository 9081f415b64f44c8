// Money is bigint micro-CNY inside (1 CNY = 1,000,000 micros) and digit strings outside. Never floats.
import { scaledDecimal } from "./decimal";
import { ValidationError } from "./errors";

export const MICROS_PER_CNY = 1_000_000n;

/** Upper bound on digits we accept from outside: 30 digits of micros is far beyond any wallet. */
const MAX_DIGITS = 30;
const DIGITS = new RegExp(`^(0|[1-9][0-9]{0,${MAX_DIGITS - 1}})$`);

/** Parses a non-negative amount of micros given as a string of digits ("1500000"); anything else is rejected. */
export function parseMicros(text: string, param = "amount_micros"): bigint {
  if (typeof text !== "string" || !DIGITS.test(text)) {
    throw new ValidationError(`${param} must be a string of digits (micro-CNY)`, param);
  }
  return BigInt(text);
}

/** Digit string of a micros amount; negative amounts (issuance accounts) keep a leading '-'. */
export function formatMicros(amountMicros: bigint): string {
  return amountMicros.toString();
}

/** Floor division for bigint (bigint `/` truncates toward zero). */
export function floorDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError("division by zero");
  const q = numerator / denominator;
  const r = numerator % denominator;
  return r !== 0n && r < 0n !== denominator < 0n ? q - 1n : q;
}

/** Ceiling division for bigint. */
export function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  return -floorDiv(-numerator, denominator);
}

/**
 * numerator / denominator rounded half up (ties toward +infinity): floor((2n + d) / 2d).
 * The one rounding function money goes through.
 */
export function roundHalfUpDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  return floorDiv(2n * numerator + denominator, 2n * denominator);
}

/** Exact decimal CNY text ("9.0", "2.1", "0.8") to micros; more than 6 decimals is not exact and is rejected. */
export function cnyDecimalToMicros(text: string): bigint {
  return scaledDecimal(text, 6);
}
