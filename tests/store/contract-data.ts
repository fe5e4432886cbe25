import type { Datapoint, HealthRecord, HealthTransition, KrProgress } from '../../src/domain/types.ts';
import type { OutboxEntry, SyncRun } from '../../src/store/store.ts';

// Builders for the Store contract suites: small valid records with the fields a test cares about.

export function dp(kpi: string, period: string, value: number, extra: Partial<Datapoint> = {}): Datapoint {
  return { kpi, period, value, observedAt: '2024-06-01T00:00:00Z', source: 'salesforce', ...extra };
}

export function health(state: HealthRecord['state'], since: string, extra: Partial<HealthRecord> = {}): HealthRecord {
  return { state, since, ...extra };
}

export function transition(kpi: string, from: HealthTransition['from'], to: HealthTransition['to'], at: string): HealthTransition {
  return { kpi, from, to, value: 4.2, period: '2024-01-01T00:00:00+01:00', at };
}

export function progress(kr: string, value: number, fraction: number, track: KrProgress['track'], at: string): KrProgress {
  return { kr, value, progress: fraction, expected: 0.5, expectedAtDue: 1, track, at };
}

export function run(id: string, kpi: string, startedAt: string, extra: Partial<SyncRun> = {}): SyncRun {
  return { id, kpi, source: 'salesforce', mode: 'current', status: 'running', startedAt, ...extra };
}

export function outboxEntry(id: string, createdAt: string, extra: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    id,
    eventId: `evt-${id}`,
    channel: 'alert',
    destination: 'ops-webhook',
    payload: { kpi: 'churn', to: 'critical', nested: { values: [1, 2.5] } },
    status: 'pending',
    attempts: 0,
    createdAt,
    nextAttemptAt: createdAt,
    ...extra,
  };
}
