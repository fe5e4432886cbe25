/**
 * A background pass on a timer (staleness checks, retention): at most one run at a
 * time, so a pass that outlasts its interval is skipped rather than stacked; errors
 * go to `onError` and the next tick tries again. Timers are unref'd: they never
 * keep the process alive on their own.
 */
export interface Periodic {
  /** Stops the timers and waits for a pass in progress. */
  stop(): Promise<void>;
}

export interface PeriodicOptions {
  everyMs: number;
  /** The first run, this long after start; default: after `everyMs`. */
  firstMs?: number;
  onError(error: unknown): void;
}

export function periodic(run: () => Promise<unknown>, options: PeriodicOptions): Periodic {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= run()
      .then(
        () => undefined,
        (error: unknown) => options.onError(error),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(tick, options.firstMs ?? options.everyMs);
  const every = setInterval(tick, options.everyMs);
  first.unref();
  every.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
