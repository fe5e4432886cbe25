import { randomUUID } from 'node:crypto';
import type { AlertEvent } from './alert-event.ts';
import type { Deliverer, DeliveryResult } from './delivery.ts';

/**
 * Not a KPI id: ids are `[a-z][a-z0-9_-]*`, so no receiver can file a test under a real
 * KPI, and a PagerDuty dedup key built on it never equals a real episode's.
 */
export const TEST_KPI_ID = 'kpi-sync:test';

export interface TestAlertOptions {
  destination: string;
  /** The machine sending it, named in the words people read. */
  host: string;
  now: Date;
  /** Default: a fresh one, so two tests are two events (and two PagerDuty alerts). */
  id?: string;
}

/**
 * The event `kpi-sync alerts test` sends: plainly a test (type `alert.test`,
 * `test: true`, words that say so and name the host), about no real KPI, and never
 * written to the outbox. Pure but for the default id.
 */
export function testAlertEvent(options: TestAlertOptions): AlertEvent {
  const { destination, host, now } = options;
  const id = options.id ?? `evt_test_${randomUUID().replaceAll('-', '')}`;
  return {
    id,
    type: 'alert.test',
    test: true,
    host,
    createdAt: now.toISOString(),
    kpi: { id: TEST_KPI_ID, name: 'kpi-sync test alert', category: 'test' },
    from: 'ok',
    to: 'ok',
    trend: [],
    suggestion: `This is a test sent with \`kpi-sync alerts test ${destination}\` on ${host}: no KPI changed and nothing needs doing. If you can read this, alerts to ${destination} arrive.`,
    episode: `test:${id}`,
  };
}

export interface TestAlertOutcome {
  result: DeliveryResult;
  durationMs: number;
}

/**
 * One attempt through the destination's own deliverer (the same request, signing,
 * address guard and classification as a real alert), with no retry: an operator
 * testing a destination wants to see what happens now.
 */
export async function sendTestAlert(deliverer: Deliverer, event: AlertEvent, signal: AbortSignal, clock: () => number = Date.now): Promise<TestAlertOutcome> {
  const started = clock();
  const result = await deliverer.deliver(event, { number: 1, signal });
  return { result, durationMs: clock() - started };
}

/** One line for the operator: what happened (the words already name method, host and status), and what a real alert would do next. */
export function describeTestOutcome(destination: string, { result, durationMs }: TestAlertOutcome): string {
  if (result.outcome === 'delivered') return `test alert delivered to ${destination}: ${result.status} in ${durationMs} ms`;
  if (result.outcome === 'failed') {
    const gone = result.disable ? ' (410 Gone: a real alert would disable this destination)' : '';
    return `test alert to ${destination} failed: ${result.response}${gone}`;
  }
  return `test alert to ${destination} failed: ${result.error} (a real alert would be retried with backoff)`;
}
