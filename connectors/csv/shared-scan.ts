import type { ConnectorContext, RawValue } from '../../src/sdk/index.ts';
import { scanCsv, type CsvReadOptions, type CsvReadRequest } from './read.ts';
import type { CsvConnection, CsvQuery } from './schema.ts';

interface Waiting extends CsvReadRequest {
  resolve(values: RawValue[]): void;
  reject(error: unknown): void;
}

interface Gathering {
  connection: CsvConnection;
  file: string | undefined;
  waiting: Waiting[];
}

/**
 * Which reads are the same bytes: the connection's settings (path or URL, headers,
 * delimiter, encoding, number format), the query's file, and the config folder a
 * relative path is resolved in. KPIs with equal keys are served by one scan.
 */
export function scanKey(connection: CsvConnection, query: Pick<CsvQuery, 'file'>, baseDir: string): string {
  return JSON.stringify([baseDir, query.file ?? null, connection]);
}

/**
 * One pass over a CSV source for every KPI that asks for it in the same turn of the
 * event loop. A scheduler tick starts its KPIs together (embedded mode starts KPIs
 * that share a source as one unit of its concurrency), so their fetches arrive
 * before the first byte is read; the scan starts on the next turn with all of them.
 * A fetch that arrives once a scan is under way starts the next one: a read never
 * joins halfway, so every KPI sees the file from its first line to its last.
 */
export class SharedScans {
  readonly #gathering = new Map<string, Gathering>();
  readonly #options: CsvReadOptions;

  constructor(options: CsvReadOptions = {}) {
    this.#options = options;
  }

  read(connection: CsvConnection, query: CsvQuery, ctx: ConnectorContext): Promise<RawValue[]> {
    const key = scanKey(connection, query, ctx.baseDir);
    let gathering = this.#gathering.get(key);
    if (!gathering) {
      const started: Gathering = { connection, file: query.file, waiting: [] };
      gathering = started;
      this.#gathering.set(key, started);
      setImmediate(() => {
        this.#gathering.delete(key);
        void this.#scan(started);
      });
    }
    const { waiting } = gathering;
    return new Promise((resolve, reject) => waiting.push({ query, ctx, resolve, reject }));
  }

  async #scan({ connection, file, waiting }: Gathering): Promise<void> {
    let outcomes: PromiseSettledResult<RawValue[]>[];
    try {
      outcomes = await scanCsv(connection, file, waiting, this.#options);
    } catch (error) {
      // scanCsv settles each request itself; this is for a bug in it, which must not leave a sync waiting forever.
      for (const w of waiting) w.reject(error);
      return;
    }
    outcomes.forEach((outcome, k) => {
      if (outcome.status === 'fulfilled') waiting[k]!.resolve(outcome.value);
      else waiting[k]!.reject(outcome.reason);
    });
  }
}
