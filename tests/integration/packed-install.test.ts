import { execFile, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../helpers/cli.ts';

/**
 * kpi-sync as its users get it: `npm pack`, then a plain `npm install` of the tarball
 * into a fresh project (Node does not strip types under node_modules, so this runs the
 * JavaScript build), then the CLI on a copy of the examples, a third-party connector
 * package loaded through settings.connectors, and a connector scaffolded by
 * `kpi-sync connector new` built and tested against the installed SDK.
 */
const run = promisify(execFile);
const NODE_BIN = path.dirname(process.execPath);
const ENV = {
  ...process.env,
  PATH: `${NODE_BIN}:${process.env.PATH ?? ''}`,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};
const TOKEN = 'tok-packed-install-8d1c';

let project: string;
let tarball: string;
let api: http.Server;
let apiUrl = '';

function versionOf(name: string): string {
  return (JSON.parse(readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, env: ENV, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/**
 * The installed CLI, on the Node running the tests (24). Asynchronous: the events API
 * it calls is served by this very process, which a synchronous spawn would block.
 */
async function kpiSync(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(project, 'node_modules/kpi-sync/bin/kpi-sync.js'), ...args], {
      cwd: project,
      env: { ...ENV, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : null, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Without terminal colours. */
function plain(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** A child vitest (the package's own test run), asynchronous for the same reason. */
async function vitestIn(root: string): Promise<{ code: number | null; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(project, 'node_modules/vitest/vitest.mjs'), 'run', '--root', root], {
      cwd: root,
      env: ENV,
      timeout: 120_000,
    });
    return { code: 0, output: plain(`${stdout}${stderr}`) };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : null, output: plain(`${failed.stdout ?? ''}${failed.stderr ?? ''}`) };
  }
}

beforeAll(async () => {
  const packs = tempDir('kpi-sync-pack-');
  const name = (await npm(['pack', '--silent', '--pack-destination', packs], REPO)).trim().split('\n').at(-1)!;
  tarball = path.join(packs, name);
  project = tempDir('kpi-sync-installed-');
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'ops-project', private: true, type: 'module' }));
  // The connector package and the scaffold's test need vitest; its versions are in the npm cache already.
  await npm(
    [
      'install',
      '--prefer-offline',
      tarball,
      `vitest@${versionOf('vitest')}`,
      `typescript@${versionOf('typescript')}`,
      `@types/node@${versionOf('@types/node')}`,
    ],
    project,
  );

  api = http.createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad token"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.url?.startsWith('/me') ? { account: 'ops' } : { count: 42 }));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
}, 300_000);

afterAll(async () => {
  api?.closeAllConnections();
  await new Promise((resolve) => api?.close(resolve));
});

describe('the packed package, installed with npm install', () => {
  it('ships the CLI, the build and the examples, and no tests, benchmarks or CI files', async () => {
    const listing = JSON.parse(await npm(['pack', '--dry-run', '--json', '--ignore-scripts'], REPO)) as { files: { path: string }[] }[];
    const files = listing[0]!.files.map((f) => f.path);
    expect(files).toContain('bin/kpi-sync.js');
    expect(files).toContain('dist/src/cli/main.js');
    expect(files).toContain('dist/src/sdk/index.d.ts');
    expect(files).toContain('config/examples/kpis-growth.yaml');
    expect(files.filter((f) => /^(tests|bench|\.ci|docs)\/|Dockerfile|docker-compose|\.test\.|vitest\.config/.test(f))).toEqual([]);
  });

  it('validates and syncs a copy of the examples with the installed CLI', async () => {
    cpSync(path.join(REPO, 'config/examples'), path.join(project, 'config'), { recursive: true });
    const validate = await kpiSync(['validate', '--config', 'config']);
    expect(validate.stderr).toBe('');
    expect(validate.stdout).toMatch(/config: ok — 6 file\(s\), 1 connection\(s\), 8 KPI\(s\)/);
    const synced = await kpiSync(['run', '--once', '--config', 'config', '--db', 'data/kpi-sync.db']);
    expect(synced.code).toBe(0);
    expect(synced.stdout).toMatch(/Monthly recurring revenue[^\n]*\d[\d,]* USD[^\n]*ok/);
  });

  it('loads a third-party connector package listed in settings.connectors, maps its errors by code, and the package passes the conformance suite', async () => {
    cpSync(path.join(REPO, 'tests/fixtures/connector-package'), path.join(project, 'connector-fixture'), { recursive: true });
    await npm(['install', '--prefer-offline', './connector-fixture'], project);
    const config = (token: string) =>
      `settings:\n  connectors: [kpi-sync-connector-fixture]\n  server: { enabled: false }\nconnections:\n  - { id: events, type: kpi-sync-connector-fixture, baseUrl: "${apiUrl}", token: "${token}" }\nkpis:\n  - { id: signups, name: Signups, category: Growth, interval: day, source: { connection: events, query: { kind: signup } } }\n`;
    const dir = tempDir('kpi-sync-third-party-');
    writeFileSync(path.join(dir, 'main.yaml'), config(TOKEN));
    const synced = await kpiSync(['run', '--once', '--config', dir, '--db', path.join(dir, 'kpi.db')]);
    expect(synced.stderr).not.toMatch(/KS_ERR/);
    expect(synced.stdout).toMatch(/Signups[^\n]*42[^\n]*ok/);

    writeFileSync(path.join(dir, 'main.yaml'), config('wrong-token-xyz'));
    const check = await kpiSync(['check', '--config', dir]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/✘ events \(kpi-sync-connector-fixture\): KS_ERR_AUTH the events API rejected the token/);
    expect(check.stdout).not.toContain('wrong-token-xyz');

    const tests = await vitestIn(path.join(project, 'node_modules/kpi-sync-connector-fixture'));
    expect(tests.code, tests.output).toBe(0);
    expect(tests.output).toMatch(/Tests\s+\d+ passed/);
  });

  it('scaffolds a connector with `kpi-sync connector new` that builds and passes the conformance suite', async () => {
    const created = await kpiSync(['connector', 'new', 'kpi-sync-connector-acme', '--dir', project]);
    expect(created.code).toBe(0);
    const folder = path.join(project, 'kpi-sync-connector-acme');
    const tsc = spawnSync(process.execPath, [path.join(project, 'node_modules/typescript/bin/tsc'), '-p', folder], {
      cwd: folder,
      env: ENV,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).toBe(0);
    const tests = await vitestIn(folder);
    expect(tests.code, tests.output).toBe(0);
    expect((await kpiSync(['connector', 'new', 'Not A Name', '--dir', project])).stderr).toMatch(/KS_ERR_USAGE: "Not A Name" is not an npm package name/);
  });
});
