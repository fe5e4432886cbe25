/**
 * The built-in connectors, by type, each loaded only when a config has a connection
 * of that type (src/app/connector-registry.ts): a CSV-only install never loads the
 * Salesforce or Jira clients. Connectors from npm are named in settings.connectors.
 */
import type { Connector } from '../src/sdk/index.ts';

export interface BuiltInConnector {
  type: string;
  load(): Promise<Connector>;
}

export const builtInConnectors: readonly BuiltInConnector[] = [
  { type: 'csv', load: async () => (await import('./csv/index.ts')).default },
  { type: 'salesforce', load: async () => (await import('./salesforce/index.ts')).default },
  { type: 'jira', load: async () => (await import('./jira/index.ts')).default },
  { type: 'intercom', load: async () => (await import('./intercom/index.ts')).default },
  { type: 'sql', load: async () => (await import('./sql/index.ts')).default },
  { type: 'prometheus', load: async () => (await import('./prometheus/index.ts')).default },
  { type: 'http', load: async () => (await import('./http/index.ts')).default },
  { type: 'stripe', load: async () => (await import('./stripe/index.ts')).default },
  { type: 'github', load: async () => (await import('./github/index.ts')).default },
  { type: 'hubspot', load: async () => (await import('./hubspot/index.ts')).default },
];

/** Every built-in connector, loaded (`kpi-sync schema`, tests). */
export function loadBuiltInConnectors(): Promise<Connector[]> {
  return Promise.all(builtInConnectors.map((c) => c.load()));
}
