import type { OutboxEntry, OutboxQuery } from '../store.ts';
import { instantOrNull, integerOrNull } from './columns.ts';
import type { Db } from './postgres-pool.ts';
import { execute, type Params } from './statement.ts';

/**
 * The outbox table: the whole entry as jsonb, plus the columns the dispatcher's
 * "what is due" query, the CLI's listings and people filter and sort on.
 */

interface RecordRow {
  record: OutboxEntry;
}

/** One statement for the whole list; an id already present is left as it is. */
export function outboxSql(p: Params, entries: readonly OutboxEntry[]): string {
  const column = <T>(pick: (entry: OutboxEntry) => T): string => p.add(entries.map(pick));
  return `INSERT INTO outbox (id, event_id, channel, destination, status, attempts, created_at, next_attempt_at,
                         last_attempt_at, delivered_at, last_status, last_error, record)
     SELECT * FROM unnest(${column((e) => e.id)}::text[], ${column((e) => e.eventId)}::text[], ${column((e) => e.channel)}::text[],
       ${column((e) => e.destination)}::text[], ${column((e) => e.status)}::text[], ${column((e) => integerOrNull(e.attempts))}::integer[],
       ${column((e) => instantOrNull(e.createdAt))}::timestamptz[], ${column((e) => instantOrNull(e.nextAttemptAt))}::timestamptz[],
       ${column((e) => instantOrNull(e.lastAttemptAt))}::timestamptz[], ${column((e) => instantOrNull(e.deliveredAt))}::timestamptz[],
       ${column((e) => integerOrNull(e.lastStatus))}::integer[], ${column((e) => e.lastError ?? null)}::text[], ${column((e) => JSON.stringify(e))}::jsonb[])
     ON CONFLICT (id) DO NOTHING`;
}

/** Returns how many entries were new. */
export async function insertOutbox(db: Db, entries: readonly OutboxEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  return (await execute(db, (p) => outboxSql(p, entries))).rowCount ?? 0;
}

/**
 * Replaces an entry's delivery state. Like SQLite, id, channel, destination and
 * createdAt keep the values the entry was enqueued with. Returns the rows changed.
 */
export async function updateOutbox(db: Db, entry: OutboxEntry): Promise<number> {
  const result = await db.query(
    `UPDATE outbox SET status = $2, attempts = $3, next_attempt_at = $4, last_attempt_at = $5, delivered_at = $6,
       last_status = $7, last_error = $8, record = $9::jsonb
     WHERE id = $1`,
    [
      entry.id,
      entry.status,
      integerOrNull(entry.attempts),
      instantOrNull(entry.nextAttemptAt),
      instantOrNull(entry.lastAttemptAt),
      instantOrNull(entry.deliveredAt),
      integerOrNull(entry.lastStatus),
      entry.lastError ?? null,
      JSON.stringify(entry),
    ],
  );
  return result.rowCount ?? 0;
}

/** Writes `claimed` if the entry is still pending and due when `read` said. Returns the rows changed (0 or 1). */
export async function claimOutbox(db: Db, read: OutboxEntry, claimed: OutboxEntry): Promise<number> {
  const result = await db.query(
    `UPDATE outbox SET status = $2, attempts = $3, next_attempt_at = $4, last_attempt_at = $5, record = $6::jsonb
     WHERE id = $1 AND status = 'pending' AND next_attempt_at = $7::timestamptz`,
    [
      read.id,
      claimed.status,
      integerOrNull(claimed.attempts),
      instantOrNull(claimed.nextAttemptAt),
      instantOrNull(claimed.lastAttemptAt),
      JSON.stringify(claimed),
      instantOrNull(read.nextAttemptAt),
    ],
  );
  return result.rowCount ?? 0;
}

/** Pending entries due at `now` (ISO instant), oldest due first. */
export async function dueOutbox(db: Db, now: string, limit: number | null): Promise<OutboxEntry[]> {
  const result = await db.query<RecordRow>(
    `SELECT record FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1::timestamptz
     ORDER BY next_attempt_at, created_at, seq LIMIT $2`,
    [now, limit],
  );
  return result.rows.map((row) => row.record);
}

export async function getOutbox(db: Db, id: string): Promise<OutboxEntry | undefined> {
  const result = await db.query<RecordRow>('SELECT record FROM outbox WHERE id = $1', [id]);
  return result.rows[0]?.record;
}

/** Newest first, filtered by status and channel. */
export async function listOutbox(db: Db, query: OutboxQuery, limit: number | null): Promise<OutboxEntry[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  if (query.status?.length) {
    values.push(query.status);
    where.push(`status = ANY($${values.length}::text[])`);
  }
  if (query.channel) {
    values.push(query.channel);
    where.push(`channel = $${values.length}`);
  }
  values.push(limit);
  const sql = `SELECT record FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
               ORDER BY created_at DESC, seq DESC LIMIT $${values.length}`;
  return (await db.query<RecordRow>(sql, values)).rows.map((row) => row.record);
}
