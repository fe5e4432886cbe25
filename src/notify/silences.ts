import type { OutboxEntry, Silence, SilenceMatcher } from '../store/store.ts';
import type { AlertEvent } from './alert-event.ts';

/**
 * Which silence, if any, keeps an outbox entry from being sent at `atMs`: one active
 * then (startsAt ≤ at < endsAt) whose KPI or category is the alert's. Only alerts are
 * silenced; a KR push keeps the OKR platform right whatever anyone is muting. Pure.
 */
export function silenceFor(entry: OutboxEntry, silences: readonly Silence[], atMs: number): Silence | undefined {
  if (entry.channel !== 'alert') return undefined;
  const kpi = (entry.payload as Partial<AlertEvent> | null)?.kpi;
  if (!kpi) return undefined;
  return silences.find(
    (s) =>
      Date.parse(s.startsAt) <= atMs &&
      atMs < Date.parse(s.endsAt) &&
      (s.matcher.kpi !== undefined ? s.matcher.kpi === kpi.id : s.matcher.category === kpi.category),
  );
}

/** `KPI churn_rate` or `category Growth`. */
export function matcherText(matcher: SilenceMatcher): string {
  return matcher.kpi !== undefined ? `KPI ${matcher.kpi}` : `category ${matcher.category}`;
}

/** What a silenced entry keeps as its last error: which silence, until when, whose and why. */
export function silencedNote(silence: Silence): string {
  return `silenced by ${silence.id} (${matcherText(silence.matcher)} until ${silence.endsAt}, added by ${silence.createdBy}): ${silence.reason}`;
}
