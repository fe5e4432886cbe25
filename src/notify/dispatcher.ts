import type { Logger } from 'pino';
import { backoffDelay } from '../sdk/retry.ts';
import { faultPoint } from '../sync/fault-point.ts';
import type { OutboxEntry, Silence, Store } from '../store/store.ts';
import { DEFAULT_DELIVERY_POLICY, type Deliverer, type DeliveryPolicy, type DeliveryResult } from './delivery.ts';
import { silencedNote, silenceFor } from './silences.ts';

export interface DispatcherOptions {
  store: Store;
  /** The destinations of the config in force (read on every tick, so a reload applies at once). */
  deliverers: () => ReadonlyMap<string, Deliverer>;
  logger: Logger;
  policy?: Partial<DeliveryPolicy>;
  now?: () => Date;
  random?: () => number;
  scrub?: (text: string) => string;
  /** Told about every pass of the timer loop (delivery metrics). Must not throw. */
  onTick?: (summary: TickSummary) => void;
}

export interface TickSummary {
  delivered: number;
  retried: number;
  failed: number;
  dead: number;
  held: number;
  /** Alerts a silence matched: recorded as `silenced`, not sent. */
  silenced: number;
  /** Due entries another process claimed first (two dispatchers on one store). */
  elsewhere: number;
}

/**
 * Delivers outbox entries: due ones are tried once per tick, a retryable failure
 * is rescheduled with exponential backoff and jitter (or the receiver's
 * Retry-After, whichever is later) under the same event id, a permanent failure
 * is kept as `failed` with the response, and anything older than the maximum
 * age is dead-lettered. An alert an operator's silence matches is recorded as
 * `silenced` instead of sent. It runs on its own timer: syncing never waits for it.
 */
export class Dispatcher {
  private readonly options: DispatcherOptions;
  private readonly policy: DeliveryPolicy;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickSummary> | undefined;
  private readonly abort = new AbortController();

  constructor(options: DispatcherOptions) {
    this.options = options;
    this.policy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
  }

