import { createHash } from 'node:crypto';
import type { Session } from './auth.ts';
import type { SalesforceConnection } from './schema.ts';

/** The org's API usage as last read from a Sforce-Limit-Info header. */
export interface UsageReading {
  used: number;
  limit: number;
  /** Epoch ms of the response that carried it. */
  at: number;
}

/** Set when Salesforce answered REQUEST_LIMIT_EXCEEDED. */
export interface Pause {
  reason: string;
  /** KPIs deferred (or the one that hit the limit) since the pause began: each one's next run lifts it. */
  seen: Set<string>;
}

/**
 * What a connection remembers between runs, in memory: the session (so a run costs no
 * token request while the token lives), the newest refresh token, the last usage
 * reading and a pause. One process, one state per connection settings.
 */
export interface ConnectionState {
  session?: Session;
  /** An in-flight login, shared so concurrent runs (and a refresh after expiry) log in once. */
  login?: Promise<Session>;
  rotatedRefreshToken?: string;
  usage?: UsageReading;
  pause?: Pause;
  warnedUnpersistedRotation?: boolean;
}

const MAX_CONNECTIONS = 256;
const states = new Map<string, ConnectionState>();

/**
 * The state of a connection, keyed by a hash of its settings: the runner may hand over
 * a fresh copy each run, and changed settings (new credentials) must start afresh.
 */
export function stateFor(connection: SalesforceConnection): ConnectionState {
  const key = createHash('sha256').update(JSON.stringify(connection)).digest('hex');
  let state = states.get(key);
  if (!state) {
    if (states.size >= MAX_CONNECTIONS) {
      const oldest = states.keys().next().value;
      if (oldest !== undefined) states.delete(oldest);
    }
    states.set(key, (state = {}));
  }
  return state;
}
