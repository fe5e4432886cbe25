import { execFileSync, spawn } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO, tempDir } from '../tests/helpers/cli.ts';

/**
 * What kpi-sync costs at rest, whole process, on the example config: resident memory
 * of `kpi-sync start` after its first sync (with and without an API connection in the
 * config), wall time of `validate` and `run --once` (median of 5), and bare
 * `node -e 0` beside them as the floor. Both forms are measured: the TypeScript a
 * checkout runs (`npm start`, Node's type stripping) and the JavaScript build an
 * installed package runs.
 */
const RUNS = 5;
const FORMS = { typescript: path.join(REPO, 'src/cli/main.ts'), installed: path.join(REPO, 'dist/src/cli/main.js') } as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function wallMs(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    execFileSync(process.execPath, args, { cwd: REPO, stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'error' } });
    times.push(performance.now() - started);
  }
  return Math.round(median(times));
}

/** RSS (MB) of `start` once every KPI synced once: read from /proc when the log says the last sync finished. */
async function startRss(main: string, configDir: string): Promise<number> {
  const db = path.join(tempDir('kpi-sync-footprint-'), 'kpi.db');
  const child = spawn(process.execPath, [main, 'start', '--config', configDir, '--db', db, '--json'], {
    cwd: REPO,
    env: { ...process.env, KPI_SYNC_PORT: '0', LOG_LEVEL: 'info' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const deadline = Date.now() + 30_000;
    // The formula runs last, after its inputs: its line means the first round is done.
    while (!/"kpi":"ltv_cac"[^\n]*synced/.test(out)) {
      if (Date.now() > deadline) throw new Error(`start did not finish its first sync:\n${out.slice(-2000)}`);
      await sleep(50);
    }
    await sleep(1_000); // settle: the dispatcher's first pass and the retention timer have run
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/** The examples plus one Salesforce connection (never called: the examples' KPIs do not use it), which loads its connector and client. */
function examplesWithApiConnection(): string {
  const dir = tempDir('kpi-sync-footprint-config-');
  cpSync(path.join(REPO, 'config/examples'), dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'crm.yaml'),
    `connections:
  - id: crm
    type: salesforce
    loginUrl: https://acme.my.salesforce.com
    auth: { flow: clientCredentials, clientId: bench-client, clientSecret: bench-secret-0001 }
`,
  );
  return dir;
}

export async function run(): Promise<Record<string, unknown>> {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'ignore' });
  const examples = path.join(REPO, 'config/examples');
  const withApi = examplesWithApiConnection();
  const floor = wallMs(['-e', '0']);
  const result: Record<string, unknown> = { nodeFloorMs: floor };
  for (const [form, main] of Object.entries(FORMS)) {
    const db = path.join(tempDir('kpi-sync-footprint-run-'), 'kpi.db');
    result[form] = {
      startRssMb: await startRss(main, examples),
      startRssWithApiConnectionMb: await startRss(main, withApi).catch((error: unknown) => `failed: ${String(error).slice(0, 200)}`),
      validateMs: wallMs([main, 'validate', '--config', examples]),
      runOnceMs: wallMs([main, 'run', '--once', '--config', examples, '--db', db]),
    };
    rmSync(path.dirname(db), { recursive: true, force: true });
  }
  const bare = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(Math.round(process.memoryUsage().rss / 1048576)))'], { encoding: 'utf8' });
  result.nodeFloorRssMb = Number(bare);
  return result;
}
