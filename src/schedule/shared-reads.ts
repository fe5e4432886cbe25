import type { Catalog } from '../config/catalog.ts';

/** KPI → its connection and share key, for the KPIs whose connector serves several from one read. */
export function sharedReadsOf(catalog: Catalog): Map<string, string> {
  const shared = new Map<string, string>();
  for (const kpi of catalog.kpis.values()) {
    const connection = kpi.source ? catalog.connections.get(kpi.source.connection) : undefined;
    const key = connection?.connector.shareKey?.(connection.settings, kpi.query);
    if (connection && key !== undefined) shared.set(kpi.id, JSON.stringify([connection.id, key]));
  }
  return shared;
}
