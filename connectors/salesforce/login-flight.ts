import { createHash } from 'node:crypto';
import type { Session } from './auth.ts';
import type { SalesforceConnection } from './schema.ts';

/**
 * Token requests in flight in this process, so runs that start together on one
 * connection send one token request and share its answer (the answer itself goes to
 * the connection's shared state, see state.ts).
 *
 * Why a module-level map: a promise cannot go into the store, and nothing per
 * connection outlives a run in the runner (each run gets a new ctx and a new
 * `ctx.connectionState` object, so a WeakMap keyed by either would never be shared).
 * It does not grow: an entry exists only while its token request is in flight and is
 * deleted when that settles, so the map holds at most one entry per connection logging
 * in at this moment, and keeps no session, token or settings past it.
 */
const inFlight = new Map<string, Promise<Session>>();

/** Connections with the same settings log in the same way: they share a flight. */
function flightKey(connection: SalesforceConnection): string {
  return createHash('sha256').update(JSON.stringify(connection)).digest('hex');
}

/** `login()`'s answer, or the answer of the same connection's login already in flight. */
export function loginOnce(connection: SalesforceConnection, login: () => Promise<Session>): Promise<Session> {
  const key = flightKey(connection);
  const pending = inFlight.get(key);
  if (pending) return pending;
  const started = login().finally(() => {
    inFlight.delete(key);
  });
  inFlight.set(key, started);
  return started;
}

/** Logins in flight now (for tests: the map empties once they settle). */
export function loginsInFlight(): number {
  return inFlight.size;
}
