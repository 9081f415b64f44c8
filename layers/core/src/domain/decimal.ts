// Exact decimal text to a scaled integer ("0.6849", 6 places → 684900n). Reference figures are written as text and
// scaled once, so no float ever carries a factor, a share or a price.

const MAX_INT_DIGITS = 16;

export function scaledDecimal(text: string, places: number): bigint {
  const m = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/.exec(text);
  const whole = m?.[1];
  const frac = m?.[2] ?? "";
  if (whole === undefined || whole.length > MAX_INT_DIGITS || frac.length > places) {
    throw new RangeError(`not an exact decimal with at most ${places} places: ${text}`);
  }
  return BigInt(whole) * 10n ** BigInt(places) + BigInt(frac.padEnd(places, "0") || "0");
}
