/**
 * A queue-mode process for tests and the benchmark: `node queue-child.ts <role> <configDir>`.
 * It runs the real `serve` (what `kpi-sync start`/`worker` run) with the memory
 * connector registered and timings from QUEUE_TEST_SETTINGS (JSON: Partial<QueueSettings>,
 * with `limits` for every connection), so the tests need no waits of BullMQ's production
 * length. REDIS_URL and DATABASE_URL come from the environment, as in production.
 */
import { serve } from '../../src/app/serve.ts';
import { reportFatal } from '../../src/cli/errors.ts';
import type { QueueRole } from '../../src/schedule/queue/queue-runtime.ts';
import type { ConnectionLimits, QueueSettings } from '../../src/schedule/queue/queue-settings.ts';
import { memoryRegistry } from './queue-memory.connector.ts';

const [role, config] = process.argv.slice(2);
const { limits, ...settings } = JSON.parse(process.env.QUEUE_TEST_SETTINGS ?? '{}') as Partial<QueueSettings> & { limits?: ConnectionLimits };
try {
  const code = await serve({
    globals: { config: config!, json: true },
    queue: { role: role as QueueRole, redisUrl: process.env.REDIS_URL!, settings: { ...settings, ...(limits ? { limitsFor: () => limits } : {}) } },
    connectors: memoryRegistry,
  });
  process.exit(code);
} catch (error) {
  reportFatal(error);
  process.exit(1);
}
