import { KsError, type SyncWindow } from '../../src/sdk/index.ts';

const UNITS: ReadonlyArray<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

/**
 * When and over what range a period's PromQL is evaluated: at the period's end, or now
 * when the period has not ended yet (Prometheus has no samples from the future, and an
 * instant query "in the future" would read the last sample up to 5 minutes old as if it
 * were then: https://prometheus.io/docs/prometheus/latest/querying/basics/#staleness).
 * The range runs from the period's start to that instant, so `increase(x[{{window.range}}])`
 * covers exactly the part of the period that has happened.
 */
export interface Evaluation {
  /** Evaluation instant, ms since the epoch (the `time` parameter). */
  timeMs: number;
  /** From the period's start to `timeMs`, ms. */
  rangeMs: number;
}

/** The evaluation of `window` at `nowMs`; undefined for a period that has not begun. */
export function evaluationOf(window: Pick<SyncWindow, 'start' | 'end'>, nowMs: number): Evaluation | undefined {
  const startMs = instant(window.start, 'window.start');
  const endMs = instant(window.end, 'window.end');
  const timeMs = Math.min(endMs, nowMs);
  if (timeMs <= startMs) return undefined;
  return { timeMs, rangeMs: timeMs - startMs };
}

/** The placeholders a PromQL template may use, for one evaluation. */
export function windowVariables(window: Pick<SyncWindow, 'start'>, evaluation: Evaluation): Record<string, unknown> {
  return {
    window: {
      range: promDuration(evaluation.rangeMs),
      rangeSeconds: evaluation.rangeMs / 1000,
      startUnix: instant(window.start, 'window.start') / 1000,
      endUnix: evaluation.timeMs / 1000,
    },
  };
}

/** Values of the right types for checking a template's placeholders when the config loads. */
export const SAMPLE_VARIABLES = windowVariables(
  { start: '2026-11-01T00:00:00.000Z' },
  { timeMs: Date.parse('2026-12-01T00:00:00.000Z'), rangeMs: 30 * 86_400_000 },
);

/** Unix seconds as the `time` parameter takes them (a float, ms precision). */
export function unixParam(ms: number): string {
  return String(ms / 1000);
}

/**
 * A positive duration in Prometheus's syntax, largest unit first, e.g. `30d`, `23h`,
 * `13h5m7s120ms` (units may be combined since Prometheus 2.21, prometheus/prometheus#7713:
 * https://prometheus.io/docs/prometheus/latest/querying/basics/#float-literals-and-time-durations).
 * Weeks and years are not used: `y` is always 365 days, which reads wrongly beside a calendar.
 */
export function promDuration(ms: number): string {
  let left = Math.max(1, Math.round(ms));
  let text = '';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(left / size);
    if (count > 0) {
      text += `${count}${unit}`;
      left -= count * size;
    }
  }
  return text;
}

function instant(iso: string, name: string): number {
  const ms = Date.parse(iso);
  // The runner builds windows; an unreadable one is a bug, not a config mistake.
  if (Number.isNaN(ms)) throw new KsError('KS_ERR_INTERNAL', `${name} is not an instant: ${JSON.stringify(iso.slice(0, 40))}`);
  return ms;
}
