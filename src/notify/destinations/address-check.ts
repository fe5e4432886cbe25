import { linkLocalRefusal } from '../../sdk/address-guard.ts';
import { capResponse } from './classify.ts';
import type { DeliveryResult } from './destination.ts';

/**
 * The link-local / cloud-metadata guard for senders on Node's global fetch, which
 * takes no custom `lookup` (the SDK client checks inside the connection instead):
 * resolve the host first and refuse when any address is link-local, unless the
 * destination or target sets `allowLinkLocal: true`.
 *
 * A refusal is a `retry`, like a DNS failure (classify.ts): nothing was sent, and the
 * fix (a DNS change, or `allowLinkLocal` and a SIGHUP) lets a later attempt deliver;
 * left alone, the entry is dead-lettered with this message instead of lost.
 */
export interface AddressCheckRequest {
  url: string;
  method: string;
  /** Host only, for the message. */
  target: string;
  /** The attempt's signal (caller and timeout): an abort ends the wait for DNS, and fetch then reports it. */
  signal: AbortSignal;
  allowLinkLocal?: boolean | undefined;
}

export async function refusedByAddress(req: AddressCheckRequest): Promise<DeliveryResult | undefined> {
  if (req.allowLinkLocal) return undefined;
  const refused = await untilAborted(linkLocalRefusal(req.url), req.signal);
  return refused === undefined ? undefined : { outcome: 'retry', error: capResponse(`${req.method} ${req.target} → ${refused}`) };
}

/** `work`'s answer, or undefined as soon as `signal` aborts (dns.lookup itself cannot be cancelled). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
