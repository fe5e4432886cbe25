import type { Logger } from 'pino';
import { retentionCutoffs, type RetentionWindows } from '../domain/retention.ts';
import type { PruneResult, Store } from '../store/store.ts';

/**
 * One retention pass (`settings.retention`): deletes old sync runs (the latest of
 * every KPI stays) and delivered outbox entries, and marks runs whose process died
 * mid-sync as interrupted. Embedded `start` runs it hourly; queue mode runs it as
 * a cluster-wide maintenance pass. Logs one line when it changed anything.
 */
export async function applyRetention(windows: RetentionWindows, store: Store, logger: Logger, now: Date): Promise<PruneResult> {
  const result = await store.pruneHistory(retentionCutoffs(windows, now));
  const { runsDeleted, outboxDeleted, runsAbandoned } = result;
  if (runsDeleted + outboxDeleted + runsAbandoned > 0) {
    logger.info(
      { ...result, retention: windows },
      `retention: deleted old sync runs (${runsDeleted}) and delivered alerts/pushes (${outboxDeleted}); ` +
        `marked runs still running after ${windows.abandonAfter} as interrupted (${runsAbandoned})`,
    );
  }
  return result;
}
