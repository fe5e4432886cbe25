import { createHttpClient, type CreateHttpClientOptions } from '../../../src/sdk/http.ts';

export type AttemptEvent = Parameters<NonNullable<CreateHttpClientOptions['onAttempt']>>[0];

/** A client that never really sleeps: waits are recorded so tests can assert them without taking the time. */
export function fastClient(options: CreateHttpClientOptions = {}) {
  const slept: number[] = [];
  const events: AttemptEvent[] = [];
  const client = createHttpClient({
    baseDelayMs: 1,
    maxDelayMs: 5,
    sleep: async (ms) => {
      slept.push(ms);
    },
    onAttempt: (e) => events.push(e),
    ...options,
  });
  return { client, slept, events };
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the request to fail');
}
