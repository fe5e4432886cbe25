import type Database from 'better-sqlite3';
import type { Silence } from '../store.ts';

/** The silences table: the whole silence as JSON, plus the columns listings filter and sort on. */
export class SilenceStatements {
  readonly #insert;
  readonly #get;
  readonly #end;
  readonly #list;

  constructor(db: Database.Database) {
    this.#insert = db.prepare<[string, string | null, string | null, number, number, string]>(
      `INSERT INTO silences (id, kpi, category, starts_ms, ends_ms, record) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.#get = db.prepare<[string], { record: string }>('SELECT record FROM silences WHERE id = ?');
    this.#end = db.prepare<[number, string, string]>('UPDATE silences SET ends_ms = ?, record = ? WHERE id = ?');
    this.#list = db.prepare<[number], { record: string }>('SELECT record FROM silences WHERE ends_ms > ? ORDER BY starts_ms DESC, id');
  }

  /** Returns whether it was new. */
  insert(silence: Silence, startsMs: number, endsMs: number): boolean {
    const { kpi, category } = silence.matcher;
    return this.#insert.run(silence.id, kpi ?? null, category ?? null, startsMs, endsMs, JSON.stringify(silence)).changes > 0;
  }

  get(id: string): Silence | undefined {
    const row = this.#get.get(id);
    return row && (JSON.parse(row.record) as Silence);
  }

  end(silence: Silence, endsMs: number): void {
    this.#end.run(endsMs, JSON.stringify(silence), silence.id);
  }

  endingAfter(ms: number): Silence[] {
    return this.#list.all(ms).map((row) => JSON.parse(row.record) as Silence);
  }
}
