import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './redis-server.ts';
import { ensureDebianTool, findOnPath } from './debian-package.ts';

/**
 * A private Prometheus for tests: its own free loopback port, its own TSDB folder and
 * config (scraping only the targets the test names, every second), gone when stopped.
 * Nothing here touches a Prometheus the machine may already run.
 */
export interface PrometheusServer {
  /** `http://127.0.0.1:<port>`, the connection's baseUrl. */
  url: string;
  port: number;
  /** SIGTERM, wait for the exit, delete the folder. */
  stop(): Promise<void>;
}

const INSTALL_HINT = 'prometheus not found: run `apt-get install -y prometheus` (Debian) or put the prometheus binary on PATH';
const READY_TIMEOUT_MS = 30_000;

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The prometheus binary; installs Debian's package once (under a lock) when missing and we are root. */
export async function ensurePrometheus(): Promise<string> {
  return ensureDebianTool({ package: 'prometheus', hint: INSTALL_HINT, find: () => findOnPath('prometheus') });
}

/** Starts Prometheus scraping `targets` (host:port, path /metrics) every second. */
export async function startPrometheus(targets: string[]): Promise<PrometheusServer> {
  const binary = await ensurePrometheus();
  // Another process may take the free port before Prometheus binds it: try another.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await launch(binary, await freePort(), targets);
    } catch (error) {
      if (attempt === 3 || !/address already in use|it exited/i.test((error as Error).message)) throw error;
    }
  }
}

async function launch(binary: string, port: number, targets: string[]): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kpi-sync-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: demo',
      '    static_configs:',
      `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const output: string[] = [];
  const child = spawn(
    binary,
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 50) output.shift();
    });
  }
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    const tail = output.join('').trim().split('\n').slice(-5).join('\n');
    throw new Error(`prometheus on port ${port} did not start: ${(error as Error).message}\n${tail}`);
  }
  return { url, port, stop };
}

/** Polls `/-/ready` (200 once the TSDB is open and the web handler serves queries). */
async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`it exited (${child.exitCode ?? child.signalCode})`);
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`not ready within ${READY_TIMEOUT_MS} ms`);
}
