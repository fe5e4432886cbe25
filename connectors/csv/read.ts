import type { CheckContext, CheckResult, ConnectorContext, RawValue } from '../../src/sdk/index.ts';
import { toUtf8 } from './encoding.ts';
import { BatchScan } from './batch-scan.ts';
import { ScanReader, type CsvReadRequest } from './scan-reader.ts';

export type { CsvReadRequest } from './scan-reader.ts';
import { CsvScanner } from './scanner.ts';
import type { CsvConnection, CsvQuery } from './schema.ts';
import { listCsvFiles, skippedNote } from './folder.ts';
import { DEFAULT_CHUNK_BYTES, fileError, openSource, resolvePath, type OpenSource } from './source.ts';

/** Tuning knobs that are not config: tests use tiny chunks and batches to cut records in odd places. */
export interface CsvReadOptions {
  /** Bytes per file read. Default 512 KiB. */
  chunkBytes?: number;
  /** Records per batch of a shared scan (batch-scan.ts). */
  batchRows?: number;
}

/** Bytes read while looking for the header row in `check` before giving up on it. */
const CHECK_LIMIT_BYTES = 4 * 1024 * 1024;

function scannerOptions(connection: CsvConnection) {
  return { delimiter: connection.delimiter.charCodeAt(0), quote: connection.quote.charCodeAt(0) };
}

/** Streams the source once and returns one value per period (see CsvEvaluator). */
export async function readCsv(connection: CsvConnection, query: CsvQuery, ctx: ConnectorContext, options: CsvReadOptions = {}): Promise<RawValue[]> {
  const [outcome] = await scanCsv(connection, query.file, [{ query, ctx }], options);
  if (outcome!.status === 'rejected') throw outcome!.reason;
  return outcome!.value;
}

/**
 * Streams one source once for several KPIs' queries: the scanner splits each record
 * once, and every query reads it (from a batch, when there are several: batch-scan.ts)
 * with the same outcome as if it read the source alone. Each request settles on its own: a query
 * naming a missing column, or a sync aborted by its shutdown, fails alone while the
 * others read on; the read stops early only when no request is left. A source that
 * cannot be read fails them all.
 */
export async function scanCsv(
  connection: CsvConnection,
  file: string | undefined,
  requests: readonly CsvReadRequest[],
  options: CsvReadOptions = {},
): Promise<PromiseSettledResult<RawValue[]>[]> {
  const started = performance.now();
  // The read itself stops only when every KPI has left it (each sync keeps its own signal).
  const everyoneLeft = new AbortController();
  const reading = () => readers.filter((r) => !r.failed);
  const left = () => {
    if (reading().length === 0 && !everyoneLeft.signal.aborted) everyoneLeft.abort(new Error('every KPI of this read has left it'));
  };
  const readers: ScanReader[] = requests.map((request) => new ScanReader(request, left));
  for (const reader of readers) reader.watch();
  let bytes = 0;
  let label = '';
  try {
    if (reading().length > 0) {
      const lead = requests[0]!.ctx;
      const { signal } = everyoneLeft;
      const source = await openSource(
        connection,
        file,
        { baseDir: lead.baseDir, signal, http: { request: (r) => lead.http.request({ ...r, signal }) } },
        options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
      );
      label = source.label;
      try {
        bytes = await scanSource(connection, source, readers, signal, options);
      } finally {
        await source.close();
      }
    }
  } catch (error) {
    for (const reader of reading()) reader.fail(error);
  } finally {
    for (const reader of readers) reader.unwatch();
  }
  const facts = { label, bytes, ms: Math.round(performance.now() - started), sharedBy: readers.length };
  return readers.map((reader) => reader.settle(facts));
}

/** Scans the open source into the readers' evaluators and returns the bytes read. */
async function scanSource(connection: CsvConnection, source: OpenSource, readers: ScanReader[], signal: AbortSignal, options: CsvReadOptions): Promise<number> {
  let bytes = 0;
  // One query (the common case): its evaluator's handlers directly, nothing between them and the scanner.
  // Several: records go into batches that each query then runs over (batch-scan.ts).
  const shared = readers.length > 1 ? new BatchScan(readers, connection.header, options.batchRows) : undefined;
  for (const reader of readers) reader.start(connection, source.label);
  const scanner = shared
    ? new CsvScanner(scannerOptions(connection), shared.onRecord, shared.onMalformed)
    : new CsvScanner(scannerOptions(connection), readers[0]!.handler('onRecord'), readers[0]!.handler('onMalformed'));
  for await (const chunk of toUtf8(source.chunks, connection.encoding, (n) => (bytes += n))) {
    if (signal.aborted) return bytes;
    scanner.push(chunk);
  }
  scanner.finish();
  shared?.flush();
  for (const reader of readers) {
    if (shared) reader.setRowsRead(shared.rows);
    reader.finish();
  }
  return bytes;
}

/** The first record of the source, or undefined when it has none within the limit. */
async function firstRecord(
  connection: CsvConnection,
  file: string | undefined,
  ctx: CheckContext,
  chunkBytes: number,
): Promise<{ label: string; fields: string[] | undefined }> {
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
