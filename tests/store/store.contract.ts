import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { dp, health, outboxEntry, progress, run, transition } from './contract-data.ts';
import { defineDatapointContract } from './datapoints.contract.ts';
import { defineOutboxContract } from './outbox.contract.ts';
import { defineRecordContract } from './records.contract.ts';
import { defineRetentionContract } from './retention.contract.ts';
import { defineBookkeepingContract } from './bookkeeping.contract.ts';
import { defineLastSuccessContract } from './last-success.contract.ts';
import { defineSilenceContract } from './silences.contract.ts';
import { defineSyncCommitContract } from './sync-commit.contract.ts';

/**
 * A fresh, empty store for one test. `reopen` closes the current store (if still
 * open) and returns a new one over the same data, as a restarted process would see
 * it; `cleanup` closes whatever is open and deletes the data.
 */
export interface StoreFixture {
  store: Store;
  reopen: () => Promise<Store>;
  cleanup: () => Promise<void>;
}

/**
 * The behaviour every Store adapter must have. It talks to the Store interface
 * only, so the SQLite and Postgres adapters run it unchanged:
 * `defineStoreContractTests('sqlite', async () => ({ store, reopen, cleanup }))`.
 */
export function defineStoreContractTests(name: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: Store;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    defineDatapointContract(() => store);
    defineRecordContract(() => store);
    defineOutboxContract(() => store);
    defineRetentionContract(() => store);
    defineSyncCommitContract(() => store);
    defineBookkeepingContract(() => store);
    defineSilenceContract(() => store);
    defineLastSuccessContract(() => store);

    describe('lifecycle', () => {
      it('keeps everything across close and reopen', async () => {
        const point = dp('mrr', '2024-01-01T00:00:00+01:00', 10, { approximate: true });
        const record = health('warn', '2024-01-01T00:00:00Z');
        const change = transition('mrr', 'ok', 'warn', '2024-01-01T00:00:00Z');
        const kr = progress('kr-1', 10, 0.5, 'at_risk', '2024-01-01T00:00:00Z');
        const r = run('r1', 'mrr', '2024-01-01T00:00:00Z', { status: 'ok', counters: { rows: 3 } });
        await store.upsertDatapoints([point]);
        await store.commitSync({ kpi: 'mrr', health: { record, transition: change }, progress: [kr], cursor: { value: { page: 3 } } });
        await store.saveRun(r);
        await store.enqueueOutbox([outboxEntry('o1', '2024-01-01T00:00:00Z')]);
        await store.close();

        const reopened = await fixture.reopen();
        expect(await reopened.listDatapoints('mrr')).toEqual([point]);
        expect(await reopened.getHealth('mrr')).toEqual(record);
        expect(await reopened.listTransitions('mrr')).toEqual([change]);
        expect((await reopened.commitSync({ kpi: 'mrr', progress: [kr] })).progressAppended).toBe(0);
        expect(await reopened.listRuns()).toEqual([r]);
        expect(await reopened.getConnectorCursor('mrr')).toEqual({ page: 3 });
        expect(await reopened.dueOutbox('2024-01-01T00:00:00Z', 10)).toEqual([outboxEntry('o1', '2024-01-01T00:00:00Z')]);
      });

      it('closes idempotently and rejects calls afterwards', async () => {
        await store.close();
        await store.close();
        await expect(store.listDatapoints('mrr')).rejects.toThrow();
        await expect(store.upsertDatapoints([dp('mrr', '2024-01-01T00:00:00Z', 1)])).rejects.toThrow();
      });
    });
  });
}
