/**
 * A queue-mode process for tests and the benchmark: `node queue-child.ts <role> <configDir>`.
 * It runs the real startQueueMode with the memory connector registered and timings
 * from QUEUE_TEST_SETTINGS (JSON: Partial<QueueSettings>, with `limits` for every
 * connection), so the tests need no waits of BullMQ's production length.
 */
import { reportFatal } from '../../src/cli/errors.ts';
import { parseRole, startQueueMode } from '../../src/cli/queue-mode.ts';
import type { ConnectionLimits, QueueSettings } from '../../src/schedule/queue/queue-settings.ts';
import { memoryRegistry } from './queue-memory.connector.ts';

const [role, config] = process.argv.slice(2);
const { limits, ...settings } = JSON.parse(process.env.QUEUE_TEST_SETTINGS ?? '{}') as Partial<QueueSettings> & { limits?: ConnectionLimits };
try {
  await startQueueMode({ config: config!, json: true }, parseRole(role), {
    connectors: memoryRegistry,
    settings: { ...settings, ...(limits ? { limitsFor: () => limits } : {}) },
  });
} catch (error) {
  reportFatal(error);
}
