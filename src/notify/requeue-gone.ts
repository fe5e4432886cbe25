import type { OutboxEntry, Store } from '../store/store.ts';

/**
 * What `kpi-sync alerts enable NAME` does after re-enabling a destination: the alerts
 * that failed because it answered 410 Gone go back to pending, under the same event
 * ids (receivers deduplicate on them), due now and with a fresh maximum-age clock, as
 * `alerts retry` does for one. Returns the entries it requeued.
 */
export async function requeueGone(store: Store, destination: string, now: Date): Promise<OutboxEntry[]> {
  const failed = await store.listOutbox({ channel: 'alert', status: ['failed'] });
  const gone = failed.filter((entry) => entry.destination === destination && entry.lastStatus === 410);
  const at = now.toISOString();
  for (const entry of gone) await store.updateOutbox({ ...entry, status: 'pending', nextAttemptAt: at, createdAt: at });
  return gone;
}
