import { classify } from './health.ts';
import { instantMs, parseUtcDate } from './instant.ts';
import type { KrProgress, KrSpec, TrackState } from './types.ts';

/**
 * How far behind the straight line a KR may be and still be `at_risk` rather than
 * `off_track`: 0.15 of the whole distance, about two weeks of a quarter. Closer than
 * that, a good week recovers it; further, the plan needs a conversation.
 */
export const AT_RISK_MARGIN = 0.15;

/** What the straight line is worth by the due date: committed KRs are met at 1.0, aspirational at 0.7. */
export const EXPECTED_AT_DUE = { committed: 1, aspirational: 0.7 } as const;

const DAY_MS = 86_400_000;
/** Float noise must not turn "exactly on the line" into "behind it". */
const TOLERANCE = 1e-9;

/**
 * A KR's start and due dates are whole UTC days: the line runs from 00:00 UTC on
 * startDate to 24:00 UTC on dueDate. A KR spans weeks or months, so the few hours a
 * team's own zone would shift it do not change any track, and every worker computes
 * the same numbers whatever zone its KPI uses. An ISO instant is also accepted and used
 * as it is.
 */
function dateMs(text: string, endOfDay: boolean, what: string): number {
  let day = dayCache.get(text);
  if (day === undefined) {
    day = parseUtcDate(text);
    if (day !== undefined) {
      if (dayCache.size >= 4096) dayCache.clear();
      dayCache.set(text, day);
    }
  }
  if (day !== undefined) return endOfDay ? day + DAY_MS : day;
  const ms = instantMs(text, 'UTC');
  if (ms === undefined) throw new RangeError(`${what} is not a date: ${JSON.stringify(text)}`);
  return ms;
}

/** KR dates repeat on every call, and one sync passes the same `now` for each KR: remembering them keeps krProgress off the parser. */
const dayCache = new Map<string, number>();
let lastNow: string | undefined;
let lastNowMs = 0;

/**
 * Progress of a KR given the metric's current value, at `now` (an ISO instant).
 *
 * - increase / decrease: (value − start) / (target − start), clamped to [0, 1];
 *   with start == target, 1 once the value reaches the target, else 0.
 * - maintain: 1 while the value is ok in `kr.band` (inside min/max and any warn edges), else 0.
 *
 * `expected` is the elapsed fraction of [startDate, dueDate] (clamped to [0, 1]) times
 * `expectedAtDue`. Track: `achieved` at progress 1; `on_track` at or above expected;
 * `at_risk` within AT_RISK_MARGIN below it; `off_track` below that. A maintain KR out
 * of its band is `off_track` whatever the date: there is no partial credit to be on
 * track with. Throws a RangeError for unreadable dates or a maintain KR without a band.
 */
export function krProgress(kr: KrSpec, value: number, now: string): KrProgress {
  const expectedAtDue = EXPECTED_AT_DUE[kr.kind] ?? 1;
  const startMs = dateMs(kr.startDate, false, 'startDate');
  const dueMs = dateMs(kr.dueDate, true, 'dueDate');
  const nowMs = now === lastNow ? lastNowMs : instantMs(now, 'UTC');
  if (nowMs === undefined) throw new RangeError(`now is not an instant: ${JSON.stringify(now)}`);
  lastNow = now;
  lastNowMs = nowMs;
  const span = dueMs - startMs;
  const elapsed = span > 0 ? clamp01((nowMs - startMs) / span) : nowMs >= dueMs ? 1 : 0;
  const expected = elapsed * expectedAtDue;

  let progress: number;
  let track: TrackState;
  if (kr.direction === 'maintain') {
    if (kr.band === undefined) throw new RangeError(`maintain KR "${kr.id}" has no band`);
    const inBand = !Number.isNaN(value) && classify(kr.band, value) === 'ok';
    progress = inBand ? 1 : 0;
    track = inBand ? 'achieved' : 'off_track';
  } else {
    const distance = kr.target - kr.start;
    if (Number.isNaN(value)) progress = 0;
    else if (distance === 0) progress = (kr.direction === 'decrease' ? value <= kr.target : value >= kr.target) ? 1 : 0;
    else progress = clamp01((value - kr.start) / distance);
    track = trackOf(progress, expected);
  }
  return { kr: kr.id, value, progress, expected, expectedAtDue, track, at: now };
}

function trackOf(progress: number, expected: number): TrackState {
  if (progress >= 1) return 'achieved';
  if (progress >= expected - TOLERANCE) return 'on_track';
  if (progress >= expected - AT_RISK_MARGIN - TOLERANCE) return 'at_risk';
  return 'off_track';
}

function clamp01(x: number): number {
  return x < 0 ? 0 : Math.min(x, 1);
}
