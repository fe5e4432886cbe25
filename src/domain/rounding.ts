/**
 * Rounds to `places` decimals, half away from zero, as a person reading the number would:
 * 1.005 → 1.01 and -2.5 → -3, although 1.005 is stored as 1.00499999999999989…
 *
 * The shortest decimal text of a double (what String() prints) is the number people
 * meant, so ties are decided on that text. Multiplying by 10^places is exact enough
 * everywhere except within a few ulps of a tie, so only those cases take the text route.
 * Non-finite values come back unchanged; -0 comes back as 0.
 */
export function roundHalfAwayFromZero(value: number, places: number): number {
  if (!Number.isFinite(value)) return value;
  if (!Number.isInteger(places) || places < 0 || places > 15) throw new RangeError(`places must be a whole number from 0 to 15 (got ${places})`);
  const abs = Math.abs(value);
  const factor = POWERS[places]!;
  const scaled = abs * factor;
  if (scaled >= 2 ** 52) return value === 0 ? 0 : value;
  const floor = Math.floor(scaled);
  const fraction = scaled - floor;
  let rounded: number;
  if (Math.abs(fraction - 0.5) > scaled * 8 * Number.EPSILON + 1e-15) {
    rounded = fraction > 0.5 ? floor + 1 : floor;
  } else {
    rounded = Math.round(shiftDecimal(abs, places));
  }
  const result = rounded / factor;
  if (result === 0) return 0;
  return value < 0 ? -result : result;
}

const POWERS = Array.from({ length: 16 }, (_, i) => 10 ** i);

/** abs × 10^places computed on the decimal text, so 1.005 × 100 is exactly 100.5. */
function shiftDecimal(abs: number, places: number): number {
  const text = String(abs);
  const e = text.indexOf('e');
  if (e < 0) return Number(`${text}e${places}`);
  return Number(`${text.slice(0, e)}e${Number(text.slice(e + 1)) + places}`);
}
