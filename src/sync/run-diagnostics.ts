import type { Diagnostics } from '../sdk/index.ts';
import type { SyncRun } from '../store/store.ts';

/** Hints kept per run: a few causes are news, a hundred are noise. */
const MAX_HINTS = 5;

/** Rejected rows kept per run: enough to find the pattern, bounded so a broken file cannot bloat the store. */
export const MAX_REJECTS_KEPT = 100;

/** Collects what a connector reports during one run, for the sync run record. */
export class RunDiagnostics implements Diagnostics {
  rejected = 0;
  readonly rejects: { where: number | string; reason: string }[] = [];
  readonly counters: Record<string, number> = {};
  usage: { used: number; limit: number } | undefined;
  readonly hints: string[] = [];

  reject(where: number | string, reason: string): void {
    this.rejected += 1;
    if (this.rejects.length < MAX_REJECTS_KEPT) this.rejects.push({ where, reason });
  }

  count(name: string, n = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + n;
  }

  apiUsage(used: number, limit: number): void {
    this.usage = { used, limit };
  }

  hint(text: string): void {
    if (this.hints.length < MAX_HINTS && !this.hints.includes(text)) this.hints.push(text);
  }

  /** The run fields this collector fills in. */
  toRunFields(): Pick<SyncRun, 'rejected' | 'rejects' | 'counters' | 'apiUsage' | 'hints'> {
    return {
      rejected: this.rejected,
      rejects: this.rejects,
      counters: this.counters,
      ...(this.usage ? { apiUsage: this.usage } : {}),
      ...(this.hints.length > 0 ? { hints: this.hints } : {}),
    };
  }
}
