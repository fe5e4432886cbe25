/**
 * A work queue with bounded concurrency where each key (a KPI id) is at most once
 * in flight. Asking for a key that is already waiting does nothing; asking for one
 * that is running makes it run once more afterwards, so a change that arrives
 * mid-run is never missed and never runs twice at once.
 */
export class KeyedQueue {
  private readonly pending: string[] = [];
  private readonly pendingSet = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly rerun = new Set<string>();
  private closed = false;

  private readonly limit: number;
  private readonly work: (key: string) => Promise<void>;
  private readonly onError: (key: string, error: unknown) => void;
  private readonly onSettled: (key: string) => void;
  private readonly onBusy: (key: string) => void;

  /**
   * `onSettled` is called once a key has left the queue (after any rerun of it was
   * queued); `onBusy` when a key is asked for while it runs.
   */
  constructor(
    limit: number,
    work: (key: string) => Promise<void>,
    onError: (key: string, error: unknown) => void,
    onSettled: (key: string) => void = () => {},
    onBusy: (key: string) => void = () => {},
  ) {
    this.limit = limit;
    this.work = work;
    this.onError = onError;
    this.onSettled = onSettled;
    this.onBusy = onBusy;
  }

  request(key: string): void {
    if (this.closed) return;
    if (this.running.has(key)) {
      this.rerun.add(key);
      this.onBusy(key);
      return;
    }
    if (this.pendingSet.has(key)) return;
    this.pending.push(key);
    this.pendingSet.add(key);
    this.pump();
  }

  /** Waiting or running. */
  isBusy(key: string): boolean {
    return this.pendingSet.has(key) || this.running.has(key);
  }

  get size(): { pending: number; running: number } {
    return { pending: this.pending.length, running: this.running.size };
  }

  /** Keys running now. */
  runningKeys(): string[] {
    return [...this.running.keys()];
  }

  /** Takes no new work; resolves when in-flight work finished or the timeout passed (returns false then). */
  async close(timeoutMs: number): Promise<boolean> {
    this.closed = true;
    this.pending.length = 0;
    this.pendingSet.clear();
    this.rerun.clear();
    if (this.running.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const drained = Promise.allSettled([...this.running.values()]).then(() => true);
    const finished = await Promise.race([drained, timeout]);
    clearTimeout(timer);
    return finished;
  }

  /** Resolves once nothing is waiting or running (tests, `run --once`). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.pending.length > 0) {
      await Promise.race(this.running.values());
    }
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.limit && this.pending.length > 0) {
      const key = this.pending.shift()!;
      this.pendingSet.delete(key);
      const task = this.work(key)
        .catch((error: unknown) => this.onError(key, error))
        .finally(() => {
          this.running.delete(key);
          if (this.rerun.delete(key)) this.request(key);
          if (!this.closed) this.onSettled(key);
          this.pump();
        });
      this.running.set(key, task);
    }
  }
}
