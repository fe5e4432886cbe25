import type { CheckContext, CheckResult, ConnectorContext, RawValue } from '../../src/sdk/index.ts';
import { toUtf8 } from './encoding.ts';
import { CsvEvaluator } from './evaluate.ts';
import { CsvScanner } from './scanner.ts';
import type { CsvConnection, CsvQuery } from './schema.ts';
import { listCsvFiles, skippedNote } from './folder.ts';
import { DEFAULT_CHUNK_BYTES, fileError, openSource, resolvePath } from './source.ts';

/** Tuning knobs that are not config: tests use tiny chunks to cut records in odd places. */
export interface CsvReadOptions {
  /** Bytes per file read. Default 512 KiB. */
  chunkBytes?: number;
}

/** Bytes read while looking for the header row in `check` before giving up on it. */
const CHECK_LIMIT_BYTES = 4 * 1024 * 1024;

function scannerOptions(connection: CsvConnection) {
  return { delimiter: connection.delimiter.charCodeAt(0), quote: connection.quote.charCodeAt(0) };
}

/** Streams the source once and returns one value per period (see CsvEvaluator). */
export async function readCsv(connection: CsvConnection, query: CsvQuery, ctx: ConnectorContext, options: CsvReadOptions = {}): Promise<RawValue[]> {
  const started = performance.now();
  const source = await openSource(connection, query.file, ctx, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  let bytes = 0;
  try {
    const evaluator = new CsvEvaluator(connection, query, {
      window: ctx.window,
      mode: ctx.mode,
      periodOf: ctx.periodOf,
      diagnostics: ctx.diagnostics,
      source: source.label,
    });
    const scanner = new CsvScanner(scannerOptions(connection), evaluator.onRecord, evaluator.onMalformed);
    for await (const chunk of toUtf8(source.chunks, connection.encoding, (n) => (bytes += n))) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      scanner.push(chunk);
    }
    scanner.finish();
    evaluator.finish();
    const values = evaluator.results();
    const { diagnostics } = ctx;
    diagnostics.count('rowsRead', evaluator.rowsRead);
    diagnostics.count('bytesRead', bytes);
    diagnostics.count('rowsMatched', evaluator.rowsMatched);
    if (evaluator.rowsRejected > 0) diagnostics.count('rowsRejected', evaluator.rowsRejected);
    if (evaluator.blankValues > 0) diagnostics.count('blankValues', evaluator.blankValues);
    ctx.logger.debug(
      { source: source.label, rows: evaluator.rowsRead, matched: evaluator.rowsMatched, rejected: evaluator.rowsRejected, bytes, periods: values.length, ms: Math.round(performance.now() - started) },
      'csv read',
    );
    return values;
  } finally {
    await source.close();
  }
}

/** The first record of the source, or undefined when it has none within the limit. */
async function firstRecord(connection: CsvConnection, file: string | undefined, ctx: CheckContext, chunkBytes: number): Promise<{ label: string; fields: string[] | undefined }> {
  const source = await openSource(connection, file, ctx, chunkBytes);
  let fields: string[] | undefined;
  try {
    const scanner = new CsvScanner(
      scannerOptions(connection),
      (bytes, starts, ends, count) => {
        if (fields !== undefined) return;
        fields = [];
        for (let k = 0; k < count; k++) fields.push(bytes.toString('utf8', starts[k]!, ends[k]!).trim());
      },
      () => {},
    );
    let bytes = 0;
    for await (const chunk of toUtf8(source.chunks, connection.encoding, (n) => (bytes += n))) {
      scanner.push(chunk);
      if (fields !== undefined || bytes >= CHECK_LIMIT_BYTES) break;
    }
    if (fields === undefined && bytes < CHECK_LIMIT_BYTES) scanner.finish();
    return { label: source.label, fields };
  } finally {
    await source.close();
  }
}

/** Verifies the file, folder or URL can be read and, with a header, names its columns. */
export async function checkCsv(connection: CsvConnection, ctx: CheckContext, options: CsvReadOptions = {}): Promise<CheckResult> {
  if (connection.path !== undefined) {
    const { root, isFolder } = await resolvePath(connection, ctx.baseDir);
    if (isFolder) {
      const { files: csv, escaping } = await listCsvFiles(root, fileError);
      // Named in the check's answer and logged: a link out of the folder is either a mistake or an attempt.
      for (const name of escaping) ctx.logger.warn({ file: name }, 'skipped a symbolic link that points outside the connection folder');
      return {
        detail: `folder ${root} is readable: ${csv.length} CSV file${csv.length === 1 ? '' : 's'}${csv.length ? ` (${csv.slice(0, 10).join(', ')}${csv.length > 10 ? ', …' : ''})` : ''}${skippedNote(escaping)}`,
      };
    }
  }
  const { label, fields } = await firstRecord(connection, undefined, ctx, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  if (fields === undefined) return { detail: `${label} is readable but empty` };
  if (!connection.header) return { detail: `${label} is readable: ${fields.length} columns (header off; refer to them as 1..${fields.length})` };
  return { detail: `${label} is readable; columns: ${fields.join(', ')}` };
}
