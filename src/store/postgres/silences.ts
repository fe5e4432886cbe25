import type { Silence } from '../store.ts';
import { endedSilence } from '../store-input.ts';
import { instantOrNull } from './columns.ts';
import type { Db } from './postgres-pool.ts';

/** The silences table: typed columns for people, the whole silence as jsonb, which is what the store reads back. */

interface RecordRow {
  record: Silence;
}

/** Returns whether it was new; an id already present is left as it is. */
export async function insertSilence(db: Db, silence: Silence): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO silences (id, kpi, category, starts_at, ends_at, reason, created_by, removed_at, record)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
     ON CONFLICT (id) DO NOTHING`,
    [
      silence.id,
      silence.matcher.kpi ?? null,
      silence.matcher.category ?? null,
      instantOrNull(silence.startsAt),
      instantOrNull(silence.endsAt),
      silence.reason,
      silence.createdBy,
      instantOrNull(silence.removedAt),
      JSON.stringify(silence),
    ],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Ending after `after` (a UTC ISO instant), newest start first, then by id in byte order as SQLite sorts. */
export async function listSilences(db: Db, after: string): Promise<Silence[]> {
  const result = await db.query<RecordRow>('SELECT record FROM silences WHERE ends_at > $1::timestamptz ORDER BY starts_at DESC, id COLLATE "C"', [after]);
  return result.rows.map((row) => row.record);
}

/**
 * Ends one silence at `at` in one transaction of the caller's: the row is locked
 * first, so two operators ending it at once both see the same end.
 */
export async function endSilence(db: Db, id: string, at: string, atMs: number): Promise<Silence | undefined> {
  const found = (await db.query<RecordRow>('SELECT record FROM silences WHERE id = $1 FOR UPDATE', [id])).rows[0]?.record;
  const ended = found && endedSilence(found, at, atMs);
  if (!ended) return found;
  await db.query('UPDATE silences SET ends_at = $2, removed_at = $2, record = $3::jsonb WHERE id = $1', [id, instantOrNull(at), JSON.stringify(ended)]);
  return ended;
}
