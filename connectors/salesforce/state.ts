/**
 * What every process must know about a Salesforce connection, kept in
 * `ctx.connectionState` (the store, scoped to the connection and a fingerprint of its
 * settings): the session, the newest refresh token, the last API usage reading and a
 * pause after REQUEST_LIMIT_EXCEEDED. Nothing of it lives in module memory, so a second
 * worker, a restart or `kpi-sync check` sees what the first one learned.
 *
 * Values are checked on the way in: a value another version wrote in another shape
 * reads as absent, never as a crash.
 */
import { z, type ConnectionState } from '../../src/sdk/index.ts';
import type { Session } from './auth.ts';

/**
 * How long a stored access token is handed to other runs. Salesforce's token response
 * carries no expiry; the session lasts as long as the org's (or the connected app's)
 * session timeout, 15 minutes at the shortest
 * (https://help.salesforce.com/s/articleView?id=xcloud.admin_sessions.htm). So a token is
 * shared for 15 minutes after it was issued, never past a possible expiry; one that dies
 * earlier (revoked) is replaced through INVALID_SESSION_ID, as before.
 */
export const SESSION_TTL_MS = 15 * 60_000;

/** The allowance is a rolling 24 hours: a usage reading or a pause older than that says nothing. */
export const ALLOWANCE_WINDOW_MS = 24 * 60 * 60_000;

const KEYS = {
  session: 'session',
  refreshToken: 'refreshToken',
  usage: 'usage',
  pause: 'pause',
  rotationWarned: 'rotationWarned',
} as const;

const sessionSchema = z.object({
  accessToken: z.string().min(1),
  instanceUrl: z.string().min(1),
  identityPath: z.string().min(1),
  orgId: z.string().min(1),
  userId: z.string().min(1),
});

const usageSchema = z.object({ used: z.number(), limit: z.number().positive(), at: z.number() });

const pauseSchema = z.object({ reason: z.string(), seen: z.array(z.string()), since: z.number() });

/** The org's API usage as last read from a Sforce-Limit-Info header. */
export type UsageReading = z.infer<typeof usageSchema>;

/**
 * Set when Salesforce answered REQUEST_LIMIT_EXCEEDED. `seen`: the KPIs deferred (or the
 * one that hit the limit) since `since`; each one's next run lifts the pause.
 */
export type Pause = z.infer<typeof pauseSchema>;

export interface SharedState {
  session(): Promise<Session | undefined>;
  /** Kept for SESSION_TTL_MS; the refresh token in a token answer is not part of it. */
  saveSession(session: Session): Promise<void>;
  refreshToken(): Promise<string | undefined>;
  saveRefreshToken(token: string): Promise<void>;
  usage(): Promise<UsageReading | undefined>;
  saveUsage(reading: UsageReading): Promise<void>;
  pause(): Promise<Pause | undefined>;
  /** Kept until every KPI it deferred has run again, at most ALLOWANCE_WINDOW_MS after it began. */
  savePause(pause: Pause, nowMs: number): Promise<void>;
  liftPause(): Promise<void>;
  /** True the first time it is asked for `what` on this connection, in any process. */
  firstTime(what: 'rotationWarned'): Promise<boolean>;
}

async function read<T>(store: ConnectionState, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const parsed = schema.safeParse(await store.get(key));
  return parsed.success ? parsed.data : undefined;
}

export function sharedState(store: ConnectionState): SharedState {
  return {
    session: () => read(store, KEYS.session, sessionSchema),
    saveSession: ({ accessToken, instanceUrl, identityPath, orgId, userId }) =>
      store.set(KEYS.session, { accessToken, instanceUrl, identityPath, orgId, userId }, { ttlMs: SESSION_TTL_MS }),
    refreshToken: () => read(store, KEYS.refreshToken, z.string().min(1)),
    // No TTL: a refresh token lives until it is used (rotation) or revoked.
    saveRefreshToken: (token) => store.set(KEYS.refreshToken, token),
    usage: () => read(store, KEYS.usage, usageSchema),
    saveUsage: (reading) => store.set(KEYS.usage, reading, { ttlMs: ALLOWANCE_WINDOW_MS }),
    pause: () => read(store, KEYS.pause, pauseSchema),
    savePause: (pause, nowMs) => store.set(KEYS.pause, pause, { ttlMs: Math.max(1, pause.since + ALLOWANCE_WINDOW_MS - nowMs) }),
    liftPause: () => store.delete(KEYS.pause),
    firstTime: async (what) => {
      if ((await store.get(KEYS[what])) === true) return false;
      await store.set(KEYS[what], true);
      return true;
    },
  };
}
