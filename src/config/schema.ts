import { z } from 'zod';
import { targetConfigSchema } from '../notify/targets/target-schemas.ts';
import { alertsSchema } from './alerts.schema.ts';
import { duration, id, ianaZone, isoDate } from './primitives.ts';
import { queueSettingsSchema } from './queue.schema.ts';
import { RETENTION_DEFAULTS, retentionSettingsSchema } from './retention.schema.ts';
import { secret } from '../sdk/secret.ts';

/**
 * The config schema: the only truth about config. Types are inferred from it and
 * `kpi-sync schema` generates the editors' JSON Schema from it. Every object is
 * strict, so a typo in a key is an error rather than a silently ignored setting.
 * Connection settings are validated by each connector's own `connectionSchema`.
 */

export const intervalSchema = z.enum(['day', 'week', 'month', 'quarter']);

export const bandSchema = z
  .strictObject({
    min: z.number().optional().describe('Below this the KPI is critical.'),
    max: z.number().optional().describe('Above this the KPI is critical.'),
    warnMin: z.number().optional().describe('Below this (but above min) the KPI is warn.'),
    warnMax: z.number().optional().describe('Above this (but below max) the KPI is warn.'),
  })
  .superRefine((band, ctx) => {
    const { min, max, warnMin, warnMax } = band;
    if (min === undefined && max === undefined && warnMin === undefined && warnMax === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a band needs at least one of min, max, warnMin, warnMax' });
    }
    if (min !== undefined && max !== undefined && min > max) ctx.addIssue({ code: 'custom', message: `min (${min}) is above max (${max})` });
    if (warnMin !== undefined && min !== undefined && warnMin < min)
      ctx.addIssue({ code: 'custom', path: ['warnMin'], message: `warnMin (${warnMin}) must be at or above min (${min})` });
    if (warnMax !== undefined && max !== undefined && warnMax > max)
      ctx.addIssue({ code: 'custom', path: ['warnMax'], message: `warnMax (${warnMax}) must be at or below max (${max})` });
    if (warnMin !== undefined && warnMax !== undefined && warnMin > warnMax)
      ctx.addIssue({ code: 'custom', path: ['warnMin'], message: `warnMin (${warnMin}) is above warnMax (${warnMax})` });
  });

export const healthSchema = z.strictObject({
  band: bandSchema,
  hysteresis: z.number().nonnegative().optional().describe('How far (in the KPI unit) a value must clear an edge before health improves.'),
  consecutive: z.int().min(1).optional().describe('Datapoints in a row in a new state before the state changes (default 1).'),
  staleAfter: z
    .string()
    .regex(/^\d+[mhdw]$/, 'a duration such as "90m", "36h", "2d" or "1w"')
    .optional()
    .describe('No successful sync for this long turns health to no_data. Default: two intervals.'),
});

export const normalizeSchema = z.strictObject({
  scale: z.number().optional(),
  round: z.int().min(0).max(12).optional(),
  aggregate: z.enum(['sum', 'avg', 'min', 'max', 'last', 'count']).optional(),
});

/** A data quality gate: a run past it stores nothing and fails (KS_ERR_QUALITY), with an alert. */
export const qualitySchema = z.strictObject({
  maxRejectedPercent: z
    .number()
    .min(0)
    .max(100)
    .optional()
    .describe('Most rows (or values) a run may reject, as a percentage of those it read, before the run stores nothing and fails. Default 5.'),
  minRows: z.int().min(0).optional().describe('Fewest rows (or values) a run must use; fewer stores nothing and fails. Default: no minimum.'),
});

