import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pagerdutyEvent } from '../../../src/notify/destinations/pagerduty.event.ts';
import { slackMessage } from '../../../src/notify/destinations/slack.message.ts';
import { webhookBody } from '../../../src/notify/destinations/webhook.destination.ts';
import { requeueGone } from '../../../src/notify/requeue-gone.ts';
import { describeTestOutcome, testAlertEvent } from '../../../src/notify/test-alert.ts';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite.store.ts';
import { tempDir } from '../../helpers/cli.ts';
import { churnCritical } from '../../fixtures/notify/alert-events.ts';
import { outboxEntry } from '../../store/contract-data.ts';
import { shapeProblems, type Shape } from './json-shape.ts';

const schema = JSON.parse(readFileSync(new URL('../../fixtures/notify/pagerduty-enqueue.schema.json', import.meta.url), 'utf8')) as { request: Shape };
const event = testAlertEvent({ destination: 'pager', host: 'worker-7', now: new Date('2026-11-23T10:00:00Z'), id: 'evt_test_1' });

describe('test alert', () => {
  it('is plainly a test in every rendering, and its PagerDuty event is valid, info, and keyed apart from real episodes', () => {
    expect(JSON.parse(webhookBody(event))).toMatchObject({
      type: 'alert.test',
      test: true,
      timestamp: '2026-11-23T10:00:00.000Z',
      data: { test: true, host: 'worker-7' },
    });
    expect(JSON.parse(webhookBody(churnCritical))).not.toHaveProperty('test');
    expect(slackMessage(event).text).toBe('🧪 TEST: Test alert from kpi-sync on worker-7');

    const body = pagerdutyEvent(event, 'KEY');
    expect(shapeProblems(schema.request, body)).toEqual([]);
    expect(body).toMatchObject({
      event_action: 'trigger',
      dedup_key: 'test:evt_test_1',
      payload: { severity: 'info', summary: expect.stringMatching(/^\[TEST\] /) },
    });
    expect(testAlertEvent({ destination: 'x', host: 'h', now: new Date() }).id).not.toBe(testAlertEvent({ destination: 'x', host: 'h', now: new Date() }).id);
  });

  it('tells the operator what a real alert would do after a failure', () => {
    expect(describeTestOutcome('ops', { result: { outcome: 'retry', status: 503, error: 'POST h → 503 Service Unavailable' }, durationMs: 5 })).toBe(
      'test alert to ops failed: POST h → 503 Service Unavailable (a real alert would be retried with backoff)',
    );
    expect(describeTestOutcome('ops', { result: { outcome: 'failed', status: 410, response: 'POST h → 410 Gone', disable: true }, durationMs: 5 })).toMatch(
      /410 Gone: a real alert would disable this destination/,
    );
  });
});

describe('requeue after enable', () => {
  it('requeues only the alerts of that destination that failed with 410, keeping their event ids', async () => {
    const store = await openSqliteStore(path.join(tempDir(), 'requeue.db'));
    const failed = (id: string, extra: object) => outboxEntry(id, '2026-11-01T00:00:00Z', { status: 'failed', attempts: 1, lastStatus: 410, ...extra });
    await store.enqueueOutbox([
      failed('gone', {}),
      failed('other-status', { lastStatus: 404 }),
      failed('other-destination', { destination: 'chat' }),
      failed('push', { channel: 'push' }),
      outboxEntry('dead', '2026-11-01T00:00:00Z', { status: 'dead', lastStatus: 410 }),
    ]);
    const now = new Date('2026-11-23T10:00:00Z');
    expect((await requeueGone(store, 'ops-webhook', now)).map((e) => e.id)).toEqual(['gone']);
    expect(await store.getOutbox('gone')).toMatchObject({
      status: 'pending',
      eventId: 'evt-gone',
      attempts: 1,
      createdAt: now.toISOString(),
      nextAttemptAt: now.toISOString(),
    });
    expect((await store.listOutbox({ status: ['failed', 'dead'] })).map((e) => e.id).sort()).toEqual(['dead', 'other-destination', 'other-status', 'push']);
    await store.close();
  });
});
