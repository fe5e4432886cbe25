import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import csv from '../../connectors/csv/index.ts';
import { QueryError, SourceReadError } from '../../src/sdk/errors.ts';
import { captureLogText } from '../helpers/capture-logger.ts';
import { makeTestContext } from '../helpers/connector-context.ts';
import { rejection } from '../helpers/rejection.ts';

/**
 * A folder connection over a temp folder laid out like an attack on it: links that
 * stay inside, links that lead out (to /etc/passwd and to a file holding a canary), a
 * linked sub-folder that leads out, and a FIFO. Nothing of a file outside the folder
 * may be read: not in the values, the error, the logs or the diagnostics the run
 * record keeps.
 */
const CANARY = 'canary-5d1f0a77-outside-the-folder';
const root = mkdtempSync(path.join(tmpdir(), 'kpi-sync-csv-links-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const data = path.join(root, 'data');
const outside = path.join(root, 'outside');
mkdirSync(data);
mkdirSync(outside);
mkdirSync(path.join(data, 'nested'));
writeFileSync(path.join(data, 'inside.csv'), 'date,amount\n2026-03-02,10\n2026-03-03,5\n');
writeFileSync(path.join(data, 'nested', 'deep.csv'), 'date,amount\n2026-03-04,7\n');
writeFileSync(path.join(outside, 'secret.csv'), `date,amount\n2026-03-02,999\n2026-03-03,${CANARY}\n`);
symlinkSync('inside.csv', path.join(data, 'alias.csv'));
symlinkSync('nested/deep.csv', path.join(data, 'deep-alias.csv'));
symlinkSync('/etc/passwd', path.join(data, 'link.csv'));
symlinkSync('../outside/secret.csv', path.join(data, 'leak.csv'));
symlinkSync('../outside', path.join(data, 'sub'));
symlinkSync('data', path.join(root, 'mounted'));
execFileSync('mkfifo', [path.join(data, 'pipe.csv')]);

/** Lines of /etc/passwd, which must not show up anywhere. */
const PASSWD = existsSync('/etc/passwd')
  ? readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .filter((line) => line.includes(':'))
  : [];

const query = (file?: string) => ({ ...(file === undefined ? {} : { file }), date: { column: 'date' }, value: { column: 'amount', aggregate: 'sum' } });

async function fetchFrom(folder: string, file?: string) {
  const logs: string[] = [];
  const ctx = makeTestContext({ baseDir: root, timeZone: 'UTC', interval: 'month', at: '2026-03-15T12:00:00Z', logger: captureLogText(logs) });
  const run = csv.fetch(csv.connectionSchema.parse({ path: folder }), csv.querySchema.parse(query(file)), ctx);
  return { run, logs, ctx };
}

/** Everything a run leaves behind: the error, the log lines and the diagnostics stored with the run. */
function everything(error: unknown, logs: string[], ctx: ReturnType<typeof makeTestContext>): string {
  return [String((error as Error)?.message), (error as Error)?.stack ?? '', ...logs, JSON.stringify(ctx.diagnostics)].join('\n');
}

function expectNothingLeaked(text: string): void {
  expect(text).not.toContain(CANARY);
  for (const line of PASSWD) expect(text).not.toContain(line);
}

describe('csv folder connections and symbolic links', () => {
  it('refuses a link to /etc/passwd, naming the link and saying it points outside, without reading it', async () => {
    const { run, logs, ctx } = await fetchFrom('data', 'link.csv');
    const error = await rejection<SourceReadError>(run);
    expect(error).toBeInstanceOf(SourceReadError);
    expect(error).toMatchObject({ code: 'KS_ERR_SOURCE_READ', retryable: false });
    expect(error.message).toBe(
      `cannot read ${path.join(data, 'link.csv')}: it is a symbolic link that points outside the connection folder ${data}; only files inside the folder are read`,
    );
    expectNothingLeaked(everything(error, logs, ctx));
    expect(ctx.diagnostics.counts.bytesRead).toBeUndefined();
  });

  it('refuses a link to a file outside, and a file reached through a linked folder that leads out', async () => {
    for (const file of ['leak.csv', 'sub/secret.csv']) {
      const { run, logs, ctx } = await fetchFrom('data', file);
      const error = await rejection<Error>(run);
      expect(error.message, file).toContain(`cannot read ${path.join(data, file)}: it is a symbolic link that points outside the connection folder`);
      expectNothingLeaked(everything(error, logs, ctx));
    }
  });

  it('keeps reading links that stay inside the folder, and a folder that is itself a link (Kubernetes ..data mounts)', async () => {
    expect(await (await fetchFrom('data', 'alias.csv')).run).toEqual([{ value: 15, at: '2026-03-01T00:00:00.000Z' }]);
    expect(await (await fetchFrom('data', 'deep-alias.csv')).run).toEqual([{ value: 7, at: '2026-03-01T00:00:00.000Z' }]);
    expect(await (await fetchFrom('mounted', 'inside.csv')).run).toEqual([{ value: 15, at: '2026-03-01T00:00:00.000Z' }]);
    const { run } = await fetchFrom('mounted', 'link.csv');
    expect((await rejection<Error>(run)).message).toContain('points outside the connection folder');
  });

  it('still refuses names that climb out with ..', async () => {
    const { run } = await fetchFrom('data', '../outside/secret.csv');
    expect(await rejection(run)).toBeInstanceOf(QueryError);
  });

  it('refuses a named pipe in the folder instead of waiting for a writer', async () => {
    const { run } = await fetchFrom('data', 'pipe.csv');
    const error = await rejection<Error>(run);
    expect(error).toBeInstanceOf(SourceReadError);
    expect(error.message).toBe(`cannot read ${path.join(data, 'pipe.csv')}: it is a named pipe (FIFO), not a regular file`);
  });

  it('a folder listing skips the links that lead out and names them', async () => {
    const { run } = await fetchFrom('data');
    const error = await rejection<Error>(run);
    expect(error).toBeInstanceOf(QueryError);
    expect(error.message).toBe(
      `${data} is a folder: set the query's \`file\` to one of its files (alias.csv, deep-alias.csv, inside.csv, pipe.csv); skipped leak.csv, link.csv (symbolic links pointing outside the folder)`,
    );
  });

  it('check lists the folder without the links that lead out, and logs each one it skipped', async () => {
    const logs: string[] = [];
    const ctx = { ...makeTestContext({ baseDir: root }), logger: captureLogText(logs) };
    const result = await csv.check(csv.connectionSchema.parse({ path: 'data' }), ctx);
    expect(result.detail).toBe(
      `folder ${data} is readable: 4 CSV files (alias.csv, deep-alias.csv, inside.csv, pipe.csv); skipped leak.csv, link.csv (symbolic links pointing outside the folder)`,
    );
    const warnings = logs.map((line) => JSON.parse(line) as { level: number; file: string; msg: string });
    expect(warnings.map((w) => [w.level, w.file, w.msg])).toEqual([
      [40, 'leak.csv', 'skipped a symbolic link that points outside the connection folder'],
      [40, 'link.csv', 'skipped a symbolic link that points outside the connection folder'],
    ]);
    expectNothingLeaked(result.detail + logs.join(''));
  });
});
