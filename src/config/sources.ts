import path from 'node:path';
import type { z } from 'zod';
import type { Connector } from '../sdk/connector.ts';
import type { ConnectorRegistry, LoadedConnection } from './catalog.ts';
import { isSensitiveAt, isUnresolvedAt } from './config-file.ts';
import type { ConfigFileResult } from './config-file.ts';
import type { ConfigIssue, ConfigPath } from './issue.ts';
import type { Entry } from './merge.ts';
import { collectSecrets, isSecretAt } from './schema-walk.ts';
import type { ConnectionConfig, KpiConfig } from './schema.ts';
import { didYouMean, suggest } from './suggest.ts';
import { issueAt } from './yaml-source.ts';
import { describeZodIssues } from './zod-issues.ts';

/** What checking items against their connectors' schemas produced. */
export interface SourceCheck<T> {
  loaded: Map<string, T>;
  issues: ConfigIssue[];
  secrets: string[];
}

/**
 * Validates `value` (found at `at` in `origin`) with a connector's schema. Issue values
 * are hidden under `secret()` fields and wherever an interpolation happened.
 */
async function validateWith(
  schema: z.ZodType,
  value: unknown,
  origin: ConfigFileResult,
  at: ConfigPath,
  check: SourceCheck<unknown>,
): Promise<{ ok: true; data: unknown } | { ok: false }> {
  for (const found of collectSecrets(schema, value, at)) {
    // A reference that failed to resolve is the config's own text, not a credential.
    if (!isUnresolvedAt(origin, found.path)) check.secrets.push(found.value);
  }
  const parsed = await schema.safeParseAsync(value);
  if (parsed.success) return { ok: true, data: parsed.data };
  const described = describeZodIssues(parsed.error.issues, {
    schema,
    data: value,
    at,
    hidden: (local) => isSecretAt(schema, local) || isSensitiveAt(origin, [...at, ...local]),
  });
  if (origin.source) {
    for (const issue of described) {
      if (!isUnresolvedAt(origin, issue.path)) check.issues.push(issueAt(origin.source, issue.path, issue.message, { atKey: issue.atKey ?? false }));
    }
  }
  return { ok: false };
}

/**
 * Resolves each connection's connector and validates its settings (every key but
 * `id` and `type`) with the connector's `connectionSchema`.
 */
export async function loadConnections(
  entries: readonly Entry<ConnectionConfig>[],
  registry: ConnectorRegistry,
  packages: readonly string[],
): Promise<SourceCheck<LoadedConnection>> {
  const check: SourceCheck<LoadedConnection> = { loaded: new Map(), issues: [], secrets: [] };
  const connectors = new Map<string, Promise<Connector | undefined>>();
  // Did-you-mean over the built-ins and the packages this config lists.
  const known = [...new Set([...(registry.known ?? []), ...packages])];
  for (const { value, origin, path: at } of entries) {
    const { id, type, quality, ...settings } = value;
    let pending = connectors.get(type);
    if (pending === undefined) {
      pending = Promise.resolve().then(() => registry(type, { packages, configDir: path.dirname(origin.file) }));
      connectors.set(type, pending);
    }
    let connector: Connector | undefined;
    try {
      connector = await pending;
    } catch (error) {
      if (origin.source) {
        const reason = error instanceof Error ? error.message : String(error);
        check.issues.push(issueAt(origin.source, [...at, 'type'], `cannot load connector "${type}": ${reason}`));
      }
      continue;
    }
    if (connector === undefined) {
      if (origin.source) {
        const guess = suggest(type, known);
        let message = `unknown connector type "${type}"`;
        if (guess !== undefined) message += ` (did you mean "${guess}"?)`;
        if (known.length > 0) message += `; known types: ${known.join(', ')}`;
        message += '; a connector from npm must be installed and listed in settings.connectors';
        check.issues.push(issueAt(origin.source, [...at, 'type'], message));
      }
      continue;
    }
    const result = await validateWith(connector.connectionSchema, settings, origin, at, check as SourceCheck<unknown>);
    if (!result.ok) continue;
    check.loaded.set(id, {
      id,
      type,
      settings: result.data,
      connector,
      file: origin.file,
      baseDir: path.resolve(path.dirname(origin.file)),
      ...(quality ? { quality } : {}),
    });
  }
  return check;
}

/**
 * Checks that each sourced KPI names a defined connection and validates its `query`
 * with that connection's connector. A connection that is defined but invalid is
 * already reported, so its KPIs' queries are not checked.
 */
export async function checkKpiQueries(
  entries: readonly Entry<KpiConfig>[],
  connections: ReadonlyMap<string, LoadedConnection>,
  knownConnections: ReadonlySet<string>,
): Promise<SourceCheck<unknown>> {
  const check: SourceCheck<unknown> = { loaded: new Map(), issues: [], secrets: [] };
  for (const { value: kpi, origin, path: at } of entries) {
    if (kpi.source === undefined) continue;
    const name = kpi.source.connection;
    if (!knownConnections.has(name)) {
      if (origin.source) {
        const hint =
          didYouMean(name, knownConnections) ||
          (knownConnections.size > 0 ? `; defined connections: ${[...knownConnections].join(', ')}` : '; no connections are defined');
        check.issues.push(issueAt(origin.source, [...at, 'source', 'connection'], `unknown connection "${name}"${hint}`));
      }
      continue;
    }
    const connection = connections.get(name);
    if (connection === undefined) continue;
    const result = await validateWith(connection.connector.querySchema, kpi.source.query, origin, [...at, 'source', 'query'], check);
    if (result.ok) check.loaded.set(kpi.id, result.data);
  }
  return check;
}
