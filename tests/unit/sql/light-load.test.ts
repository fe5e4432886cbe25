import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Validating a config must not load a database driver: pg and mysql2 are imported
 * inside the client, on the first query or check. Checked in a fresh Node process,
 * where nothing else has loaded them.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));

const script = `
import { createRequire } from 'node:module';
const { default: sql } = await import('./connectors/sql/index.ts');
sql.connectionSchema.parse({ dialect: 'postgres', host: 'db.internal', user: 'u', password: 'p-123456' });
sql.connectionSchema.parse({ url: 'mysql://u:p@db.internal/shop' });
sql.measure(sql.querySchema.parse({ sql: 'SELECT count(*) FROM t WHERE at >= :window_start' }));
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((path) => /node_modules\\/(pg|mysql2)\\//.test(path));
process.stdout.write(JSON.stringify(loaded));
`;

describe('sql connector: light to load', () => {
  it('parses connections and queries without loading pg or mysql2', () => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('the probe sees a driver that is loaded (so the test above can fail)', () => {
    const probe = script.replace('const { default: sql }', "await import('pg');\nconst { default: sql }");
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: root, encoding: 'utf8' });
    expect((JSON.parse(result.stdout) as string[]).some((path) => path.includes('/pg/'))).toBe(true);
  });
});
