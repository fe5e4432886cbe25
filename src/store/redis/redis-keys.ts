import { KsError } from '../../sdk/errors.ts';

/** Outbox statuses and channels as the small integers the Lua scripts index key lists with. */
export const OUTBOX_STATUS = { pending: 0, delivered: 1, failed: 2, dead: 3, held: 4 } as const;
export const OUTBOX_CHANNEL = { alert: 0, push: 1 } as const;
export const OUTBOX_STATUSES = Object.keys(OUTBOX_STATUS) as (keyof typeof OUTBOX_STATUS)[];
export const OUTBOX_CHANNELS = Object.keys(OUTBOX_CHANNEL) as (keyof typeof OUTBOX_CHANNEL)[];

/** Where the record id starts in a member: `ms`, `seq:id`, `created seq:id`. */
export const ID_AT = { datapoint: 1, seq: 18, due: 35 } as const;

/**
 * Every key the Redis store uses, built from one prefix. A key is
 * `<prefix>:<kind>:<id>` where `kind` is fixed and `id` (a KPI, KR) is the whole
 * rest of the key, so no KPI name can reach another KPI's or another kind's key,
 * whatever separators it holds. The prefix itself may not hold `:` or glob
 * characters, so one prefix is never the beginning of another's keys.
 */
export class RedisKeys {
  readonly prefix: string;
  readonly schema: string;
  readonly health: string;
  readonly cursors: string;
  /** `running`: runs whose status is running; `runningIndexed`: set once `running` covers runs saved before it existed. */
  readonly runs: { records: string; meta: string; seq: string; all: string; running: string; runningIndexed: string };
  /** In the order the outbox scripts expect: records, meta, seq, due, then one index per (status, channel). */
  readonly outbox: string[];

  constructor(prefix: string) {
    if (!/^[\w.{}-]+$/.test(prefix)) {
      throw new KsError(
        'KS_ERR_CONFIG',
        `Redis key prefix "${prefix}" is not usable: use letters, digits, "_", "-", "." (and {} for a Redis Cluster hash tag), no ":" or glob characters.`,
      );
    }
    const p = `${prefix}:`;
    this.prefix = prefix;
    this.schema = `${p}schema`;
    this.health = `${p}health`;
    this.cursors = `${p}cursor`;
    this.runs = {
      records: `${p}run:rec`,
      meta: `${p}run:meta`,
      seq: `${p}run:seq`,
      all: `${p}run:all`,
      running: `${p}run:running`,
      runningIndexed: `${p}run:running-indexed`,
    };
    this.outbox = [`${p}ob:rec`, `${p}ob:meta`, `${p}ob:seq`, `${p}ob:due`];
    for (const status of OUTBOX_STATUSES) {
      for (const channel of OUTBOX_CHANNELS) this.outbox.push(`${p}ob:ix:${status}:${channel}`);
    }
  }

  /** Period instants (epoch ms) of one KPI, scored by the same ms. */
  datapointIndex(kpi: string): string {
    return `${this.prefix}:dp:z:${kpi}`;
  }

  /** One KPI's datapoints: field = period epoch ms, value = encoded point. */
  datapoints(kpi: string): string {
    return `${this.prefix}:dp:h:${kpi}`;
  }

  transitions(kpi: string): string {
    return `${this.prefix}:tr:${kpi}`;
  }

  progress(kr: string): string {
    return `${this.prefix}:kr:${kr}`;
  }

  /** Run ids of one KPI; the prefix part is also handed to Lua to find a KPI's old index. */
  runsOfKpi(kpi: string): string {
    return `${this.runsOfKpiPrefix}${kpi}`;
  }

  get runsOfKpiPrefix(): string {
    return `${this.prefix}:run:k:`;
  }

  /** The outbox index keys for these statuses and channels (all when unset). */
  outboxIndexes(statuses: readonly string[] | undefined, channel: string | undefined): string[] {
    const keys: string[] = [];
    for (const [s, status] of OUTBOX_STATUSES.entries()) {
      if (statuses && statuses.length > 0 && !statuses.includes(status)) continue;
      for (const [c, name] of OUTBOX_CHANNELS.entries()) {
        if (channel === undefined || channel === name) keys.push(this.outbox[4 + s * OUTBOX_CHANNELS.length + c]!);
      }
    }
    return keys;
  }

  /** A SCAN pattern matching every key of this prefix (for tests and `kpi-sync` maintenance). */
  get pattern(): string {
    return `${this.prefix}:*`;
  }
}

/**
 * An epoch-ms instant as fixed-width text whose byte order is numeric order, so it
 * can lead a sorted-set member and break ties between equal scores. Date.parse
 * yields at most ±8.64e15, 16 digits; negatives are shifted by 8.64e15 under a
 * lower lead digit, which stays within exact doubles.
 */
export function sortableMs(ms: number): string {
  return ms < 0 ? `0${String(ms + 8_640_000_000_000_000).padStart(16, '0')}` : `1${String(ms).padStart(16, '0')}`;
}
