import { z } from 'zod';

/**
 * `settings.queue`: queue mode's knobs (REDIS_URL set). Embedded mode ignores them.
 * Timings are ms, like `settings.shutdownTimeout`.
 */

const connectionLimitsSchema = z.strictObject({
  maxConcurrent: z.int().min(1).max(1000).optional().describe('Syncs against this connection at once, across every worker.'),
  ratePerMinute: z.int().min(1).max(100_000).optional().describe('Sync starts against this connection per rolling minute, across every worker.'),
});

export const queueSettingsSchema = z.strictObject({
  concurrency: z
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('Syncs one worker process runs at once (default: settings.concurrency); `kpi-sync worker --concurrency` overrides it.'),
  attempts: z
    .int()
    .min(1)
    .max(50)
    .default(5)
    .describe('Attempts per sync job; only retryable failures (transient, network, rate limit, store) use more than one.'),
  backoffMs: z
    .int()
    .min(100)
    .max(3_600_000)
    .default(5_000)
    .describe('First retry delay in ms; doubles per attempt with full jitter, at most 15 min, never sooner than Retry-After.'),
  lockDurationMs: z
    .int()
    .min(5_000)
    .max(600_000)
    .default(30_000)
    .describe('A worker that stops renewing its job lock for this long has stalled; the job is re-run elsewhere.'),
  stalledIntervalMs: z.int().min(1_000).max(600_000).default(30_000).describe('How often workers look for stalled jobs.'),
  connections: z
    .record(z.string(), connectionLimitsSchema)
    .default({ default: { maxConcurrent: 4 } })
    .describe('Caps per connection id; the key `default` applies to connections not listed. Without `default`, unlisted connections are not capped.'),
});

export type QueueSettingsConfig = z.infer<typeof queueSettingsSchema>;
export type ConnectionLimitsConfig = z.infer<typeof connectionLimitsSchema>;
