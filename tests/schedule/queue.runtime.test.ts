import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createApp, type App } from '../../src/app/app.ts';
import { loadAppConfig } from '../../src/app/app-config.ts';
import { QueueRuntime } from '../../src/schedule/queue/queue-runtime.ts';
import { queueSettingsFor } from '../../src/schedule/queue/queue-settings.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres.store.ts';
import { deletePrefix } from '../setup/redis-server.ts';
import { usePostgresServer, useRedisServer } from '../helpers/queue-redis.ts';
import { gateRegistry } from './gate.connector.ts';
import { defineRuntimeContract } from './runtime.contract.ts';

const redisServer = useRedisServer();
const postgres = usePostgresServer();

defineRuntimeContract('queue (BullMQ on Redis, Postgres store)', async () => {
  const apps: App[] = [];
  const prefix = `test-${randomUUID()}`;
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  return {
    async open(dir, gates, events) {
      const config = await loadAppConfig({ config: dir, logLevel: 'fatal' }, { connectors: gateRegistry(gates) });
      const store = await openPostgresStore(await postgres.server.createDatabase(), { poolSize: 4 });
      const app = createApp(config, { store });
      apps.push(app);
      const settings = queueSettingsFor(app.catalog, { prefix, lockDurationMs: 2_000, stalledIntervalMs: 1_000, backoffMs: 50, dispatchEveryMs: 500 });
      const runtime = new QueueRuntime({ role: 'all', redis, settings, host: app, events });
      return { app, runtime };
    },
    async cleanup() {
      for (const app of apps.splice(0)) await app.close();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    },
  };
});
