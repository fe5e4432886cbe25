import path from 'node:path';
import type { ConnectionLimits, QueueSettings } from '../../src/schedule/queue/queue-settings.ts';
import { LoggedProcess, REPO } from './cli.ts';

const CHILD = path.join(REPO, 'tests/helpers/queue-child.ts');

export type QueueChildSettings = Partial<Omit<QueueSettings, 'limitsFor' | 'prefix'>> & { limits?: ConnectionLimits };

export interface QueueProcessOptions {
  redisUrl: string;
  /** The Postgres database queue mode keeps its data in. */
  databaseUrl: string;
  prefix: string;
  settings?: QueueChildSettings;
  logLevel?: string;
}

/** Timings short enough for tests: a dead worker's job is back within about a second. */
export const FAST: QueueChildSettings = { lockDurationMs: 1_000, stalledIntervalMs: 500, dispatchEveryMs: 200, stalenessEveryMs: 60_000, backoffMs: 100 };

/** A queue-mode child process (tests/helpers/queue-child.ts) whose JSON log lines can be awaited. */
export class QueueProcess extends LoggedProcess {
  constructor(role: 'all' | 'scheduler' | 'worker', configDir: string, options: QueueProcessOptions) {
    super(CHILD, [role, configDir], {
      REDIS_URL: options.redisUrl,
      DATABASE_URL: options.databaseUrl,
      KPI_SYNC_REDIS_PREFIX: options.prefix,
      // Debug: queue mode logs each successful sync at debug, and the tests read those lines.
      LOG_LEVEL: options.logLevel ?? 'debug',
      // Every process has its own operations server; port 0 keeps parallel ones apart.
      KPI_SYNC_PORT: '0',
      QUEUE_TEST_SETTINGS: JSON.stringify({ ...FAST, ...options.settings }),
    });
  }

  /** KPI ids this process logged a successful sync for (debug lines; the per-minute count has no `kpi`). */
  synced(): string[] {
    return this.logs()
      .filter((l) => typeof l.kpi === 'string' && String(l.msg).startsWith('synced'))
      .map((l) => String(l.kpi));
  }

  /** Resolves once the process logged that it started. */
  started(timeoutMs = 15_000): Promise<void> {
    return this.waitFor((logs) => logs.some((l) => String(l.msg).startsWith('kpi-sync started in queue mode')), timeoutMs);
  }
}
