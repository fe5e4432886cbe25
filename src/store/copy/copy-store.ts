import type { Store } from '../store.ts';
import type { SqliteSource } from './sqlite-source.ts';

export interface CopyReport {
  datapoints: { written: number; skipped: number };
  healthRecords: number;
  transitions: number;
  progress: number;
  bookkeeping: number;
  outbox: number;
}

/**
 * Copies an embedded install's SQLite file into another store (Postgres), through
 * the Store interface only, so the target enforces its own rules. Idempotent: a second
 * copy writes nothing new — datapoints are upserts, transitions are identified by
 * KPI, instant and states, KR progress is appended only past the target's latest
 * record, outbox entries by id, bookkeeping and silences by key. Sync runs stay behind:
 * they are history, not state (so each KPI's last success is known again after its
 * first ok run on the new store).
 */
export async function copyStore(source: SqliteSource, target: Store, now: Date, onProgress: (what: string) => void = () => undefined): Promise<CopyReport> {
  const report: CopyReport = { datapoints: { written: 0, skipped: 0 }, healthRecords: 0, transitions: 0, progress: 0, bookkeeping: 0, outbox: 0 };

  for (const batch of source.datapoints()) {
    const result = await target.upsertDatapoints(batch, { rewriteClosed: true });
    report.datapoints.written += result.written;
    report.datapoints.skipped += result.skipped;
    onProgress(`datapoints: ${report.datapoints.written + report.datapoints.skipped}`);
  }

  for (const { kpi, record, transitions } of source.health()) {
    const known = new Set((await target.listTransitions(kpi)).map((t) => `${Date.parse(t.at)}\u0000${t.from}\u0000${t.to}`));
    for (const transition of transitions) {
      if (known.has(`${Date.parse(transition.at)}\u0000${transition.from}\u0000${transition.to}`)) continue;
      await target.commitSync({ kpi, health: { record, transition } });
      report.transitions += 1;
    }
    await target.commitSync({ kpi, health: { record } });
    report.healthRecords += 1;
  }

  for (const [kr, history] of source.progress()) {
    const latest = await target.latestProgress(kr);
    const since = latest ? Date.parse(latest.at) : Number.NEGATIVE_INFINITY;
    for (const record of history) {
      if (Date.parse(record.at) <= since) continue;
      // The KR's own KPI is not known here; the commit's KPI only scopes bookkeeping, never progress.
      report.progress += (await target.commitSync({ kpi: kr, progress: [record] })).progressAppended;
    }
  }

  const notified = source.notified();
  for (const { kpi, route, at } of notified) await target.commitSync({ kpi, notified: [{ route, at }] });
  const pushes = source.lastPushes();
  for (const { kr, target: to, push } of pushes) await target.commitSync({ kpi: kr, lastPushed: [{ kr, target: to, push }] });
  const cursors = source.cursors();
  for (const { kpi, value } of cursors) await target.commitSync({ kpi, cursor: { value } });
  const backfills = source.backfills();
  for (const { kpi, progress } of backfills) await target.saveBackfillProgress(kpi, progress);
  const disabled = source.disabled();
  for (const { destination, disabled: why } of disabled) await target.setDestinationDisabled(destination, why);
  const states = source.connectionState(now.getTime());
  for (const { scope, key, value, expiresAt } of states) await target.setConnectionState(scope, key, { value, ...(expiresAt ? { expiresAt } : {}) });
  const silences = source.silences();
  for (const silence of silences) await target.addSilence(silence);
  report.bookkeeping = notified.length + pushes.length + cursors.length + backfills.length + disabled.length + states.length + silences.length;

  const undelivered = source.undelivered();
  for (let i = 0; i < undelivered.length; i += 500) report.outbox += await target.enqueueOutbox(undelivered.slice(i, i + 500));
  return report;
}
