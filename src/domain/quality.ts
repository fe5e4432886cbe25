/** What a run read, used and rejected, as its connector reported it. */
export interface ReadCounts {
  /** Rows (or values) in scope: used or rejected. */
  read: number;
  /** Those that made it into a value. */
  used: number;
  rejected: number;
}

export interface QualityGatePolicy {
  maxRejectedPercent: number;
  minRows?: number;
}

export type QualityVerdict = { pass: true } | { pass: false; reason: string };

/**
 * The data quality gate of one run. A number that may be wrong is not stored as
 * right: an export read with the wrong separators rejects most of its rows and still
 * "sums" the rest, so past `maxRejectedPercent` rejected, or under `minRows` used,
 * the run stores nothing and says why. Pure.
 */
export function qualityVerdict(gate: QualityGatePolicy, counts: ReadCounts): QualityVerdict {
  const { read, used, rejected } = counts;
  if (read > 0 && rejected > 0) {
    const percent = (rejected / read) * 100;
    if (percent > gate.maxRejectedPercent) {
      return { pass: false, reason: `${rejected} of ${read} rows rejected (${round(percent)}%; the limit is ${gate.maxRejectedPercent}%)` };
    }
  }
  if (gate.minRows !== undefined && used < gate.minRows) {
    return { pass: false, reason: `${used} row(s) used, fewer than the minimum of ${gate.minRows}` };
  }
  return { pass: true };
}

function round(percent: number): number {
  return Math.round(percent * 10) / 10;
}
