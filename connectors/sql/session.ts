import { AbortedError } from '../../src/sdk/index.ts';
import { SqlTimeoutError } from './errors.ts';
import type { SqlResult } from './map.ts';
import type { Target } from './target.ts';

/** Runs one statement with bound values; rows come back as arrays of raw cells. */
export type RunStatement = (text: string, values: readonly string[]) => Promise<SqlResult>;

/** One open connection to the server, as the pool and the client see it (one per driver). */
export interface Session {
  /**
   * Runs `work` inside one read-only transaction limited by the statement timeout,
   * then rolls it back (nothing a query does to the session outlives it).
   */
  readOnly<T>(work: (run: RunStatement) => Promise<T>): Promise<T>;
  /** Asks the server, on a connection of its own, to stop what this session is running. */
  cancel(): Promise<void>;
  /** Closes the socket now; whatever runs on it fails. */
  destroy(): void;
  /** Says goodbye to the server and closes. */
  close(): Promise<void>;
  /** True once the socket failed or closed: the session must not be used again. */
  readonly broken: boolean;
  /** While idle in the pool the socket does not keep the process alive (unref), and back. */
  idle(idle: boolean): void;
}

export type OpenSession = (target: Target, signal: AbortSignal) => Promise<Session>;

/**
 * `work`, unless `signal` aborts or `timeoutMs` passes first: then `stop` runs (it
 * ends what `work` waits on) and the promise rejects at once with AbortedError or
 * SqlTimeoutError, without waiting for `work` to notice.
 */
export function bounded<T>(work: Promise<T>, options: { signal: AbortSignal; timeoutMs: number; what: string; stop: () => void | Promise<void> }): Promise<T> {
  const { signal, timeoutMs, what, stop } = options;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const done = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      return true;
    };
    const interrupt = (error: Error) => {
      if (!done()) return;
      // Whatever `work` does after this is of no interest; a late rejection must not go unhandled.
      work.catch(() => undefined);
      void Promise.resolve()
        .then(stop)
        .catch(() => undefined)
        .finally(() => reject(error));
    };
    const onAbort = () => interrupt(new AbortedError(`${what}: stopped (${describeReason(signal.reason)})`, { cause: signal.reason }));
    const timer = setTimeout(() => interrupt(new SqlTimeoutError(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => void (done() && resolve(value)),
      (error: unknown) => void (done() && reject(error)),
    );
  });
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message.slice(0, 200);
  return typeof reason === 'string' ? reason.slice(0, 200) : 'aborted';
}

/** `promise`, or undefined once `ms` have passed (for best-effort clean-up that must not hold anything up). */
export async function atMost<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long a cancel may take (a second connection and one statement) before it is given up. */
export const CANCEL_MS = 3_000;

/**
 * Runs a cancel (`work` opens its own connection with the signal it is given) for at
 * most CANCEL_MS: past that its signal aborts and this throws; its own failure is
 * thrown as it is (the caller logs it, scrubbed).
 */
export async function cancelWithin(work: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const outcome = await atMost(
    work(controller.signal).then(
      () => ({ ok: true as const }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
    CANCEL_MS,
  );
  if (outcome === undefined) {
    controller.abort(new Error('the cancel took too long'));
    throw new Error(`no answer to the cancel within ${CANCEL_MS} ms`);
  }
  if (!outcome.ok) throw outcome.error;
}
