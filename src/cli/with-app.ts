import type { Command } from 'commander';
import { KsError } from '../sdk/errors.ts';
import { createApp, type App, type GlobalOptions } from './app.ts';

/** How long a one-shot command waits for Redis before it gives up (a long-running worker waits for ever). */
const REDIS_WAIT_MS = 15_000;

/**
 * Runs a one-shot command with the app built from the global options, and always
 * closes it. With REDIS_URL set the command works on the queue-mode store in Redis
 * (the same data the workers write), otherwise on the SQLite file.
 */
export async function withApp<T>(command: Command, work: (app: App) => Promise<T>): Promise<T> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const app = process.env.REDIS_URL ? await queueApp(options) : await createApp(options);
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

async function queueApp(options: GlobalOptions): Promise<App> {
  // Loaded only in queue mode: embedded commands never pay for BullMQ.
  const { createQueueApp } = await import('./queue-mode.ts');
  const signal = AbortSignal.timeout(REDIS_WAIT_MS);
  try {
    return await createQueueApp(options, 'cli', { logTo: 'stderr', signal });
  } catch (error) {
    if (!signal.aborted) throw error;
    throw new KsError('KS_ERR_STORE', `Redis did not answer within ${REDIS_WAIT_MS / 1000} s; REDIS_URL is set, so this command reads and writes the queue-mode store there (unset it for the SQLite store)`);
  }
}
