import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtInConnectors } from '../../connectors/index.ts';
import { ConfigError, type Connector } from '../sdk/index.ts';

function looksLikeConnector(value: unknown): value is Connector {
  const c = value as Partial<Connector> | undefined;
  return Boolean(c && typeof c.type === 'string' && typeof c.fetch === 'function' && typeof c.check === 'function' && c.connectionSchema && c.querySchema);
}

/**
 * Resolves a connection `type` to a connector: a built-in by name, otherwise an npm
 * package (resolved from the working directory, so operators `npm install` it next
 * to their config) whose default export is a connector.
 */
export function createConnectorRegistry(cwd = process.cwd()): (type: string) => Promise<Connector | undefined> {
  const builtIns = new Map(builtInConnectors.map((c) => [c.type, c]));
  const loaded = new Map<string, Promise<Connector | undefined>>();
  const require = createRequire(path.join(cwd, 'package.json'));

  const loadPackage = async (name: string): Promise<Connector | undefined> => {
    let resolved: string;
    try {
      resolved = require.resolve(name);
    } catch {
      return undefined;
    }
    const mod = (await import(pathToFileURL(resolved).href)) as { default?: unknown };
    if (!looksLikeConnector(mod.default)) {
      throw new ConfigError(`package "${name}" does not export a connector (expected a default export made with defineConnector)`);
    }
    return mod.default;
  };

  return (type) => {
    const builtIn = builtIns.get(type);
    if (builtIn) return Promise.resolve(builtIn);
    let pending = loaded.get(type);
    if (!pending) loaded.set(type, (pending = loadPackage(type)));
    return pending;
  };
}

/** The built-in connectors themselves (the JSON Schema of `kpi-sync schema` has a branch per type). */
export function builtIns(): readonly Connector[] {
  return builtInConnectors;
}

export function builtInTypes(): string[] {
  return builtInConnectors.map((c) => c.type);
}
