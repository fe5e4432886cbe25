import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtInConnectors, loadBuiltInConnectors } from '../../connectors/index.ts';
import type { ConnectorRegistry } from '../config/catalog.ts';
import { ConfigError, type Connector } from '../sdk/index.ts';
import { PACKAGE_ROOT } from './package-info.ts';

/** What a default export must have to be a connector, as "what is missing" for the error. */
function missingParts(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return ['a default export made with defineConnector (found none)'];
  const c = value as Record<string, unknown>;
  const isSchema = (s: unknown) => Boolean(s && typeof (s as { safeParse?: unknown }).safeParse === 'function');
  const missing: string[] = [];
  if (typeof c.type !== 'string') missing.push('`type` (a string)');
  if (typeof c.description !== 'string') missing.push('`description` (a string)');
  if (!isSchema(c.connectionSchema)) missing.push('`connectionSchema` (a zod schema)');
  if (!isSchema(c.querySchema)) missing.push('`querySchema` (a zod schema)');
  if (typeof c.check !== 'function') missing.push('`check` (a function)');
  if (typeof c.fetch !== 'function') missing.push('`fetch` (a function)');
  return missing;
}

/**
 * Resolves a connection `type` to a connector: a built-in by name, loaded on first
 * use; otherwise an npm package, but ONLY when the config lists it in
 * settings.connectors — a config cannot make kpi-sync import an arbitrary module.
 * A listed package is resolved next to the config folder, then from the working
 * directory, then next to kpi-sync itself (a global install). The config loader
 * suggests the closest known type for an unknown one.
 */
export function createConnectorRegistry(cwd = process.cwd()): ConnectorRegistry {
  const builtIns = new Map(builtInConnectors.map((c) => [c.type, c]));
  const loaded = new Map<string, Promise<Connector | undefined>>();

  const resolvePackage = (name: string, configDir: string | undefined): string => {
    const places = [...(configDir ? [configDir] : []), cwd, PACKAGE_ROOT];
    for (const place of places) {
      try {
        return createRequire(path.join(place, 'package.json')).resolve(name);
      } catch {
        // not installed there
      }
    }
    throw new ConfigError(
      `package "${name}" is listed in settings.connectors but is not installed; run \`npm install ${name}\` next to the config folder (looked in ${places.join(', ')})`,
    );
  };

  const loadPackage = async (name: string, configDir: string | undefined): Promise<Connector> => {
    const mod = (await import(pathToFileURL(resolvePackage(name, configDir)).href)) as { default?: unknown };
    const missing = missingParts(mod.default);
    if (missing.length > 0) throw new ConfigError(`package "${name}" exports no valid connector: its default export lacks ${missing.join(', ')}`);
    const connector = mod.default as Connector;
    if (connector.type !== name)
      throw new ConfigError(`package "${name}" exports a connector of type "${connector.type}"; a packaged connector's type must be its package name`);
    return connector;
  };

  const registry = (type: string, context: { packages: readonly string[]; configDir?: string }): Promise<Connector | undefined> => {
    const builtIn = builtIns.get(type);
    if (!builtIn && !context.packages.includes(type)) return Promise.resolve(undefined);
    let pending = loaded.get(type);
    if (!pending) loaded.set(type, (pending = builtIn ? builtIn.load() : loadPackage(type, context.configDir)));
    return pending;
  };
  return Object.assign(registry, { known: builtInConnectors.map((c) => c.type) });
}

/** The built-in connectors, loaded (the JSON Schema of `kpi-sync schema` has a branch per type). */
export function builtIns(): Promise<Connector[]> {
  return loadBuiltInConnectors();
}

export function builtInTypes(): string[] {
  return builtInConnectors.map((c) => c.type);
}
