import type Database from 'better-sqlite3';
import type { BackfillProgress, ConnectionStateEntry, DestinationDisabled, LastPush } from '../store.ts';
import { parsed } from './records.statements.ts';

/**
 * The typed bookkeeping tables: connector cursors, alert-notified times, last KR
 * pushes, disabled destinations, backfill progress and shared connection state.
 * Each has its own table and key, so none can collide with another.
 */
export class BookkeepingStatements {
  readonly #getCursor;
  readonly #putCursor;
  readonly #deleteCursor;
  readonly #getNotified;
  readonly #putNotified;
  readonly #getPush;
  readonly #putPush;
  readonly #listDisabled;
  readonly #putDisabled;
  readonly #deleteDisabled;
  readonly #getBackfill;
  readonly #putBackfill;
  readonly #deleteBackfill;
  readonly #getState;
  readonly #putState;
  readonly #deleteState;

  constructor(db: Database.Database) {
    this.#getCursor = db.prepare<[string], { value: string }>('SELECT value FROM connector_cursors WHERE kpi = ?');
    this.#putCursor = db.prepare<[string, string]>(
      'INSERT INTO connector_cursors (kpi, value) VALUES (?, ?) ON CONFLICT (kpi) DO UPDATE SET value = excluded.value',
    );
    this.#deleteCursor = db.prepare<[string]>('DELETE FROM connector_cursors WHERE kpi = ?');
    this.#getNotified = db.prepare<[string, string], { at: string }>('SELECT at FROM alert_notified WHERE kpi = ? AND route = ?');
    this.#putNotified = db.prepare<[string, string, string]>(
      'INSERT INTO alert_notified (kpi, route, at) VALUES (?, ?, ?) ON CONFLICT (kpi, route) DO UPDATE SET at = excluded.at',
    );
    this.#getPush = db.prepare<[string, string], { record: string }>('SELECT record FROM kr_push_last WHERE kr = ? AND target = ?');
    this.#putPush = db.prepare<[string, string, string]>(
      'INSERT INTO kr_push_last (kr, target, record) VALUES (?, ?, ?) ON CONFLICT (kr, target) DO UPDATE SET record = excluded.record',
    );
    this.#listDisabled = db.prepare<[], { destination: string; record: string }>('SELECT destination, record FROM destinations_disabled ORDER BY destination');
    this.#putDisabled = db.prepare<[string, string]>(
      'INSERT INTO destinations_disabled (destination, record) VALUES (?, ?) ON CONFLICT (destination) DO UPDATE SET record = excluded.record',
    );
    this.#deleteDisabled = db.prepare<[string]>('DELETE FROM destinations_disabled WHERE destination = ?');
    this.#getBackfill = db.prepare<[string], { record: string }>('SELECT record FROM backfill_progress WHERE kpi = ?');
    this.#putBackfill = db.prepare<[string, string]>(
      'INSERT INTO backfill_progress (kpi, record) VALUES (?, ?) ON CONFLICT (kpi) DO UPDATE SET record = excluded.record',
    );
    this.#deleteBackfill = db.prepare<[string]>('DELETE FROM backfill_progress WHERE kpi = ?');
    this.#getState = db.prepare<[string, string, number], { value: string }>(
      'SELECT value FROM connection_state WHERE scope = ? AND key = ? AND (expires_ms IS NULL OR expires_ms > ?)',
    );
    this.#putState = db.prepare<[string, string, string, number | null]>(
      `INSERT INTO connection_state (scope, key, value, expires_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, expires_ms = excluded.expires_ms`,
    );
    this.#deleteState = db.prepare<[string, string]>('DELETE FROM connection_state WHERE scope = ? AND key = ?');
  }

  cursor(kpi: string): unknown {
    return parsed(this.#getCursor.get(kpi)?.value);
  }

  putCursor(kpi: string, value: unknown): void {
    const json = JSON.stringify(value) as string | undefined;
    // undefined has no JSON form: storing it means forgetting the cursor.
    if (json === undefined) this.#deleteCursor.run(kpi);
    else this.#putCursor.run(kpi, json);
  }

  notified(kpi: string, route: string): string | undefined {
    return this.#getNotified.get(kpi, route)?.at;
  }

  putNotified(kpi: string, route: string, at: string): void {
    this.#putNotified.run(kpi, route, at);
  }

  lastPush(kr: string, target: string): LastPush | undefined {
    return parsed(this.#getPush.get(kr, target)?.record);
  }

  putLastPush(kr: string, target: string, push: LastPush): void {
    this.#putPush.run(kr, target, JSON.stringify(push));
  }

  disabled(): Map<string, DestinationDisabled> {
    return new Map(this.#listDisabled.all().map((row) => [row.destination, withoutNulls(JSON.parse(row.record) as DestinationDisabled)]));
  }

  putDisabled(destination: string, disabled: DestinationDisabled | undefined): void {
    if (disabled === undefined) this.#deleteDisabled.run(destination);
    else this.#putDisabled.run(destination, JSON.stringify(disabled));
  }

  backfill(kpi: string): BackfillProgress | undefined {
    return parsed(this.#getBackfill.get(kpi)?.record);
  }

  putBackfill(kpi: string, progress: BackfillProgress | undefined): void {
    if (progress === undefined) this.#deleteBackfill.run(kpi);
    else this.#putBackfill.run(kpi, JSON.stringify(progress));
  }

  connectionState(scope: string, key: string, nowMs: number): unknown {
    return parsed(this.#getState.get(scope, key, nowMs)?.value);
  }

  putConnectionState(scope: string, key: string, entry: ConnectionStateEntry | undefined, expiresMs: number | null): void {
    const json = entry === undefined ? undefined : (JSON.stringify(entry.value) as string | undefined);
    if (json === undefined) this.#deleteState.run(scope, key);
    else this.#putState.run(scope, key, json, expiresMs);
  }
}

/** Rows migrated from the old cursor table may hold `null` where the type has an absent field. */
function withoutNulls<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as T;
}
