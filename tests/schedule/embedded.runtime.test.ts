import path from 'node:path';
import { createApp, type App } from '../../src/app/app.ts';
import { loadAppConfig } from '../../src/app/app-config.ts';
import { EmbeddedRuntime } from '../../src/schedule/embedded.runtime.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import { tempDir } from '../helpers/cli.ts';
import { gateRegistry } from './gate.connector.ts';
import { defineRuntimeContract } from './runtime.contract.ts';

defineRuntimeContract('embedded (node-cron)', async () => {
  const apps: App[] = [];
  return {
    async open(dir, gates, events) {
      const config = await loadAppConfig({ config: dir, logLevel: 'fatal' }, { connectors: gateRegistry(gates) });
      const store = await openSqliteStore(path.join(tempDir(), 'runtime.db'));
      const app = createApp(config, { store });
      apps.push(app);
      const runtime = new EmbeddedRuntime({ host: app, concurrency: 4, runOnStart: app.catalog.settings.runOnStart, events });
      return { app, runtime };
    },
    async cleanup() {
      for (const app of apps.splice(0)) await app.close();
    },
  };
});
