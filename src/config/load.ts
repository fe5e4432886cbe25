import type { Dirent } from 'node:fs';
import { readdir, readFile as fsReadFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Catalog, ConnectorRegistry, LoadedKpi } from './catalog.ts';
import { loadConfigFile } from './config-file.ts';
import type { ConfigFileResult } from './config-file.ts';
import { alertsSchema } from './alerts.schema.ts';
import { loadedAlerts } from './alerts.ts';
import { resolveEvaluations } from './evaluation.ts';
import { checkFormulas } from './formulas.ts';
import { collectSecrets } from './schema-walk.ts';
import { targetConfigSchema, type TargetConfig } from '../notify/targets/target-schemas.ts';
import { ConfigValidationError } from './issue.ts';
import type { ConfigIssue } from './issue.ts';
import { mergeFiles } from './merge.ts';
import { readSecretFile } from './secret-file.ts';
import type { MergedConfig } from './merge.ts';
import type { KrConfig, ObjectiveConfig } from './schema.ts';
import { checkKpiQueries, loadConnections } from './sources.ts';
import { didYouMean } from './suggest.ts';
import { issueAt } from './yaml-source.ts';

export type { ConnectorRegistry } from './catalog.ts';

export interface LoadOptions {
  connectors: ConnectorRegistry;
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
  /**
   * Reads the YAML files and `${file:}` references. Default: fs (UTF-8) for the YAML
   * files, and readSecretFile for secrets (regular files only, 64 KiB, 2 s).
   */
  readFile?: (file: string) => Promise<string>;
}

/** Rejected rows a run may have, in percent, unless a KPI or connection says otherwise. */
export const DEFAULT_MAX_REJECTED_PERCENT = 5;

/** Past this many KRs an objective gets a warning: focus is the point of an objective. */
export const MAX_KRS_PER_OBJECTIVE = 5;

const CONFIG_FILE = /\.ya?ml$/i;
const REDACTED = '[redacted]';
/** Shorter secrets are not scrubbed from messages (they would garble them); their values are never shown anyway. */
const MIN_SCRUB_LENGTH = 3;

function folderError(dir: string, message: string): ConfigValidationError {
  return new ConfigValidationError([{ file: dir, path: '', message, severity: 'error' }]);
}

/**
 * The folder's *.yaml / *.yml files, sorted, not recursive. Hidden entries are skipped
 * (Kubernetes mounts a ConfigMap as `..data` symlinks, editors leave `.swp` files);
 * symlinks to files are followed.
 */
export async function listConfigFiles(dir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ENOENT') throw folderError(dir, 'config folder not found');
    if (code === 'ENOTDIR') throw folderError(dir, 'expected a config folder, found a file');
    throw folderError(dir, `cannot read the config folder (${typeof code === 'string' ? code : 'unknown error'})`);
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || !CONFIG_FILE.test(entry.name)) continue;
    const file = path.join(dir, entry.name);
    if (
      entry.isFile() ||
      (entry.isSymbolicLink() &&
        (await stat(file).then(
          (s) => s.isFile(),
          () => false,
        )))
    )
      files.push(file);
  }
  if (files.length === 0) throw folderError(dir, 'no *.yaml or *.yml files in the config folder');
  return files.sort();
}

/** Route → destination references, and names that must be unique. */
function checkAlerts(merged: MergedConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const entry = merged.alerts;
  if (!entry?.origin.source) return issues;
  const { value: alerts, origin } = entry;
  const source = origin.source!;
  const names = new Set<string>();
  alerts.destinations.forEach((destination, index) => {
    if (names.has(destination.name))
      issues.push(issueAt(source, ['alerts', 'destinations', index, 'name'], `duplicate destination name "${destination.name}"`));
    names.add(destination.name);
  });
  const routes = new Set<string>();
  alerts.routes.forEach((route, index) => {
    if (routes.has(route.name)) issues.push(issueAt(source, ['alerts', 'routes', index, 'name'], `duplicate route name "${route.name}"`));
    routes.add(route.name);
    route.destinations.forEach((name, at) => {
      if (!names.has(name)) {
        issues.push(
          issueAt(
            source,
            ['alerts', 'routes', index, 'destinations', at],
            `unknown destination "${name}"${didYouMean(name, names)}; known: ${[...names].join(', ') || 'none'}`,
          ),
        );
      }
    });
    route.match.kpis?.forEach((kpi, at) => {
      if (!merged.known.kpis.has(kpi))
        issues.push(issueAt(source, ['alerts', 'routes', index, 'match', 'kpis', at], `unknown KPI "${kpi}"${didYouMean(kpi, merged.known.kpis)}`));
    });
  });
  return issues;
}

