import type { AlertRoute } from '../domain/alert-routing.ts';
import type { FormulaAst } from '../domain/formula.ts';
import type { DestinationConfig } from '../notify/destinations/schemas.ts';
import type { TargetConfig } from '../notify/targets/target-schemas.ts';
import type { Connector } from '../sdk/connector.ts';
import type { ConfigIssue } from './issue.ts';
import type { KpiConfig, KrConfig, ObjectiveConfig, Settings } from './schema.ts';

export { ConfigValidationError, formatIssue, formatPath } from './issue.ts';
export type { ConfigIssue, ConfigPath } from './issue.ts';

/**
 * Finds the connector for a connection's `type`. The composition root supplies it:
 * built-ins first, then the npm packages named in `settings.connectors` (passed in as
 * `packages`, since they are only known once the folder is read). Resolves to undefined
 * for an unknown type, or rejects when a package fails to load; `known` (when present)
 * is listed in the "unknown type" error.
 */
export interface ConnectorRegistry {
  (type: string, context: { packages: readonly string[]; configDir?: string }): Promise<Connector | undefined>;
  readonly known?: readonly string[];
}

/** Which period a KPI's health and KR progress judge, and why (src/config/evaluation.ts decides). */
export interface Evaluation {
  period: 'closed' | 'current';
  /** Why, for `kpi-sync validate`: "set in the config", "its csv query aggregates what happened during the month". */
  reason: string;
}

/** A connection whose settings passed its connector's `connectionSchema`. */
export interface LoadedConnection {
  id: string;
  type: string;
  /** The connector's parsed connection settings (without `id` and `type`). */
  settings: unknown;
  connector: Connector;
  /** The YAML file that defined it. */
  file: string;
  /** Absolute folder of that file: relative paths in the settings resolve against it. */
  baseDir: string;
  /** The data quality gate of the connection's KPIs (each may override it). */
  quality?: { maxRejectedPercent?: number | undefined; minRows?: number | undefined };
}

/** A KPI's data quality gate after defaults: the KPI's, else its connection's, else 5% rejects and no minimum. */
export interface QualityGate {
  maxRejectedPercent: number;
  minRows?: number;
}

/** A KPI with defaults applied; `query` parsed by its connector, `formulaAst` for formula KPIs. */
export type LoadedKpi = KpiConfig & {
  file: string;
  query?: unknown;
  formulaAst?: FormulaAst;
  /** The KPI ids a formula reads, in order of first use. */
  inputs?: string[];
  /** Which period health and KR progress judge, and why (src/config/evaluation.ts). */
  evaluation: Evaluation;
  /** The data quality gate in force (defaults applied); formulas have none. */
  gate?: QualityGate;
};

/** A validated config folder: every file merged, every reference checked. */
export interface Catalog {
  dir: string;
  /** The YAML files read, sorted. */
  files: string[];
  /** Defaults applied. */
  settings: Settings;
  connections: Map<string, LoadedConnection>;
  kpis: Map<string, LoadedKpi>;
  objectives: ObjectiveConfig[];
  krs: Map<string, { kr: KrConfig; objective: ObjectiveConfig }>;
  /** The same KRs by the KPI they measure, for the per-sync lookups. */
  krsByKpi: Map<string, Array<{ kr: KrConfig; objective: ObjectiveConfig }>>;
  /** Every resolved secret value (interpolations and `secret()` fields), for log redaction. */
  secrets: string[];
  warnings: ConfigIssue[];
  /** Formula KPI ids, every formula after the formulas it reads. */
  formulaOrder: string[];
  alerts: LoadedAlerts;
  /** OKR platforms KR progress is pushed to. */
  targets: TargetConfig[];
}

/** The `alerts` section with durations in milliseconds and routes in the domain's shape. */
export interface LoadedAlerts {
  destinations: DestinationConfig[];
  routes: AlertRoute[];
  dashboardUrl?: string;
  delivery: { maxAgeMs: number; baseDelayMs: number; maxDelayMs: number; leaseMs: number };
}
