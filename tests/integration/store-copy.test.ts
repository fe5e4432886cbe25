import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/postgres.store.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import type { Store } from '../../src/store/store.ts';
import { REPO, runCli, tempDir } from '../helpers/cli.ts';
import { usePostgresServer } from '../helpers/queue-redis.ts';

const postgres = usePostgresServer();
const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

const KPIS = ['mrr', 'trial_signups', 'churn_rate', 'ltv', 'cac', 'ltv_cac', 'open_critical_bugs', 'nps'];
const KRS = ['churn_below_5', 'critical_bugs_down', 'nps_to_45', 'ltv_cac_in_band'];

/** Everything a copy must carry, read through the Store interface. */
async function snapshot(store: Store) {
  const out: Record<string, unknown> = {};
  for (const kpi of KPIS) {
    out[`dp:${kpi}`] = (await store.listDatapoints(kpi)).map(({ period, value, source }) => [Date.parse(period), value, source]);
    out[`health:${kpi}`] = await store.getHealth(kpi);
    out[`transitions:${kpi}`] = (await store.listTransitions(kpi)).map((t) => [t.from, t.to, Date.parse(t.at)]);
  }
  for (const kr of KRS) out[`progress:${kr}`] = (await store.listProgress(kr)).map((p) => [p.value, p.track, Date.parse(p.at)]);
  out.outbox = (await store.listOutbox({ status: ['pending', 'held', 'failed', 'dead'] })).map((e) => [e.id, e.status]).sort();
  out.backfill = await store.getBackfillProgress('nps');
  out.disabled = [...(await store.disabledDestinations()).keys()];
  out.silences = await store.listSilences({ endsAfter: '2000-01-01T00:00:00Z' });
  return out;
}

describe('kpi-sync store copy', () => {
  it('moves an embedded install to Postgres: datapoints, health, KR progress, bookkeeping and undelivered alerts, and a second copy adds nothing', {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir('kpi-sync-copy-');
    const db = path.join(dir, 'embedded.db');
    const config = path.join(REPO, 'config/examples');
    expect((await runCli(['backfill', '--kpi', 'nps', '--config', config, '--db', db])).code).toBe(0);
    expect((await runCli(['run', '--once', '--config', config, '--db', db])).code).toBe(0);
    const embedded = await openSqliteStore(db);
    stores.push(embedded);
    await embedded.enqueueOutbox([
      {
        id: 'evt_x-ops',
        eventId: 'evt_x',
        channel: 'alert',
        destination: 'ops',
        payload: { note: 'waiting' },
        status: 'pending',
        attempts: 2,
        createdAt: '2026-12-01T00:00:00.000Z',
        nextAttemptAt: '2026-12-01T00:05:00.000Z',
      },
    ]);
    await embedded.saveBackfillProgress('nps', {
      from: '2025-01-01T00:00:00.000Z',
      to: '2026-11-01T00:00:00.000Z',
      done: '2026-03-01T00:00:00.000Z',
      updatedAt: '2026-12-01T00:00:00.000Z',
    });
    await embedded.setDestinationDisabled('ops', { at: '2026-12-01T00:00:00.000Z', status: 410, reason: 'Gone' });
    await embedded.addSilence({
      id: 'sil_1',
      matcher: { kpi: 'mrr' },
      startsAt: '2026-12-01T00:00:00.000Z',
      endsAt: '2026-12-01T02:00:00.000Z',
      reason: 'migration',
      createdBy: 'alice',
    });
    // Silenced entries are finished, like delivered ones: they stay behind.
    await embedded.enqueueOutbox([
      {
        id: 'evt_s-ops',
        eventId: 'evt_s',
        channel: 'alert',
        destination: 'ops',
        payload: {},
        status: 'silenced',
        attempts: 0,
        createdAt: '2026-12-01T00:00:00.000Z',
        nextAttemptAt: '2026-12-01T00:00:00.000Z',
      },
    ]);

    const url = await postgres.server.createDatabase();
    const first = await runCli(['store', 'copy', '--from', db, '--to', url, '--config', config]);
    expect(first.stderr).not.toMatch(/KS_ERR/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^copied .* into Postgres: [1-9]\d* datapoint\(s\) written \(0 already there\)/);

    const target = await openPostgresStore(url);
    stores.push(target);
    expect(await snapshot(target)).toEqual(await snapshot(embedded));
    expect((await target.listSilences({ endsAfter: '2000-01-01T00:00:00Z' })).map((s) => s.id)).toEqual(['sil_1']);
    expect(await target.getOutbox('evt_s-ops')).toBeUndefined();

    const second = await runCli(['store', 'copy', '--from', db, '--to', url, '--config', config]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /: 0 datapoint\(s\) written \(\d+ already there\), \d+ health record\(s\), 0 transition\(s\), 0 KR progress record\(s\), \d+ bookkeeping entr\(ies\), 0 undelivered/,
    );
    expect(await snapshot(target)).toEqual(await snapshot(embedded));
    expect(`${first.stdout}${first.stderr}${second.stdout}`).not.toContain(new URL(url).password || 'no-password-set');
  });

  it('refuses a file at another schema version, and a --to that is not Postgres', async () => {
    const bad = await runCli([
      'store',
      'copy',
      '--from',
      '/nonexistent/kpi.db',
      '--to',
      'postgres://x@127.0.0.1:1/db',
      '--config',
      path.join(REPO, 'config/examples'),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/KS_ERR_STORE: cannot open \/nonexistent\/kpi\.db for reading/);
    const notPg = await runCli(['store', 'copy', '--from', 'x.db', '--to', 'mysql://x', '--config', path.join(REPO, 'config/examples')]);
    expect(notPg.stderr).toMatch(/KS_ERR_USAGE: --to must be a postgres:\/\/ URL/);
  });
});
