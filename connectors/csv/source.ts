import type { FileHandle } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { KsError, QueryError, SourceReadError } from '../../src/sdk/index.ts';
import type { HttpClient } from '../../src/sdk/index.ts';
import { fileInsideFolder, listCsvFiles, openRegularFile, skippedNote } from './folder.ts';
import type { CsvConnection } from './schema.ts';

/**
 * Where the CSV bytes come from: a local file, a file inside a local folder, or a URL
 * streamed through the SDK's HTTP client. Nothing here buffers a whole file.
 */

export interface SourceEnv {
  baseDir: string;
  http: HttpClient;
  signal: AbortSignal;
}

export interface OpenSource {
  /** The file path, or the URL without its query string: safe for messages and logs. */
  label: string;
  /** The raw bytes. A chunk may be overwritten once the next one is requested. */
  chunks: AsyncIterable<Buffer>;
  /** Releases the file or connection; safe to call twice. */
  close(): Promise<void>;
}

/** Default read size: large reads keep the per-chunk overhead negligible next to scanning. */
export const DEFAULT_CHUNK_BYTES = 512 * 1024;

/** A failed fs call as a SourceReadError naming the path; a missing file is not worth a retry. */
export function fileError(file: string, err: unknown): SourceReadError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new SourceReadError(`cannot read ${file}: no such file or folder`, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new SourceReadError(`cannot read ${file}: permission denied`, { cause: err });
    case 'EISDIR':
      return new SourceReadError(`cannot read ${file}: it is a folder`, { cause: err });
    default:
      return new SourceReadError(`cannot read ${file}: ${code ?? (err instanceof Error ? err.message : String(err))}`, {
        cause: err,
        retryable: true,
      });
  }
}

/** The connection's path resolved against the config folder, and whether it is a folder. */
export async function resolvePath(connection: CsvConnection, baseDir: string): Promise<{ root: string; isFolder: boolean }> {
  const root = path.resolve(baseDir, connection.path ?? '.');
  try {
    return { root, isFolder: (await stat(root)).isDirectory() };
  } catch (err) {
    throw fileError(root, err);
  }
}

export { fileInFolder } from './folder.ts';

async function openFile(connection: CsvConnection, file: string | undefined, env: SourceEnv, chunkBytes: number): Promise<OpenSource> {
  const { root, isFolder } = await resolvePath(connection, env.baseDir);
  let target = root;
  let real = root;
  if (isFolder) {
    if (file === undefined) {
      const { files, escaping } = await listCsvFiles(root, fileError).catch(() => ({ files: [] as string[], escaping: [] as string[] }));
      const names = files.slice(0, 20);
      throw new QueryError(
        `${root} is a folder: set the query's \`file\` to one of its files${names.length ? ` (${names.join(', ')})` : ''}${skippedNote(escaping)}`,
      );
    }
    ({ label: target, real } = await fileInsideFolder(root, file, fileError));
  } else if (file !== undefined) {
    throw new QueryError(`the query names file ${JSON.stringify(file)}, but the connection path ${root} is a file, not a folder`);
  }
  // A single-file connection may be a link the operator made; a folder's file was resolved above and must not change now.
  const handle: FileHandle = await openRegularFile(real, target, isFolder, fileError);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  async function* chunks(): AsyncGenerator<Buffer> {
    // Two buffers, reused: the next read runs while the caller scans the current one,
    // so the disk and the CPU overlap. The scanner copies the little it keeps.
    let current = Buffer.allocUnsafe(chunkBytes);
    let spare = Buffer.allocUnsafe(chunkBytes);
    let position = 0;
    const readInto = (buffer: Buffer): Promise<number> =>
      handle.read(buffer, 0, chunkBytes, position).then(
        ({ bytesRead }) => {
          position += bytesRead;
          return bytesRead;
        },
        (err: unknown) => {
          throw fileError(target, err);
        },
      );
    let pending: Promise<number> | undefined = readInto(current);
    try {
      for (;;) {
        const bytesRead = await pending;
        pending = undefined;
        if (bytesRead === 0) return;
        if (env.signal.aborted) throw env.signal.reason;
        pending = readInto(spare);
        yield current.subarray(0, bytesRead);
        [current, spare] = [spare, current];
      }
    } finally {
      // Never close the file under a read still in flight.
      await pending?.catch(() => undefined);
    }
  }
  return { label: target, chunks: chunks(), close };
}

/** The URL to fetch: the connection's, or `file` resolved against it. Never another origin. */
export function sourceUrl(base: string, file: string | undefined): URL {
  const baseUrl = new URL(base);
  if (file === undefined) return baseUrl;
  const resolved = new URL(file, baseUrl.pathname.endsWith('/') ? baseUrl : new URL(`${baseUrl.pathname}/`, baseUrl));
  if (resolved.origin !== baseUrl.origin) throw new QueryError(`file ${JSON.stringify(file)} must be a path relative to the connection URL`);
  return resolved;
}

/** Host and path only: a query string may carry a signature or token. */
export function urlLabel(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** Replaces any header value that might appear in a message (the SDK already scrubs; this is the second lock). */
function scrubbed(err: unknown, headers: Record<string, string> | undefined): unknown {
  // Only our own errors: an abort reason (a DOMException) has a read-only message.
  if (!(err instanceof KsError) || headers === undefined) return err;
  for (const value of Object.values(headers)) {
    for (const part of [value, ...value.split(/\s+/)]) {
      if (part.length >= 4 && err.message.includes(part)) err.message = err.message.split(part).join('[redacted]');
    }
  }
  return err;
}

async function openUrl(connection: CsvConnection, file: string | undefined, env: SourceEnv): Promise<OpenSource> {
  const url = sourceUrl(connection.url!, file);
  const label = urlLabel(url);
  const headers = connection.headers;
  let body: Readable;
  try {
    const response = await env.http.request<Readable>({
      url: url.toString(),
      headers,
      responseType: 'stream',
      label: `csv ${url.host}`,
      mapError: (res) => (res.status === 404 || res.status === 410 ? new SourceReadError(`cannot read ${label}: ${res.status} not found`) : undefined),
    });
    body = response.data;
  } catch (err) {
    // The SDK names the request by its label (host only); say which file it was.
    if (err instanceof KsError && !err.message.startsWith('cannot read')) err.message = `cannot read ${label}: ${err.message}`;
    throw scrubbed(err, headers);
  }
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (!body.destroyed) body.destroy();
  };
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of body) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    } catch (err) {
      if (err instanceof KsError) throw scrubbed(err, headers);
      if (env.signal.aborted) throw err;
      throw scrubbed(new SourceReadError(`reading ${label} failed: ${err instanceof Error ? err.message : String(err)}`, { retryable: true }), headers);
    }
  }
  return { label, chunks: chunks(), close };
}

/** Opens the connection's source, with the query's `file` for folders and URL bases. */
export function openSource(connection: CsvConnection, file: string | undefined, env: SourceEnv, chunkBytes = DEFAULT_CHUNK_BYTES): Promise<OpenSource> {
  return connection.url !== undefined ? openUrl(connection, file, env) : openFile(connection, file, env, chunkBytes);
}
