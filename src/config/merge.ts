import type { ConfigFileResult } from './config-file.ts';
import type { ConfigIssue, ConfigPath } from './issue.ts';
import { alertsSchema, type AlertsConfig } from './alerts.schema.ts';
import { connectionBaseSchema, krSchema, kpiSchema, objectiveSchema, settingsSchema } from './schema.ts';
import type { ConnectionConfig, KpiConfig, KrConfig, ObjectiveConfig, Settings } from './schema.ts';
import { issueAt, positionAt } from './yaml-source.ts';

/** A valid item of some file, with where it came from. */
export interface Entry<T> {
  value: T;
  origin: ConfigFileResult;
  path: ConfigPath;
}

/**
 * The folder's files merged by id. Only items that pass their own schema are kept
 * (so one bad KPI does not hide the others' problems); `known` holds every id seen,
 * valid or not, so references to an invalid item are not also reported as unknown.
 */
export interface MergedConfig {
  settings: Settings;
  /** The one file that holds `settings`, for issues about them. */
  settingsFrom?: ConfigFileResult;
  /** The `alerts` section, from the one file that has it. */
  alerts?: Entry<AlertsConfig>;
  connections: Entry<ConnectionConfig>[];
  kpis: Entry<KpiConfig>[];
  objectives: Entry<ObjectiveConfig>[];
  /** Every individually valid KR, also those of an objective that is invalid elsewhere. */
  krs: Entry<KrConfig>[];
  known: { connections: Set<string>; kpis: Set<string> };
  issues: ConfigIssue[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function itemsOf(data: unknown, section: string): unknown[] {
  if (!isRecord(data) || !Object.hasOwn(data, section)) return [];
  const items = data[section];
  return Array.isArray(items) ? items : [];
}

function idOf(item: unknown): string | undefined {
  return isRecord(item) && typeof item.id === 'string' ? item.id : undefined;
}

/** `config/a.yaml:3:7`, for "already defined at …". */
function placeOf(origin: ConfigFileResult, path: ConfigPath): string {
  const position = origin.source ? positionAt(origin.source, path) : undefined;
  return position ? `${origin.file}:${position.line}:${position.column}` : origin.file;
}

/** Ids of one kind across the folder; the first definition wins and later ones are errors. */
class IdRegistry {
  readonly kind: string;
  readonly seen = new Map<string, { origin: ConfigFileResult; path: ConfigPath }>();
  readonly issues: ConfigIssue[];

  constructor(kind: string, issues: ConfigIssue[]) {
    this.kind = kind;
    this.issues = issues;
  }

  /** Registers `id`; false (and an issue) when it was already defined. */
  claim(id: string, origin: ConfigFileResult, path: ConfigPath): boolean {
    const first = this.seen.get(id);
    if (first === undefined) {
      this.seen.set(id, { origin, path });
      return true;
    }
    if (origin.source) {
      const message = `duplicate ${this.kind} id "${id}": already defined at ${placeOf(first.origin, [...first.path, 'id'])}`;
      this.issues.push(issueAt(origin.source, [...path, 'id'], message));
    }
    return false;
  }
}

export function mergeFiles(files: readonly ConfigFileResult[]): MergedConfig {
  const issues: ConfigIssue[] = [];
  const connectionIds = new IdRegistry('connection', issues);
  const kpiIds = new IdRegistry('KPI', issues);
  const objectiveIds = new IdRegistry('objective', issues);
  const krIds = new IdRegistry('KR', issues);
  const merged: MergedConfig = {
    settings: settingsSchema.parse({}),
    connections: [],
    kpis: [],
    objectives: [],
    krs: [],
    known: { connections: new Set(), kpis: new Set() },
    issues,
  };

  let settingsFrom: ConfigFileResult | undefined;
  let alertsFrom: ConfigFileResult | undefined;
  for (const origin of files) {
    const data = origin.data;
    if (origin.parsed && isRecord(data) && Object.hasOwn(data, 'alerts')) {
      // Like settings: routes and destinations read as one piece, so they live in one file.
      if (alertsFrom === undefined) {
        alertsFrom = origin;
        const parsed = alertsSchema.safeParse(data.alerts);
        if (parsed.success) merged.alerts = { value: parsed.data, origin, path: ['alerts'] };
      } else if (origin.source) {
        const message = `alerts may appear in one file only; they are already in ${placeOf(alertsFrom, ['alerts'])}`;
        issues.push(issueAt(origin.source, ['alerts'], message, { atKey: true }));
      }
    }
    if (origin.parsed && isRecord(data) && Object.hasOwn(data, 'settings')) {
      // One file owns settings: merging them key by key would make the effective value depend on file names.
      if (settingsFrom === undefined) {
        settingsFrom = origin;
        merged.settingsFrom = origin;
        const parsed = settingsSchema.safeParse(data.settings);
        if (parsed.success) merged.settings = parsed.data;
      } else if (origin.source) {
        const message = `settings may appear in one file only; they are already in ${placeOf(settingsFrom, ['settings'])}`;
        issues.push(issueAt(origin.source, ['settings'], message, { atKey: true }));
      }
    }

    const sections = [
      ['connections', connectionIds, connectionBaseSchema, merged.connections, merged.known.connections],
      ['kpis', kpiIds, kpiSchema, merged.kpis, merged.known.kpis],
      ['objectives', objectiveIds, objectiveSchema, merged.objectives, undefined],
    ] as const;
    for (const [section, registry, schema, into, known] of sections) {
      itemsOf(data, section).forEach((item, index) => {
        const id = idOf(item);
        if (id === undefined) return;
        known?.add(id);
        if (!origin.parsed) return;
        const path = [section, index];
        if (!registry.claim(id, origin, path)) return;
        const parsed = schema.safeParse(item);
        if (parsed.success) (into as Entry<unknown>[]).push({ value: parsed.data, origin, path });
      });
    }

    if (!origin.parsed) continue;
    itemsOf(data, 'objectives').forEach((objective, objectiveIndex) => {
      itemsOf(objective, 'krs').forEach((kr, index) => {
        const id = idOf(kr);
        const path = ['objectives', objectiveIndex, 'krs', index];
        if (id === undefined || !krIds.claim(id, origin, path)) return;
        const parsed = krSchema.safeParse(kr);
        if (parsed.success) merged.krs.push({ value: parsed.data, origin, path });
      });
    });
  }
  return merged;
}