  /** One pass over everything due now. Never runs twice at once. */
  tick(): Promise<TickSummary> {
    this.running ??= this.deliverDue().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** One pass, reported to `onTick`: what the timer loop and queue mode's delivery job run. */
  async pass(): Promise<TickSummary> {
    const summary = await this.tick();
    this.options.onTick?.(summary);
    return summary;
  }

  start(intervalMs = 1_000): void {
    const loop = () => {
      this.pass()
        .catch((err: unknown) => this.options.logger.error({ err }, 'outbox delivery pass failed'))
        .finally(() => {
          if (!this.abort.signal.aborted) this.timer = setTimeout(loop, intervalMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Stops the timer and waits for the pass in progress (its HTTP calls have their own timeouts). */
  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async deliverDue(): Promise<TickSummary> {
    const summary: TickSummary = { delivered: 0, retried: 0, failed: 0, dead: 0, held: 0, silenced: 0, elsewhere: 0 };
    const now = this.now().toISOString();
    const due = await this.options.store.dueOutbox(now, this.policy.batchSize);
    const deliverers = this.options.deliverers();
    // Read once a pass; a destination disabled during the pass is added, so its later entries wait too.
    const disabled: Map<string, unknown> = due.length > 0 ? await this.options.store.disabledDestinations() : new Map();
    // Also once a pass: a silence added mid-pass applies from the next one.
    const silences = due.some((entry) => entry.channel === 'alert') ? await this.options.store.listSilences({ endsAfter: now }) : [];
    for (const entry of due) {
      if (this.abort.signal.aborted) break;
      summary[await this.deliverOne(entry, deliverers, disabled, silences)] += 1;
    }
    return summary;
  }

  private async deliverOne(
    entry: OutboxEntry,
    deliverers: ReadonlyMap<string, Deliverer>,
    disabled: Map<string, unknown>,
    silences: readonly Silence[],
  ): Promise<keyof TickSummary> {
    const { store, logger } = this.options;
    const now = this.now();
    const log = logger.child({ outbox: entry.id, event: entry.eventId, destination: entry.destination });
    // First: an operator's "do not send" wins over every other outcome, a dead letter included.
    const silence = silenceFor(entry, silences, now.getTime());
    if (silence) {
      await store.updateOutbox({ ...entry, status: 'silenced', lastError: silencedNote(silence) });
      log.info({ silence: silence.id }, 'alert silenced: recorded, not sent');
      return 'silenced';
    }
    const age = now.getTime() - Date.parse(entry.createdAt);
    if (age > this.policy.maxAgeMs) {
      await store.updateOutbox({
        ...entry,
        status: 'dead',
        lastError: `${entry.lastError ? `${entry.lastError}; ` : ''}not delivered within ${Math.round(this.policy.maxAgeMs / 60_000)} min`,
      });
      log.error({ attempts: entry.attempts }, 'outbox entry dead-lettered');
      return 'dead';
    }
    const deliverer = deliverers.get(entry.destination);
    if (!deliverer) {
      await store.updateOutbox({ ...entry, status: 'failed', lastError: `destination "${entry.destination}" is no longer configured` });
      return 'failed';
    }
    if (disabled.has(entry.destination)) {
      // Held, not dropped: `kpi-sync alerts enable` releases it; the max age still applies.
      await store.updateOutbox({ ...entry, nextAttemptAt: new Date(now.getTime() + this.policy.baseDelayMs).toISOString() });
      return 'held';
    }

    const attempt = entry.attempts + 1;
    const tried: OutboxEntry = { ...entry, attempts: attempt, lastAttemptAt: now.toISOString() };
    // Write-ahead: the attempt is recorded before it is made, so a process killed
    // mid-request leaves a trace. The next try (after the lease) sees attempts > 1
    // and a target that can be read back checks before sending again. The write is a
    // claim: another process that read the same due entry finds it taken and skips it.
    const claimed = await store.claimOutbox(entry, { ...tried, nextAttemptAt: new Date(now.getTime() + this.policy.leaseMs).toISOString() });
    if (!claimed) {
      log.debug('outbox entry taken by another process');
      return 'elsewhere';
    }
    await faultPoint('delivery.before-send');
    let result: DeliveryResult;
    try {
      result = await deliverer.deliver(entry.payload, { number: attempt, signal: this.abort.signal });
    } catch (error) {
      // Shutting down mid-request: the request may have landed, so the attempt keeps
      // counting (a readable target checks before re-sending) but is due again at once.
      if (this.abort.signal.aborted) {
        await store.updateOutbox({ ...tried, nextAttemptAt: now.toISOString() });
        return 'held';
      }
      // A destination bug must not wedge the outbox: treat it as retryable.
      result = { outcome: 'retry', error: error instanceof Error ? error.message : String(error) };
    }
    const scrub = this.options.scrub ?? ((t: string) => t);

    if (result.outcome === 'delivered') {
      await faultPoint('delivery.after-send');
      await store.updateOutbox({ ...tried, status: 'delivered', deliveredAt: this.now().toISOString(), lastStatus: result.status });
      log.info({ attempt, status: result.status }, 'delivered');
      return 'delivered';
    }
    if (result.outcome === 'failed') {
      await store.updateOutbox({ ...tried, status: 'failed', lastStatus: result.status, lastError: scrub(result.response) });
      if (result.disable) {
        const mark = { at: now.toISOString(), status: result.status, reason: scrub(result.response) };
        await store.setDestinationDisabled(entry.destination, mark);
        disabled.set(entry.destination, mark);
        log.error({ status: result.status }, `destination ${entry.destination} answered ${result.status} Gone: disabled until an operator re-enables it`);
      } else {
        log.error({ status: result.status, response: scrub(result.response) }, 'delivery failed permanently');
      }
      return 'failed';
    }
    const backoff = backoffDelay(attempt, this.policy.baseDelayMs, this.policy.maxDelayMs, this.options.random);
    const delay = Math.max(backoff, result.retryAfterMs ?? 0);
    const next = new Date(now.getTime() + delay);
    const base = { ...tried, lastError: scrub(result.error), ...(result.status === undefined ? {} : { lastStatus: result.status }) };
    if (next.getTime() - Date.parse(entry.createdAt) > this.policy.maxAgeMs) {
      await store.updateOutbox({ ...base, status: 'dead' });
      log.error({ attempt, error: base.lastError }, 'outbox entry dead-lettered: the next attempt would pass the maximum age');
      return 'dead';
    }
    await store.updateOutbox({ ...base, nextAttemptAt: next.toISOString() });
    log.warn({ attempt, status: result.status, retryInMs: delay, error: base.lastError }, 'delivery failed; will retry');
    return 'retried';
  }
}