/** `targets:` from every file, names unique (and distinct from alert destinations), and every KR push naming one. */
function loadTargets(results: readonly ConfigFileResult[], merged: MergedConfig): { targets: TargetConfig[]; issues: ConfigIssue[]; secrets: string[] } {
  const targets: TargetConfig[] = [];
  const issues: ConfigIssue[] = [];
  const secrets: string[] = [];
  const seen = new Map<string, string>();
  const destinations = new Set(merged.alerts?.value.destinations.map((d) => d.name) ?? []);
  for (const result of results) {
    const data = result.data as { targets?: unknown } | undefined;
    if (!result.parsed || !result.source || !Array.isArray(data?.targets)) continue;
    data.targets.forEach((item: unknown, index: number) => {
      const parsed = targetConfigSchema.safeParse(item);
      if (!parsed.success) return; // the file-level schema already reported it, at its line
      const at = ['targets', index, 'name'];
      const first = seen.get(parsed.data.name);
      if (first) issues.push(issueAt(result.source!, at, `duplicate target name "${parsed.data.name}": already defined in ${first}`));
      else if (destinations.has(parsed.data.name))
        issues.push(
          issueAt(result.source!, at, `"${parsed.data.name}" is also an alert destination name; outbox entries find their receiver by name, so use another`),
        );
      else {
        seen.set(parsed.data.name, result.file);
        targets.push(parsed.data);
        secrets.push(...collectSecrets(targetConfigSchema, parsed.data).map((found) => found.value));
      }
    });
  }
  for (const { value: kr, origin, path: at } of merged.krs) {
    kr.push?.forEach((push, index) => {
      if (!seen.has(push.target) && origin.source) {
        issues.push(
          issueAt(origin.source, [...at, 'push', index, 'target'], `unknown target "${push.target}"${didYouMean(push.target, new Set(seen.keys()))}`),
        );
      }
    });
  }
  return { targets, issues, secrets };
}

/** `settings.queue.connections` keys name connections (or `default`): a typo would silently lift a cap. */
function checkQueueSettings(merged: MergedConfig): ConfigIssue[] {
  const source = merged.settingsFrom?.source;
  const limits = merged.settings.queue?.connections ?? {};
  if (!source) return [];
  return Object.keys(limits)
    .filter((key) => key !== 'default' && !merged.known.connections.has(key))
    .map((key) =>
      issueAt(
        source,
        ['settings', 'queue', 'connections', key],
        `unknown connection "${key}"; use a connection id or "default"${didYouMean(key, merged.known.connections)}`,
        { atKey: true },
      ),
    );
}

function checkObjectives(merged: MergedConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const { value: kr, origin, path: at } of merged.krs) {
    if (!merged.known.kpis.has(kr.kpi) && origin.source) {
      issues.push(issueAt(origin.source, [...at, 'kpi'], `unknown KPI "${kr.kpi}"${didYouMean(kr.kpi, merged.known.kpis)}`));
    }
  }
  for (const { value: objective, origin, path: at } of merged.objectives) {
    if (objective.krs.length > MAX_KRS_PER_OBJECTIVE && origin.source) {
      const message = `objective "${objective.id}" has ${objective.krs.length} KRs; more than ${MAX_KRS_PER_OBJECTIVE} dilutes focus`;
      issues.push(issueAt(origin.source, [...at, 'krs'], message, { severity: 'warning', atKey: true }));
    }
  }
  return issues;
}

/** Removes every resolved secret from messages: the last line of defence if a value slipped into one. */
function scrub(issues: ConfigIssue[], secrets: readonly string[]): ConfigIssue[] {
  const values = [...new Set(secrets)].filter((value) => value.length >= MIN_SCRUB_LENGTH).sort((a, b) => b.length - a.length);
  if (values.length === 0) return issues;
  return issues.map((issue) => ({ ...issue, message: values.reduce((message, value) => message.replaceAll(value, REDACTED), issue.message) }));
}

