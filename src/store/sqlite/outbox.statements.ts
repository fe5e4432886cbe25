import type Database from 'better-sqlite3';
import type { OutboxEntry, OutboxQuery } from '../store.ts';

const ALL = -1;

/**
 * The outbox table: the whole entry as JSON, plus the columns the dispatcher's
 * "what is due" query and the CLI's listings filter and sort on.
 */
export class OutboxStatements {
  readonly #insert;
  readonly #update;
  readonly #claim;
  readonly #due;
  readonly #get;
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#insert = db.prepare<[string, string, string, string, number, number, string]>(
      `INSERT INTO outbox (id, channel, destination, status, created_ms, next_ms, record) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.#update = db.prepare<[string, number, string, string]>('UPDATE outbox SET status = ?, next_ms = ?, record = ? WHERE id = ?');
    this.#claim = db.prepare<[string, number, string, string, number]>(
      "UPDATE outbox SET status = ?, next_ms = ?, record = ? WHERE id = ? AND status = 'pending' AND next_ms = ?",
    );
    this.#due = db.prepare<[number, number], { record: string }>(
      "SELECT record FROM outbox WHERE status = 'pending' AND next_ms <= ? ORDER BY next_ms, created_ms LIMIT ?",
    );
    this.#get = db.prepare<[string], { record: string }>('SELECT record FROM outbox WHERE id = ?');
  }

  /** Returns how many entries were new. */
  insert(entries: OutboxEntry[]): number {
    let added = 0;
    for (const e of entries) {
      added += this.#insert.run(e.id, e.channel, e.destination, e.status, Date.parse(e.createdAt), Date.parse(e.nextAttemptAt), JSON.stringify(e)).changes;
    }
    return added;
  }

  update(entry: OutboxEntry): number {
    return this.#update.run(entry.status, Date.parse(entry.nextAttemptAt), JSON.stringify(entry), entry.id).changes;
  }

  /** `claimed`, if the entry is still pending and due when `read` said; 1 when it was. */
  claim(read: OutboxEntry, claimed: OutboxEntry): number {
    return this.#claim.run(claimed.status, Date.parse(claimed.nextAttemptAt), JSON.stringify(claimed), read.id, Date.parse(read.nextAttemptAt)).changes;
  }

  due(nowMs: number, limit: number): OutboxEntry[] {
    return this.#due.all(nowMs, limit).map((row) => JSON.parse(row.record) as OutboxEntry);
  }

  get(id: string): OutboxEntry | undefined {
    const row = this.#get.get(id);
    return row && (JSON.parse(row.record) as OutboxEntry);
  }

  list(query: OutboxQuery): OutboxEntry[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.status?.length) {
      where.push(`status IN (${query.status.map(() => '?').join(', ')})`);
      params.push(...query.status);
    }
    if (query.channel) {
      where.push('channel = ?');
      params.push(query.channel);
    }
    const sql = `SELECT record FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_ms DESC, rowid DESC LIMIT ?`;
    return this.#db
      .prepare<(string | number)[], { record: string }>(sql)
      .all(...params, query.limit ?? ALL)
      .map((row) => JSON.parse(row.record) as OutboxEntry);
  }
}
