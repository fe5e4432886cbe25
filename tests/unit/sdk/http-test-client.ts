import type { CreateHttpClientOptions } from '../../../src/sdk/http.ts';
import { fastRetryHttp } from '../../helpers/fast-http.ts';

export { rejection } from '../../helpers/rejection.ts';

export type AttemptEvent = Parameters<NonNullable<CreateHttpClientOptions['onAttempt']>>[0];

/** A client that never really sleeps: waits are recorded so tests can assert them without taking the time. */
export function fastClient(options: CreateHttpClientOptions = {}) {
  const slept: number[] = [];
  const events: AttemptEvent[] = [];
  const client = fastRetryHttp(slept, {}, { onAttempt: (e) => events.push(e), ...options });
  return { client, slept, events };
}
