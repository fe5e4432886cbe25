import cron from 'node-cron';
import { ConfigValidationError, type Catalog, type ConfigIssue } from '../config/catalog.ts';
import { scheduleOf } from './embedded.scheduler.ts';

/** Cron expressions node-cron would refuse, as config issues (the schema cannot know cron syntax). */
export function scheduleIssues(catalog: Catalog): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const kpi of catalog.kpis.values()) {
    if (kpi.schedule !== undefined && !cron.validate(scheduleOf(kpi))) {
      const detail = cron
        .validateDetailed(kpi.schedule)
        .errors.map((e) => `${e.field}: ${e.message}`)
        .join('; ');
      issues.push({
        file: kpi.file,
        path: `kpis[${kpi.id}].schedule`,
        message: `"${kpi.schedule}" is not a valid cron expression${detail ? ` (${detail})` : ''}`,
        severity: 'error',
      });
    }
  }
  return issues;
}

/**
 * For `createApp`'s `checkCatalog` in the long-running modes: a catalog with a bad
 * cron is refused at start and on reload, before it replaces the running one.
 */
export function assertSchedulable(catalog: Catalog): void {
  const issues = scheduleIssues(catalog);
  if (issues.length > 0) throw new ConfigValidationError(issues);
}
