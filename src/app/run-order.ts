import type { Catalog } from '../config/catalog.ts';
import { unknownId } from '../config/suggest.ts';

/**
 * The KPIs to sync for a one-off run, source KPIs first and formula KPIs after their
 * inputs. Asking for a formula KPI alone runs just it, on its inputs' stored values.
 */
export function runOrder(catalog: Catalog, only?: string[]): string[] {
  const wanted = only && only.length > 0 ? new Set(only) : undefined;
  for (const id of wanted ?? []) {
    if (!catalog.kpis.has(id)) throw unknownId('KPI', id, catalog.kpis.keys());
  }
  const sources = [...catalog.kpis.values()].filter((k) => !k.formula).map((k) => k.id);
  return [...sources, ...catalog.formulaOrder].filter((id) => !wanted || wanted.has(id));
}
