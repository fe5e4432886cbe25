import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import sql from '../../../connectors/sql/index.ts';
import { connectionSchema as rawConnectionSchema } from '../../../connectors/sql/schema.ts';
import { resolveTarget } from '../../../connectors/sql/target.ts';
import { isSecretSchema } from '../../../src/sdk/secret.ts';

const { connectionSchema, querySchema } = sql;

function messages(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }): string[] {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

const HOST = { dialect: 'postgres', host: 'db.internal', user: 'kpi_reader', password: 'pw-123456' };
const URL_PASSWORD = 's3cr%2Ft-Pa55';
const URL = `postgres://kpi_reader:${URL_PASSWORD}@db.internal:6432/kpi?sslmode=require`;

describe('sql connectionSchema', () => {
  it('takes host settings, with defaults for the limits and the pool', () => {
    expect(connectionSchema.parse(HOST)).toEqual({ ...HOST, statementTimeoutMs: 30_000, connectTimeoutMs: 10_000, poolSize: 2, maxBackfillPeriods: 1_000 });
  });

  it('takes a url instead, and reads dialect, port, database, user, password and sslmode from it', () => {
    const target = resolveTarget(connectionSchema.parse({ url: URL }), '/etc/kpi');
    expect(target).toMatchObject({
      dialect: 'postgres',
      host: 'db.internal',
      port: 6432,
      database: 'kpi',
      user: 'kpi_reader',
      password: 's3cr/t-Pa55',
      ssl: 'require',
    });
    expect(resolveTarget(connectionSchema.parse({ url: 'mariadb://u:p@10.0.0.5/shop' }), '/').dialect).toBe('mysql');
  });

  it('defaults TLS to verify-full, except on loopback hosts', () => {
    expect(resolveTarget(connectionSchema.parse(HOST), '/').ssl).toBe('verify-full');
    expect(resolveTarget(connectionSchema.parse({ ...HOST, host: '127.0.0.1' }), '/').ssl).toBe('disable');
    expect(resolveTarget(connectionSchema.parse({ ...HOST, host: 'localhost', ssl: 'require' }), '/').ssl).toBe('require');
  });

  it('resolves sslCa against the config folder', () => {
    expect(resolveTarget(connectionSchema.parse({ ...HOST, ssl: 'verify-full', sslCa: 'certs/ca.pem' }), '/etc/kpi').sslCa).toBe('/etc/kpi/certs/ca.pem');
  });

  it('names the missing setting', () => {
    expect(messages(connectionSchema.safeParse({}))).toEqual(['host: set host (with dialect and user), or url']);
    expect(messages(connectionSchema.safeParse({ host: 'db' }))).toEqual([
      'dialect: set dialect: postgres or mysql',
      'user: set user (a read-only role, see the README)',
    ]);
  });

  it('refuses url together with host settings, naming each', () => {
    expect(messages(connectionSchema.safeParse({ url: URL, host: 'db', password: 'x-123456' }))).toEqual([
      'host: give either url or host (with host, user, …), not both',
      'password: give either url or password (with host, user, …), not both',
    ]);
  });

  it('explains a bad url without quoting it (it may hold a password)', () => {
    const cases = [
      ['not a url', 'url: not a URL'],
      ['http://u:pw-secret@db/kpi', 'url: unsupported scheme "http:"'],
      ['postgres://db/kpi', 'url: the URL names no user'],
      ['postgres://u:pw-secret@db/kpi?application_name=x', 'url: unsupported URL parameter "application_name"'],
      ['postgres://u:pw-secret@db/kpi?sslmode=prefer', 'url: sslmode "prefer" is not supported'],
    ];
    for (const [url, message] of cases) {
      const found = messages(connectionSchema.safeParse({ url }));
      expect(found[0], url).toContain(message);
      expect(found.join('\n')).not.toContain('pw-secret');
    }
    expect(messages(connectionSchema.safeParse({ url: URL, dialect: 'mysql' }))).toEqual(["dialect: dialect mysql does not match the url's scheme (postgres)"]);
    expect(messages(connectionSchema.safeParse({ url: URL, ssl: 'disable' }))).toEqual(["ssl: ssl disable contradicts the url's sslmode (require)"]);
  });

  it('refuses link-local hosts unless allowLinkLocal, in host and in url', () => {
    expect(messages(connectionSchema.safeParse({ ...HOST, host: '169.254.169.254' }))[0]).toMatch(/^host: .*link-local.*allowLinkLocal: true/);
    expect(messages(connectionSchema.safeParse({ url: 'postgres://u:p@169.254.169.254/db' }))[0]).toMatch(/^url: .*link-local.*allowLinkLocal: true/);
    expect(connectionSchema.safeParse({ ...HOST, host: '169.254.169.254', allowLinkLocal: true }).success).toBe(true);
  });

  it('refuses a URL in host, sslCa without verify-full, out-of-range limits and unknown keys', () => {
    expect(messages(connectionSchema.safeParse({ ...HOST, host: 'postgres://db' }))[0]).toBe('host: a host name or IP address (a URL goes in `url`)');
    expect(messages(connectionSchema.safeParse({ ...HOST, ssl: 'require', sslCa: 'ca.pem' }))).toEqual([
      'sslCa: sslCa is only read with ssl: verify-full (ssl is require)',
    ]);
    expect(messages(connectionSchema.safeParse({ ...HOST, statementTimeoutMs: 10 }))[0]).toMatch(/^statementTimeoutMs: /);
    expect(messages(connectionSchema.safeParse({ ...HOST, poolSize: 0 }))[0]).toMatch(/^poolSize: /);
    expect(messages(connectionSchema.safeParse({ ...HOST, passwd: 'x' }))[0]).toContain('Unrecognized key');
  });

  it('marks password and url secret (write-only in the JSON Schema)', () => {
    expect(isSecretSchema(rawConnectionSchema.shape.password.unwrap())).toBe(true);
    expect(isSecretSchema(rawConnectionSchema.shape.url.unwrap())).toBe(true);
    const json = z.toJSONSchema(connectionSchema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, { writeOnly?: boolean }> };
    expect(json.properties.password?.writeOnly).toBe(true);
    expect(json.properties.url?.writeOnly).toBe(true);
    expect(json.properties.user?.writeOnly).toBeUndefined();
  });
});

describe('sql querySchema', () => {
  it('takes one SQL text; rows and whenNull default to a single number, NULL as 0', () => {
    expect(querySchema.parse({ sql: '  SELECT count(*) FROM orders \n' })).toEqual({ sql: 'SELECT count(*) FROM orders', rows: false, whenNull: 'zero' });
    expect(querySchema.parse({ sql: 'SELECT 1', rows: true, whenNull: 'skip' })).toMatchObject({ rows: true, whenNull: 'skip' });
  });

  it('refuses an empty query, a wrong whenNull and unknown keys, naming the field', () => {
    expect(messages(querySchema.safeParse({ sql: '   ' }))).toEqual(['sql: the query is empty']);
    expect(messages(querySchema.safeParse({ sql: 'SELECT 1', whenNull: 'null' }))[0]).toMatch(/^whenNull: /);
    expect(messages(querySchema.safeParse({ sql: 'SELECT 1', query: 'x' }))[0]).toContain('Unrecognized key');
  });
});

describe('sql measure', () => {
  it('is a flow when the SQL reads the window bounds, a snapshot otherwise', () => {
    const measure = (text: string) => sql.measure!(querySchema.parse({ sql: text }));
    expect(measure('SELECT count(*) FROM t WHERE at >= :window_start AND at < :window_end')).toBe('flow');
    expect(measure('SELECT count(*) FROM t WHERE at >= :window_start_utc')).toBe('flow');
    expect(measure('SELECT count(*) FROM t WHERE open')).toBe('snapshot');
    expect(measure("SELECT count(*) FROM t WHERE note = ':window_start' -- :window_end")).toBe('snapshot');
    expect(measure('SELECT count(*) FROM t WHERE zone = :window_zone')).toBe('snapshot');
  });

  it('declares one-pass backfill: rows queries read the whole window at once', () => {
    expect(sql.backfill).toBe('one-pass');
  });
});
