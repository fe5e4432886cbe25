import { createHash } from 'node:crypto';
import type { QueryResult, QueryResultRow } from 'pg';
import type { Db } from './postgres-pool.ts';

/**
 * The parameters of a statement being built: each value added becomes the next `$n`.
 * Statements are written once, as functions of a Params, so the same INSERT serves
 * on its own (saveRun) and as one part of a sync's single commit statement, where
 * the numbering continues from the parts before it.
 */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A statement as a function of its parameters. */
export type Sql = (p: Params) => string;

/**
 * Runs one statement as a named prepared statement: Postgres plans it once per
 * connection. The name comes from the text, so every shape of a composed statement
 * gets its own.
 */
export function execute<R extends QueryResultRow = QueryResultRow>(db: Db, sql: Sql): Promise<QueryResult<R>> {
  const p = new Params();
  const text = sql(p);
  return db.query<R>({ name: `ks-${createHash('sha1').update(text).digest('base64url').slice(0, 24)}`, text, values: p.values });
}
