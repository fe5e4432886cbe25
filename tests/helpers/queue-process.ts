import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ConnectionLimits, QueueSettings } from '../../src/schedule/queue/queue-settings.ts';
import { REPO } from './cli.ts';

const CHILD = path.join(REPO, 'tests/helpers/queue-child.ts');

export type QueueChildSettings = Partial<Omit<QueueSettings, 'limitsFor' | 'prefix'>> & { limits?: ConnectionLimits };

export interface QueueProcessOptions {
  redisUrl: string;
  prefix: string;
  settings?: QueueChildSettings;
  logLevel?: string;
}

/** Timings short enough for tests: a dead worker's job is back within about a second. */
export const FAST: QueueChildSettings = { lockDurationMs: 1_000, stalledIntervalMs: 500, dispatchEveryMs: 200, stalenessEveryMs: 60_000, backoffMs: 100 };

/** A queue-mode child process (tests/helpers/queue-child.ts) whose JSON log lines can be awaited. */
export class QueueProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(role: 'all' | 'scheduler' | 'worker', configDir: string, options: QueueProcessOptions) {
    this.child = spawn(process.execPath, [CHILD, role, configDir], {
      cwd: REPO,
      env: {
        ...process.env,
        REDIS_URL: options.redisUrl,
        KPI_SYNC_REDIS_PREFIX: options.prefix,
        // Debug: queue mode logs each successful sync at debug, and the tests read those lines.
        LOG_LEVEL: options.logLevel ?? 'debug',
        // Every process has its own operations server; port 0 keeps parallel ones apart.
        KPI_SYNC_PORT: '0',
        QUEUE_TEST_SETTINGS: JSON.stringify({ ...FAST, ...options.settings }),
      },
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  logs(): Record<string, unknown>[] {
    return this.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** KPI ids this process logged a successful sync for (debug lines; the per-minute count has no `kpi`). */
  synced(): string[] {
    return this.logs()
      .filter((l) => typeof l.kpi === 'string' && String(l.msg).startsWith('synced'))
      .map((l) => String(l.kpi));
  }

  async waitFor(predicate: (logs: Record<string, unknown>[]) => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.logs())) {
      if (Date.now() > deadline) throw new Error(`timed out; stdout:\n${this.stdout.slice(-4000)}\nstderr:\n${this.stderr.slice(-2000)}`);
      if (this.child.exitCode !== null) throw new Error(`exited ${this.child.exitCode}; stdout:\n${this.stdout.slice(-4000)}\nstderr:\n${this.stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Resolves once the process logged that it started. */
  started(timeoutMs = 15_000): Promise<void> {
    return this.waitFor((logs) => logs.some((l) => String(l.msg).startsWith('kpi-sync started in queue mode')), timeoutMs);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}
