export interface KeyedQueueOptions {
  /** Groups running at once (a key with no group of its own is its own group). */
  limit: number;
  work(key: string): Promise<void>;
  onError(key: string, error: unknown): void;
  /** Called once a key has left the queue (after any rerun of it was queued). */
  onSettled?(key: string): void;
  /** Called when a key is asked for while it runs. */
  onBusy?(key: string): void;
  /**
   * Keys whose work shares one read (KPIs scanning the same CSV file): they start
   * together and take one place of `limit` between them. Default: every key alone.
   */
  groupOf?(key: string): string;
}

/** Keys of one group started together; the place in `limit` is free when the last finishes. */
interface GroupRun {
  keys: number;
}

/**
 * A work queue with bounded concurrency where each key (a KPI id) is at most once
 * in flight. Asking for a key that is already waiting does nothing; asking for one
 * that is running makes it run once more afterwards, so a change that arrives
 * mid-run is never missed and never runs twice at once. Keys of one group start
 * together, so the connector can serve them from one read.
 */
export class KeyedQueue {
  /** Waiting keys in arrival order, each with the group it was asked for in. */
  private readonly pending = new Map<string, string>();
  /** The same keys by group: pump starts a group's waiting keys without looking at the others. */
  private readonly pendingByGroup = new Map<string, Set<string>>();
  private readonly running = new Map<string, Promise<void>>();
  /** Groups started together and not yet finished: each takes one place of `limit`. */
  private readonly runs = new Set<GroupRun>();
  private readonly rerun = new Set<string>();
  private closed = false;
  private readonly options: Required<KeyedQueueOptions>;

  constructor(options: KeyedQueueOptions) {
    this.options = { onSettled: () => {}, onBusy: () => {}, groupOf: (key) => key, ...options };
  }

  /**
   * Asks for keys to run. Keys asked for in one call are all waiting before any
   * starts, so those of one group start together (a scheduler tick asks for its KPIs
   * in one call).
   */
  request(...keys: string[]): void {
    if (this.closed) return;
    for (const key of keys) this.enqueue(key);
    this.pump();
  }

  private enqueue(key: string): void {
    if (this.running.has(key)) {
      this.rerun.add(key);
      this.options.onBusy(key);
      return;
    }
    if (this.pending.has(key)) return;
    const group = this.options.groupOf(key);
    this.pending.set(key, group);
    const keys = this.pendingByGroup.get(group);
    if (keys) keys.add(key);
    else this.pendingByGroup.set(group, new Set([key]));
  }

  /** Waiting or running. */
  isBusy(key: string): boolean {
    return this.pending.has(key) || this.running.has(key);
  }

  get size(): { pending: number; running: number } {
    return { pending: this.pending.size, running: this.running.size };
  }

  /** Keys running now. */
  runningKeys(): string[] {
    return [...this.running.keys()];
  }

  /** Takes no new work; resolves when in-flight work finished or the timeout passed (returns false then). */
  async close(timeoutMs: number): Promise<boolean> {
    this.closed = true;
    this.pending.clear();
    this.pendingByGroup.clear();
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
    while (this.running.size > 0 || this.pending.size > 0) {
      await Promise.race(this.running.values());
    }
  }

  /**
   * Starts what may start, oldest first: while fewer than `limit` groups run, the
   * oldest waiting key's group starts with every key of it waiting now. A key of a
   * group that is already running waits for a place like any other: that group's
   * read is under way, and joining it halfway would read half a file.
   */
  private pump(): void {
    while (!this.closed && this.runs.size < this.options.limit && this.pending.size > 0) {
      const [, group] = this.pending.entries().next().value!;
      const keys = this.pendingByGroup.get(group)!;
      this.pendingByGroup.delete(group);
      const run = { keys: keys.size };
      this.runs.add(run);
      for (const key of keys) this.start(key, run);
    }
  }

  private start(key: string, run: GroupRun): void {
    this.pending.delete(key);
    const task = this.options
      .work(key)
      .catch((error: unknown) => this.options.onError(key, error))
      .finally(() => {
        this.running.delete(key);
        if (--run.keys === 0) this.runs.delete(run);
        if (this.rerun.delete(key)) this.request(key);
        if (!this.closed) this.options.onSettled(key);
        this.pump();
      });
    this.running.set(key, task);
  }
}
