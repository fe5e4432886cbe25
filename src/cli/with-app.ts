import type { Command } from 'commander';
import type { App } from '../app/app.ts';
import type { GlobalOptions } from '../app/app-config.ts';
import { KsError } from '../sdk/errors.ts';

/** How long a one-shot command waits for Postgres before it gives up (a long-running process waits for ever). */
const STORE_WAIT_MS = 15_000;

export interface WithAppOptions {
  /** `kpi-sync plan`: the store is opened read-only, and a SQLite file that does not exist is not created. */
  readonly?: boolean;
}

/**
 * Runs a one-shot command with the app built from the global options, and always
 * closes it. The store is the one the long-running process uses: Postgres when
 * DATABASE_URL (or settings.store.url) is set, else the SQLite file.
 */
export async function withApp<T>(command: Command, work: (app: App) => Promise<T>, options: WithAppOptions = {}): Promise<T> {
  // Loaded here, not at the top: `kpi-sync validate` and `--help` never open a store.
  const [{ createApp }, { loadAppConfig }, { openStore }] = await Promise.all([
    import('../app/app.ts'),
    import('../app/app-config.ts'),
    import('../app/open-store.ts'),
  ]);
  const config = await loadAppConfig(command.optsWithGlobals<GlobalOptions>());
  const signal = AbortSignal.timeout(STORE_WAIT_MS);
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore(config, { signal, ...(options.readonly ? { readonly: true } : {}) });
  } catch (error) {
    if (!signal.aborted) throw error;
    throw new KsError(
      'KS_ERR_STORE',
      `the store did not answer within ${STORE_WAIT_MS / 1000} s (DATABASE_URL is set, so this command reads and writes Postgres)`,
      { retryable: true },
    );
  }
  const app = createApp(config, { store });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
