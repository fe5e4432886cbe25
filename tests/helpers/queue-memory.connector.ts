import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { ConnectorRegistry } from '../../src/config/catalog.ts';
import { defineConnector } from '../../src/sdk/connector.ts';
import { AuthError, RateLimitedError, TransientError } from '../../src/sdk/errors.ts';

/** Attempts per KPI in this process, for `failFirst`. */
const attempts = new Map<string, number>();

/**
 * A fast in-memory connector for queue tests and the benchmark: one fixed value per
 * KPI, no I/O. `block: true` makes a fetch wait until the test drops a
 * `release-<kpi>` file in `controlDir` (it first writes `started-<kpi>-<pid>`
 * there), so a test can kill a worker mid-job. `failFirst` fails the first N
 * attempts (per process) with the error named in `failWith`.
 */
export const memoryConnector = defineConnector({
  type: 'memory',
  description: 'In-memory test connector.',
  connectionSchema: z.strictObject({
    delayMs: z.int().min(0).default(0),
    controlDir: z.string().optional(),
  }),
  querySchema: z.strictObject({
    value: z.number(),
    block: z.boolean().optional(),
    failFirst: z.int().min(0).optional(),
    failWith: z.enum(['transient', 'auth', 'rate-limited']).optional(),
  }),
  async check() {
    return { detail: 'memory' };
  },
  async fetch(connection, query, ctx) {
    const kpi = ctx.kpi.id;
    const attempt = (attempts.get(kpi) ?? 0) + 1;
    attempts.set(kpi, attempt);
    if (attempt <= (query.failFirst ?? 0)) {
      if (query.failWith === 'auth') throw new AuthError('memory: credentials rejected');
      if (query.failWith === 'rate-limited') throw new RateLimitedError('memory: slow down', 1_500);
      throw new TransientError(`memory: attempt ${attempt} failed`);
    }
    if (query.block) {
      if (!connection.controlDir) throw new Error('memory: block needs connection.controlDir');
      writeFileSync(path.join(connection.controlDir, `started-${kpi}-${process.pid}`), '');
      while (!existsSync(path.join(connection.controlDir, `release-${kpi}`))) {
        ctx.signal.throwIfAborted();
        await sleep(20);
      }
    }
    if (connection.delayMs > 0) await sleep(connection.delayMs, undefined, { signal: ctx.signal });
    return [{ value: query.value }];
  },
});

export const memoryRegistry: ConnectorRegistry = Object.assign(async (type: string) => (type === 'memory' ? memoryConnector : undefined), {
  known: ['memory'],
});
