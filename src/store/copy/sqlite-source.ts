import Database from 'better-sqlite3';
import { KsError } from '../../sdk/errors.ts';
import type { Datapoint, HealthRecord, HealthTransition, KrProgress } from '../../domain/types.ts';
import { toDatapoint, type DatapointRow } from '../sqlite/datapoint.statements.ts';
import { userVersion, MIGRATIONS } from '../sqlite/migrations.ts';
import type { BackfillProgress, DestinationDisabled, LastPush, OutboxEntry, Silence } from '../store.ts';

/** Rows per datapoint batch read from the file: bounded memory for years of daily history. */
export const COPY_BATCH = 5_000;

/**
 * Reads everything an embedded install keeps in its SQLite file, for `kpi-sync store
 * copy`. The file is opened read-only and must be at this kpi-sync's schema version
 * (open it with `kpi-sync status --db FILE` once to migrate an older one).
 */
export class SqliteSource {
  readonly #db: Database.Database;

  constructor(path: string) {
    try {
      this.#db = new Database(path, { readonly: true, fileMustExist: true });
    } catch (error) {
      throw new KsError('KS_ERR_STORE', `cannot open ${path} for reading: ${error instanceof Error ? error.message : String(error)}`);
    }
    const version = userVersion(this.#db);
    if (version !== MIGRATIONS.length) {
      this.#db.close();
      throw new KsError(
        'KS_ERR_STORE',
        `${path} has schema version ${version}, this kpi-sync reads version ${MIGRATIONS.length}: run \`kpi-sync status --db ${path}\` once to migrate it, then copy`,
      );
    }
  }

  /** Every datapoint, in batches, by KPI then period. */
  *datapoints(): Generator<Datapoint[]> {
    const statement = this.#db.prepare<[string, number, number], DatapointRow & { kpi: string; period_ms: number }>(
      `SELECT kpi, period_ms, period, value, observed_at, source, approximate FROM datapoints
       WHERE (kpi, period_ms) > (?, ?) ORDER BY kpi, period_ms LIMIT ?`,
    );
    let after: [string, number] = ['', Number.MIN_SAFE_INTEGER];
    for (;;) {
      const rows = statement.all(after[0], after[1], COPY_BATCH);
      if (rows.length === 0) return;
      yield rows.map((row) => toDatapoint(row.kpi, row));
      const last = rows.at(-1)!;
      after = [last.kpi, last.period_ms];
    }
  }

  health(): { kpi: string; record: HealthRecord; transitions: HealthTransition[] }[] {
    const transitions = this.#db.prepare<[string], { record: string }>('SELECT record FROM health_transitions WHERE kpi = ? ORDER BY id');
    return this.#db
      .prepare<[], { kpi: string; record: string }>('SELECT kpi, record FROM health ORDER BY kpi')
      .all()
      .map((row) => ({
        kpi: row.kpi,
        record: JSON.parse(row.record) as HealthRecord,
        transitions: transitions.all(row.kpi).map((t) => JSON.parse(t.record) as HealthTransition),
      }));
  }

  /** KR progress history by KR, oldest first. */
  progress(): Map<string, KrProgress[]> {
    const byKr = new Map<string, KrProgress[]>();
    for (const row of this.#db.prepare<[], { kr: string; record: string }>('SELECT kr, record FROM kr_progress ORDER BY kr, id').all()) {
      const list = byKr.get(row.kr) ?? [];
      list.push(JSON.parse(row.record) as KrProgress);
      byKr.set(row.kr, list);
    }
    return byKr;
  }

  notified(): { kpi: string; route: string; at: string }[] {
    return this.#db.prepare<[], { kpi: string; route: string; at: string }>('SELECT kpi, route, at FROM alert_notified ORDER BY kpi, route').all();
  }

  lastPushes(): { kr: string; target: string; push: LastPush }[] {
    return this.#db
      .prepare<[], { kr: string; target: string; record: string }>('SELECT kr, target, record FROM kr_push_last ORDER BY kr, target')
      .all()
      .map((row) => ({ kr: row.kr, target: row.target, push: JSON.parse(row.record) as LastPush }));
  }

  cursors(): { kpi: string; value: unknown }[] {
    return this.#db
      .prepare<[], { kpi: string; value: string }>('SELECT kpi, value FROM connector_cursors ORDER BY kpi')
      .all()
      .map((row) => ({ kpi: row.kpi, value: JSON.parse(row.value) as unknown }));
  }

  backfills(): { kpi: string; progress: BackfillProgress }[] {
    return this.#db
      .prepare<[], { kpi: string; record: string }>('SELECT kpi, record FROM backfill_progress ORDER BY kpi')
      .all()
      .map((row) => ({ kpi: row.kpi, progress: JSON.parse(row.record) as BackfillProgress }));
  }

  disabled(): { destination: string; disabled: DestinationDisabled }[] {
    return this.#db
      .prepare<[], { destination: string; record: string }>('SELECT destination, record FROM destinations_disabled ORDER BY destination')
      .all()
      .map((row) => ({ destination: row.destination, disabled: JSON.parse(row.record) as DestinationDisabled }));
  }

  /** Shared connection state that has not expired. */
  connectionState(nowMs: number): { scope: string; key: string; value: unknown; expiresAt?: string }[] {
    return this.#db
      .prepare<[number], { scope: string; key: string; value: string; expires_ms: number | null }>(
        'SELECT scope, key, value, expires_ms FROM connection_state WHERE expires_ms IS NULL OR expires_ms > ? ORDER BY scope, key',
      )
      .all(nowMs)
      .map((row) => ({
        scope: row.scope,
        key: row.key,
        value: JSON.parse(row.value) as unknown,
        ...(row.expires_ms === null ? {} : { expiresAt: new Date(row.expires_ms).toISOString() }),
      }));
  }

  /** Operators' silences, ended ones included (they are the record of who muted what). */
  silences(): Silence[] {
    return this.#db
      .prepare<[], { record: string }>('SELECT record FROM silences ORDER BY starts_ms, id')
      .all()
      .map((row) => JSON.parse(row.record) as Silence);
  }

  /** Outbox entries not delivered yet: pending, held, failed and dead (an operator still acts on those). */
  undelivered(): OutboxEntry[] {
    return this.#db
      .prepare<[], { record: string }>("SELECT record FROM outbox WHERE status NOT IN ('delivered', 'silenced') ORDER BY created_ms, rowid")
      .all()
      .map((row) => JSON.parse(row.record) as OutboxEntry);
  }

  close(): void {
    this.#db.close();
  }
}
