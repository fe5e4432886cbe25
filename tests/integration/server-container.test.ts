import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/config/catalog.ts';
import { createMetrics } from '../../src/server/metrics.ts';
import { startOperations } from '../../src/server/operations.ts';
import type { Store } from '../../src/store/store.ts';
import { tempDir } from '../helpers/cli.ts';
import { captureLogger, readyProbe, seededExample } from '../unit/server/server-kit.ts';

/** What the Docker image and compose file do: KPI_SYNC_HOST=0.0.0.0, the token from a secret file. */
let catalog: Catalog;
let store: Store;
beforeAll(async () => {
  ({ catalog, store } = await seededExample());
});
afterAll(async () => {
  await store?.close();
});

function start(env: Record<string, string>) {
  const { logger, lines } = captureLogger('info');
  const started = startOperations({
    getCatalog: () => catalog,
    getStore: () => store,
    logger,
    metrics: createMetrics(),
    readiness: readyProbe(store),
    portFlag: '0',
    env,
  });
  return { started, lines };
}

describe('the operations server in a container', () => {
  it('binds every interface with the token from KPI_SYNC_TOKEN_FILE, and never logs it', async () => {
    const secret = path.join(tempDir('kpi-sync-secret-'), 'kpi_sync_token');
    writeFileSync(secret, 'tok_from_a_docker_secret_9c1e\n');
    const { started, lines } = start({ KPI_SYNC_HOST: '0.0.0.0', KPI_SYNC_TOKEN_FILE: secret });
    const server = (await started)!;
    try {
      const port = new URL(server.url).port;
      // Reachable on an address other than the one it was told about: it listens on all of them.
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/api/kpis`)).status).toBe(401);
      expect((await fetch(`${base}/api/kpis`, { headers: { authorization: 'Bearer tok_from_a_docker_secret_9c1e' } })).status).toBe(200);
      expect(lines.join('\n')).not.toContain('tok_from_a_docker_secret_9c1e');
    } finally {
      await server.close();
    }
  });

  it('refuses to start on 0.0.0.0 without a token, and says how to give one', async () => {
    await expect(start({ KPI_SYNC_HOST: '0.0.0.0' }).started).rejects.toThrow(/refusing to serve on 0\.0\.0\.0 without a token/);
  });

  it('names a token file it cannot read, an empty one, and both variables at once', async () => {
    await expect(start({ KPI_SYNC_HOST: '0.0.0.0', KPI_SYNC_TOKEN_FILE: '/run/secrets/missing' }).started).rejects.toThrow(
      'KPI_SYNC_TOKEN_FILE /run/secrets/missing cannot be read: ENOENT',
    );
    const empty = path.join(tempDir('kpi-sync-secret-'), 'empty');
    writeFileSync(empty, '\n');
    await expect(start({ KPI_SYNC_TOKEN_FILE: empty }).started).rejects.toThrow(/KPI_SYNC_TOKEN_FILE names .* is empty/);
    await expect(start({ KPI_SYNC_TOKEN: 'a', KPI_SYNC_TOKEN_FILE: empty }).started).rejects.toThrow(
      'KPI_SYNC_TOKEN and KPI_SYNC_TOKEN_FILE are both set: keep one',
    );
  });
});
