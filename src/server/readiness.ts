import type { Catalog } from '../config/catalog.ts';
import type { Store } from '../store/store.ts';

export interface Readiness {
  ok: boolean;
  /** One entry per dependency: "ok" or why it is not ready. */
  checks: Record<string, string>;
}

export interface ReadinessDeps {
  getCatalog: () => Catalog | undefined;
  store: Store;
  /** Queue mode: resolves when Redis answers PING. */
  pingRedis?: () => Promise<unknown>;
  /** Per check; a dependency that hangs is as unready as one that fails. Default 2 s. */
  timeoutMs?: number;
}

/**
 * Builds the `/readyz` probe: the config is loaded, the store answers a read, and in
 * queue mode Redis answers PING. Messages are short and name no credentials.
 */
export function createReadiness(deps: ReadinessDeps): () => Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  return async () => {
    const checks: Record<string, string> = {};
    const catalog = deps.getCatalog();
    checks.config = catalog ? 'ok' : 'not loaded';
    checks.store = await probe(() => deps.store.listRuns({ limit: 1 }), timeoutMs);
    if (deps.pingRedis) checks.redis = await probe(deps.pingRedis, timeoutMs);
    return { ok: Object.values(checks).every((c) => c === 'ok'), checks };
  };
}

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([
      check().then(
        () => 'ok',
        (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
