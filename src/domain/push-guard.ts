/**
 * The sanity rule that holds a KR push instead of writing a probably-broken number
 * into the company's OKRs: a jump of more than X% from the last period, or a drop
 * to zero from a non-zero value. Pure.
 */
export interface PushGuard {
  /** Hold when the value moved more than this many percent from the previous period. */
  maxJumpPercent?: number;
  /** Hold when the value fell to exactly zero from something else. */
  holdOnZero?: boolean;
}

export type GuardVerdict = { hold: false } | { hold: true; reason: string };

export function guardVerdict(guard: PushGuard | undefined, previous: number | undefined, value: number): GuardVerdict {
  if (!guard || previous === undefined) return { hold: false };
  if (guard.holdOnZero && value === 0 && previous !== 0) {
    return { hold: true, reason: `the value dropped to 0 from ${previous}` };
  }
  if (guard.maxJumpPercent !== undefined && previous !== 0) {
    const change = ((value - previous) / Math.abs(previous)) * 100;
    if (Math.abs(change) > guard.maxJumpPercent) {
      const rounded = Math.round(change * 10) / 10;
      return { hold: true, reason: `the value moved ${rounded > 0 ? '+' : ''}${rounded}% from ${previous} to ${value} (limit ±${guard.maxJumpPercent}%)` };
    }
  }
  return { hold: false };
}
