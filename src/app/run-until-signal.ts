import type { Logger } from 'pino';
import type { Runtime, ScheduleDiff } from '../schedule/runtime.ts';
import type { App } from './app.ts';

/** What a long-running process has once it is up. */
export interface Booted {
  app: App;
  runtime: Runtime;
  /** Closed after the runtime stops and before the store (Redis connections, Bull Board). */
  closers?: (() => Promise<unknown>)[];
  /** Fields of the "started" line (mode, role, counts). */
  describe(diff: ScheduleDiff): { fields: Record<string, unknown>; message: string };
}

export interface Lifecycle {
  logger: Logger;
  /**
   * Opens what the runtime needs (the store, Redis: waiting for them while they are
   * down) and builds it. A stop signal during boot aborts `signal`; the lifecycle then
   * ends without starting anything.
   */
  boot(signal: AbortSignal): Promise<Booted>;
  /** Milliseconds in-flight syncs get once a stop signal arrives (settings.shutdownTimeout of the config in force). */
  deadlineMs(): number;
  /** Closed last before the store, whether or not boot finished (the operations server). */
  servers?: { close(): Promise<unknown> }[];
  /** When shutdown overruns the deadline by a second. Default: log and exit the process with 1. */
  onDeadlineMissed?(): void;
  /** Signals are taken from here (tests pass an EventEmitter). */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** Past the deadline, what the runtime's stop and the closing of servers and store may take in all. */
export const EXIT_GRACE_MS = 1_000;

type StopSignal = 'SIGTERM' | 'SIGINT';

/**
 * Owns a long-running process's life in either mode: SIGTERM/SIGINT stop it, SIGHUP
 * reloads the config, and shutdown keeps its order — no new syncs, in-flight ones
 * until the deadline and then aborted, servers closed, the store closed last, then
 * "stopped". A reload in progress is cancelled by a stop and never re-arms schedules
 * afterwards. Resolves with the exit code once everything is closed.
 */
export async function runUntilSignal(lifecycle: Lifecycle): Promise<number> {
  const { logger } = lifecycle;
  const signals = lifecycle.signals ?? process;
  const stopping = new AbortController();
  let received: StopSignal | undefined;
  let booted: Booted | undefined;
  let reloading: Promise<void> | undefined;
  let reloadAgain = false;

  const onStop = (signal: StopSignal) => {
    if (received) return;
    received = signal;
    stopping.abort(new Error(`stopped by ${signal}`));
  };
  const onTerm = () => onStop('SIGTERM');
  const onInt = () => onStop('SIGINT');
  const reload = async (): Promise<void> => {
    do {
      reloadAgain = false;
      const current = booted;
      if (!current || stopping.signal.aborted) return;
      const catalog = await current.app.reloadOrKeep(stopping.signal);
      // A stop that came while the config was read wins: nothing is re-armed after it.
      if (!catalog || stopping.signal.aborted) return;
      try {
        const diff = await current.runtime.reload(catalog);
        logger.info({ kpis: catalog.kpis.size, ...summarize(diff) }, 'config reloaded');
      } catch (err) {
        logger.error(
          { error: current.app.redactor.scrub(String(err)) },
          'config reload rejected: its schedules could not be put in force; the running ones stay',
        );
      }
    } while (reloadAgain);
  };
  const onHangup = () => {
    if (reloading) {
      reloadAgain = true;
      return;
    }
    reloading = reload().finally(() => {
      reloading = undefined;
    });
  };
  signals.on('SIGTERM', onTerm);
  signals.on('SIGINT', onInt);
  signals.on('SIGHUP', onHangup);

  let guard: NodeJS.Timeout | undefined;
  try {
    try {
      booted = await lifecycle.boot(stopping.signal);
      if (!stopping.signal.aborted) {
        const diff = await booted.runtime.start(booted.app.catalog);
        const { fields, message } = booted.describe(diff);
        logger.info(fields, message);
      }
    } catch (error) {
      if (!stopping.signal.aborted) {
        // Nothing may keep the process alive after a failed start: close what is open, then report.
        await closeAll(booted, lifecycle, 0);
        throw error;
      }
    }
    if (!stopping.signal.aborted) await new Promise((resolve) => stopping.signal.addEventListener('abort', resolve, { once: true }));

    const deadlineMs = lifecycle.deadlineMs();
    logger.info({ signal: received, deadlineMs }, 'shutting down: no new syncs; in-flight ones get until the deadline');
    guard = setTimeout(() => {
      logger.error({ deadlineMs }, `shutdown overran its deadline by ${EXIT_GRACE_MS} ms; exiting now`);
      (lifecycle.onDeadlineMissed ?? (() => process.exit(1)))();
    }, deadlineMs + EXIT_GRACE_MS);
    guard.unref();
    await closeAll(booted, lifecycle, deadlineMs);
    await reloading;
    logger.info({ signal: received }, 'stopped');
    return 0;
  } finally {
    clearTimeout(guard);
    signals.off('SIGTERM', onTerm);
    signals.off('SIGINT', onInt);
    signals.off('SIGHUP', onHangup);
  }
}

/** The shutdown order: the runtime (syncs until the deadline), then servers and connections, then the store. */
async function closeAll(booted: Booted | undefined, lifecycle: Lifecycle, deadlineMs: number): Promise<void> {
  if (booted) {
    const outcome = await booted.runtime.stop(deadlineMs);
    if (!outcome.finished) {
      lifecycle.logger.warn(
        { aborted: outcome.aborted },
        `in-flight syncs did not finish within ${deadlineMs} ms; aborted and recorded as KS_ERR_ABORTED (the next run retries)`,
      );
    }
  }
  await Promise.allSettled([...(booted?.closers ?? []).map((close) => close()), ...(lifecycle.servers ?? []).map((server) => server.close())]);
  await booted?.app.close();
}

/** KPI ids in a log line up to this many; counts beyond (a first start with 10,000 KPIs). */
const LISTED_IDS = 50;

export function summarize(diff: ScheduleDiff & { queued?: number }): Record<string, unknown> {
  const { added, changed, removed } = diff;
  const extra = diff.queued === undefined ? {} : { queued: diff.queued };
  if (added.length + changed.length + removed.length <= LISTED_IDS) return { added, changed, removed, ...extra };
  return { added: added.length, changed: changed.length, removed: removed.length, ...extra };
}