function sortIssues(issues: ConfigIssue[], files: readonly string[]): ConfigIssue[] {
  // Folder-level issues (file not in the list) come first.
  const order = (file: string) => files.indexOf(file);
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort(
      (a, b) =>
        order(a.issue.file) - order(b.issue.file) ||
        (a.issue.line ?? 0) - (b.issue.line ?? 0) ||
        (a.issue.column ?? 0) - (b.issue.column ?? 0) ||
        a.index - b.index,
    )
    .map(({ issue }) => issue);
}

/**
 * Reads, validates and merges every YAML file of `dir` into a Catalog. Throws a
 * ConfigValidationError carrying every error of every file at once; warnings of a
 * valid folder are returned in `catalog.warnings`. Nothing is started or connected.
 */
export async function loadCatalog(dir: string, options: LoadOptions): Promise<Catalog> {
  const env = options.env ?? process.env;
  const readFile = options.readFile ?? ((file: string) => fsReadFile(file, 'utf8'));
  const readSecret = options.readFile ?? ((file: string) => readSecretFile(file));
  const files = await listConfigFiles(dir);
  const results: ConfigFileResult[] = await Promise.all(files.map((file) => loadConfigFile(file, { env, readFile, readSecretFile: readSecret })));

  const merged = mergeFiles(results);
  const connections = await loadConnections(merged.connections, options.connectors, merged.settings.connectors ?? []);
  const queries = await checkKpiQueries(merged.kpis, connections.loaded, merged.known.connections);
  const formulas = checkFormulas(merged.kpis, merged.known.kpis);
  const targets = loadTargets(results, merged);
  const alertSecrets = merged.alerts ? collectSecrets(alertsSchema, merged.alerts.value).map((found) => found.value) : [];
  const secrets = [
    ...new Set([...results.flatMap((result) => result.secrets), ...connections.secrets, ...queries.secrets, ...alertSecrets, ...targets.secrets]),
  ];
  const issues = sortIssues(
    scrub(
      [
        ...results.flatMap((result) => result.issues),
        ...merged.issues,
        ...connections.issues,
        ...queries.issues,
        ...formulas.issues,
        ...checkObjectives(merged),
        ...checkAlerts(merged),
        ...checkQueueSettings(merged),
        ...targets.issues,
      ],
      secrets,
    ),
    files,
  );
  if (issues.some((issue) => issue.severity === 'error')) throw new ConfigValidationError(issues);

  const kpis = new Map<string, LoadedKpi>();
  for (const { value, origin } of merged.kpis) {
    // Resolved below, once every KPI (and so every formula's inputs) is known.
    const kpi: LoadedKpi = { ...value, file: origin.file, evaluation: { period: 'current', reason: '' } };
    if (queries.loaded.has(value.id)) kpi.query = queries.loaded.get(value.id);
    const formula = formulas.parsed.get(value.id);
    if (formula !== undefined) {
      kpi.formulaAst = formula.ast;
      kpi.inputs = formula.inputs;
    }
    kpis.set(value.id, kpi);
  }
  for (const [id, evaluation] of resolveEvaluations(kpis, connections.loaded, formulas.order)) kpis.get(id)!.evaluation = evaluation;
  for (const kpi of kpis.values()) {
    if (!kpi.source) continue;
    const inherited = connections.loaded.get(kpi.source.connection)?.quality;
    const minRows = kpi.quality?.minRows ?? inherited?.minRows;
    kpi.gate = {
      maxRejectedPercent: kpi.quality?.maxRejectedPercent ?? inherited?.maxRejectedPercent ?? DEFAULT_MAX_REJECTED_PERCENT,
      ...(minRows === undefined ? {} : { minRows }),
    };
  }
  const objectives = merged.objectives.map((entry) => entry.value);
  const krs = new Map<string, { kr: KrConfig; objective: ObjectiveConfig }>();
  const krsByKpi = new Map<string, Array<{ kr: KrConfig; objective: ObjectiveConfig }>>();
  for (const objective of objectives) {
    for (const kr of objective.krs) {
      krs.set(kr.id, { kr, objective });
      krsByKpi.set(kr.kpi, [...(krsByKpi.get(kr.kpi) ?? []), { kr, objective }]);
    }
  }

  return {
    dir,
    files,
    settings: merged.settings,
    connections: connections.loaded,
    kpis,
    objectives,
    krs,
    krsByKpi,
    secrets,
    warnings: issues.filter((issue) => issue.severity === 'warning'),
    formulaOrder: formulas.order,
    alerts: loadedAlerts(merged.alerts?.value),
    targets: targets.targets,
  };
}
