import path from 'node:path';
import { createApp, type App, type AppObserver } from '../../src/app/app.ts';
import { loadAppConfig, type AppConfigOptions, type GlobalOptions } from '../../src/app/app-config.ts';
import { openStore } from '../../src/app/open-store.ts';

/**
 * The app as `kpi-sync` builds it (config, redacting logger, store, dispatcher), for
 * tests that drive it in-process. The store is the SQLite file at `globals.db`
 * unless DATABASE_URL is set.
 */
export async function openTestApp(globals: GlobalOptions, options: AppConfigOptions & { observer?: AppObserver; now?: () => Date } = {}): Promise<App> {
  const { observer, now, ...configOptions } = options;
  const config = await loadAppConfig({ ...globals, ...(globals.config ? { config: path.resolve(globals.config) } : {}) }, configOptions);
  const store = await openStore(config);
  return createApp(config, { store, ...(observer ? { observer } : {}), ...(now ? { now } : {}) });
}