export const kpiSchema = z
  .strictObject({
    id,
    name: z.string().min(1),
    description: z.string().optional(),
    category: z.string().min(1).describe('Dashboard group, e.g. Growth, Product, Distribution.'),
    tags: z.array(z.string()).optional(),
    indicator: z.enum(['leading', 'lagging']).optional().describe('Measure the activity, not only the outcome.'),
    unit: z.string().optional().describe('Shown after the value: "USD", "%", "bugs".'),
    interval: intervalSchema.default('day'),
    timezone: ianaZone.default('UTC'),
    schedule: z.string().optional().describe('Cron expression (5 or 6 fields). Default derives from the interval.'),
    source: z
      .strictObject({
        connection: id.describe('Id of an entry under connections.'),
        query: z.record(z.string(), z.unknown()).describe("The connector's query; validated by the connector's querySchema."),
      })
      .optional(),
    formula: z.string().min(1).optional().describe('An expression over other KPI ids, e.g. "ltv / cac".'),
    normalize: normalizeSchema.optional(),
    quality: qualitySchema.optional().describe("This KPI's data quality gate; overrides its connection's `quality`."),
    evaluate: z
      .enum(['closed', 'current'])
      .optional()
      .describe(
        'Which period health and KR progress judge: the last closed one or the current one. Default: closed for a month or quarter KPI whose query adds up what happened in the period (a sum, count or average), current otherwise. `kpi-sync validate` says which each KPI uses.',
      ),
    health: healthSchema.optional(),
    guard: z
      .strictObject({
        maxJumpPercent: z.number().positive().optional().describe('Hold KR pushes when the value moves more than this % from the previous period.'),
        holdOnZero: z.boolean().optional().describe('Hold KR pushes when the value drops to 0.'),
      })
      .optional()
      .describe('Sanity rule for KR pushes: a held push raises an alert and waits for `kpi-sync pushes approve ID`.'),
  })
  .superRefine((kpi, ctx) => {
    if ((kpi.source === undefined) === (kpi.formula === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a KPI needs exactly one of `source` or `formula`' });
    }
  });

export const krSchema = z
  .strictObject({
    id,
    title: z.string().min(1),
    kpi: id.describe('The KPI whose value this KR tracks.'),
    direction: z.enum(['increase', 'decrease', 'maintain']),
    start: z.number().optional().describe('Value at startDate (not needed for maintain).'),
    target: z.number().optional().describe('Value to reach by dueDate (not needed for maintain).'),
    band: bandSchema.optional().describe('For maintain KRs: the band the value must stay in.'),
    startDate: isoDate,
    dueDate: isoDate,
    kind: z.enum(['committed', 'aspirational']).default('committed'),
    indicator: z.enum(['leading', 'lagging']).optional(),
    owner: z.string().optional(),
    push: z
      .array(
        z.strictObject({
          target: id.describe('A name under targets.'),
          id: z.string().min(1).describe("This KR's id on the platform (e.g. the Quantive metric id)."),
          minInterval: duration.optional().describe('Also push an unchanged value when the last push is older than this.'),
        }),
      )
      .optional()
      .describe('OKR platforms this KR is pushed to.'),
    confidence: z.number().min(0).max(1).optional().describe('Fixed confidence to report (0–1); default: derived from on track / at risk / off track.'),
  })
  .superRefine((kr, ctx) => {
    if (kr.direction === 'maintain') {
      if (!kr.band) ctx.addIssue({ code: 'custom', path: ['band'], message: 'a maintain KR needs a band' });
    } else {
      if (kr.start === undefined) ctx.addIssue({ code: 'custom', path: ['start'], message: `an ${kr.direction} KR needs a start value` });
      if (kr.target === undefined) ctx.addIssue({ code: 'custom', path: ['target'], message: `an ${kr.direction} KR needs a target value` });
      if (kr.start !== undefined && kr.target !== undefined) {
        if (kr.direction === 'increase' && kr.target <= kr.start)
          ctx.addIssue({ code: 'custom', path: ['target'], message: `an increase KR needs target (${kr.target}) above start (${kr.start})` });
        if (kr.direction === 'decrease' && kr.target >= kr.start)
          ctx.addIssue({ code: 'custom', path: ['target'], message: `a decrease KR needs target (${kr.target}) below start (${kr.start})` });
      }
    }
    if (kr.dueDate <= kr.startDate)
      ctx.addIssue({ code: 'custom', path: ['dueDate'], message: `dueDate (${kr.dueDate}) must be after startDate (${kr.startDate})` });
  });

export const objectiveSchema = z.strictObject({
  id,
  title: z.string().min(1),
  description: z.string().optional(),
  owner: z.string().optional(),
  krs: z.array(krSchema).min(1),
});

/** A connection's common keys; the rest is checked by the connector named in `type`. */
export const connectionBaseSchema = z.looseObject({
  id,
  type: z.string().min(1).describe('A built-in connector (csv, salesforce, jira, intercom) or an npm package name.'),
  quality: qualitySchema.optional().describe('The data quality gate of every KPI on this connection (a KPI may override it).'),
});

export const settingsSchema = z.strictObject({
  store: z
    .strictObject({
      path: z.string().default('./data/kpi-sync.db').describe('SQLite file (embedded mode without a Postgres URL), relative to the working directory.'),
      url: secret(
        'postgres://user:password@host:5432/db — selects Postgres (required in queue mode); DATABASE_URL overrides it. Use ${ENV_VAR} for the password.',
      ).optional(),
      poolSize: z.int().min(1).max(1000).optional().describe('Postgres connections this process keeps (default 10).'),
      statementTimeoutMs: z.int().min(100).optional().describe('Postgres statement timeout, ms (default 30000).'),
    })
    .optional(),
  concurrency: z.int().min(1).max(256).default(4).describe('Syncs running at once in embedded mode.'),
  shutdownTimeout: z.int().min(0).default(30_000).describe('ms that in-flight syncs get to finish on SIGTERM.'),
  runOnStart: z.boolean().default(true).describe('Sync every KPI once at start, then follow the schedules.'),
  connectors: z.array(z.string()).optional().describe('npm packages that provide extra connectors.'),
  server: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: z.string().default('127.0.0.1').describe('Bind address. Anything beyond loopback requires `token`.'),
      port: z.int().min(0).max(65535).default(8787).describe('--port and KPI_SYNC_PORT override it.'),
      token: secret('bearer token for the read API and dashboard; use ${ENV_VAR}').optional(),
    })
    .default({ enabled: true, host: '127.0.0.1', port: 8787 }),
  queue: queueSettingsSchema.optional().describe('Queue mode (REDIS_URL set): worker concurrency, retries, and caps per connection.'),
  retention: retentionSettingsSchema
    .default(RETENTION_DEFAULTS)
    .describe('How long sync runs and delivered alerts and pushes are kept, and when a run left `running` counts as interrupted.'),
});

/** One YAML file. Every section is optional; the folder's files are merged. */
export const configFileSchema = z.strictObject({
  settings: settingsSchema.partial().optional(),
  connections: z.array(connectionBaseSchema).optional(),
  kpis: z.array(kpiSchema).optional(),
  objectives: z.array(objectiveSchema).optional(),
  alerts: alertsSchema.optional().describe('Alert destinations and the routes that send health transitions to them (one file only).'),
  targets: z.array(targetConfigSchema).optional().describe('OKR platforms KR progress is pushed to; KRs name them under `push`.'),
});

export type KpiConfig = z.infer<typeof kpiSchema>;
export type KrConfig = z.infer<typeof krSchema>;
export type ObjectiveConfig = z.infer<typeof objectiveSchema>;
export type ConnectionConfig = z.infer<typeof connectionBaseSchema>;
export type Settings = z.infer<typeof settingsSchema>;
export type ConfigFile = z.infer<typeof configFileSchema>;
