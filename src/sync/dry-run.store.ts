import type { Datapoint, HealthRecord, HealthTransition, KrProgress } from '../domain/types.ts';
import type { DatapointQuery, OutboxEntry, OutboxQuery, PruneResult, Store, SyncRun, UpsertOptions, UpsertResult } from '../store/store.ts';

/**
 * A Store that reads through to the real one and keeps every write in memory, for
 * `kpi-sync plan`: the same runSync runs every query and makes every decision, and
 * afterwards the writes it *would* have made are read back from here. Nothing
 * reaches the real store, so nothing is sent either: the dispatcher only reads the
 * real outbox.
 */
export class DryRunStore implements Store {
  readonly inner: Store;
  readonly datapoints: Datapoint[] = [];
  readonly health = new Map<string, HealthRecord>();
  readonly transitions: HealthTransition[] = [];
  readonly progress: KrProgress[] = [];
  readonly outbox = new Map<string, OutboxEntry>();
  readonly runs = new Map<string, SyncRun>();
  private readonly cursors = new Map<string, unknown>();

  constructor(inner: Store) {
    this.inner = inner;
  }

  async upsertDatapoints(points: Datapoint[], options: UpsertOptions = {}): Promise<UpsertResult> {
    let written = 0;
    const closedMs = options.closedBefore && !options.rewriteClosed ? Date.parse(options.closedBefore) : Number.NEGATIVE_INFINITY;
    for (const point of points) {
      const periodMs = Date.parse(point.period);
      const existing = (await this.listDatapoints(point.kpi, { from: point.period, to: new Date(periodMs + 1).toISOString() }))[0];
      if (existing && (periodMs < closedMs || (existing.value === point.value && existing.source === point.source))) continue;
      const index = this.datapoints.findIndex((p) => p.kpi === point.kpi && Date.parse(p.period) === periodMs);
      if (index >= 0) this.datapoints.splice(index, 1);
      this.datapoints.push(point);
      written += 1;
    }
    return { written, skipped: points.length - written };
  }

  async listDatapoints(kpi: string, query: DatapointQuery = {}): Promise<Datapoint[]> {
    const from = query.from ? Date.parse(query.from) : Number.NEGATIVE_INFINITY;
    const to = query.to ? Date.parse(query.to) : Number.POSITIVE_INFINITY;
    const mine = this.datapoints.filter((p) => p.kpi === kpi && Date.parse(p.period) >= from && Date.parse(p.period) < to);
    const shadowed = new Set(mine.map((p) => Date.parse(p.period)));
    const { limit: _limit, ...bounds } = query;
    const merged = [...(await this.inner.listDatapoints(kpi, bounds)).filter((p) => !shadowed.has(Date.parse(p.period))), ...mine].sort(
      (a, b) => Date.parse(a.period) - Date.parse(b.period),
    );
    return query.limit === undefined ? merged : merged.slice(Math.max(0, merged.length - query.limit));
  }

  async latestDatapoint(kpi: string): Promise<Datapoint | undefined> {
    return (await this.listDatapoints(kpi)).at(-1);
  }

  async getHealth(kpi: string): Promise<HealthRecord | undefined> {
    return this.health.get(kpi) ?? this.inner.getHealth(kpi);
  }

  async saveHealth(kpi: string, record: HealthRecord, transition?: HealthTransition, outbox: OutboxEntry[] = []): Promise<void> {
    this.health.set(kpi, record);
    if (transition) this.transitions.push(transition);
    await this.enqueueOutbox(outbox);
  }

  async listTransitions(kpi: string, limit?: number): Promise<HealthTransition[]> {
    const all = [...(await this.inner.listTransitions(kpi)), ...this.transitions.filter((t) => t.kpi === kpi)];
    return limit === undefined ? all : all.slice(Math.max(0, all.length - limit));
  }

  async recordProgress(progress: KrProgress): Promise<boolean> {
    const last = await this.latestProgress(progress.kr);
    if (last && last.value === progress.value && last.progress === progress.progress && last.track === progress.track) return false;
    this.progress.push(progress);
    return true;
  }

  async latestProgress(kr: string): Promise<KrProgress | undefined> {
    return this.progress.findLast((p) => p.kr === kr) ?? this.inner.latestProgress(kr);
  }

  async listProgress(kr: string, limit?: number): Promise<KrProgress[]> {
    const all = [...(await this.inner.listProgress(kr)), ...this.progress.filter((p) => p.kr === kr)];
    return limit === undefined ? all : all.slice(Math.max(0, all.length - limit));
  }

  async saveRun(run: SyncRun): Promise<void> {
    this.runs.set(run.id, structuredClone(run));
  }

  async listRuns(query: { kpi?: string; limit?: number } = {}): Promise<SyncRun[]> {
    return this.inner.listRuns(query);
  }

  async getCursor(scope: string): Promise<unknown> {
    return this.cursors.has(scope) ? this.cursors.get(scope) : this.inner.getCursor(scope);
  }

  async setCursor(scope: string, value: unknown): Promise<void> {
    this.cursors.set(scope, value);
  }

  async enqueueOutbox(entries: OutboxEntry[]): Promise<number> {
    let added = 0;
    for (const entry of entries) {
      if (this.outbox.has(entry.id) || (await this.inner.getOutbox(entry.id))) continue;
      this.outbox.set(entry.id, entry);
      added += 1;
    }
    return added;
  }

  dueOutbox(now: string, limit: number): Promise<OutboxEntry[]> {
    return this.inner.dueOutbox(now, limit);
  }

  async updateOutbox(entry: OutboxEntry): Promise<void> {
    this.outbox.set(entry.id, entry);
  }

  async getOutbox(id: string): Promise<OutboxEntry | undefined> {
    return this.outbox.get(id) ?? this.inner.getOutbox(id);
  }

  listOutbox(query?: OutboxQuery): Promise<OutboxEntry[]> {
    return this.inner.listOutbox(query);
  }

  /** A plan deletes nothing: retention belongs to the real store's own passes. */
  async pruneHistory(): Promise<PruneResult> {
    return { runsDeleted: 0, outboxDeleted: 0, runsAbandoned: 0 };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
