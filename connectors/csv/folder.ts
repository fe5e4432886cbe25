import { constants, type Dirent } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { QueryError, SourceReadError } from '../../src/sdk/index.ts';
import { describeFileKind } from '../../src/sdk/index.ts';

/**
 * A folder connection reads only files inside its folder. Comparing names is not
 * enough: `ln -s /etc/passwd exports/link.csv` is inside by name and outside in fact.
 * So both the folder and the file are resolved to their real paths (every symlink
 * followed, Kubernetes-style `..data` mounts included) and compared; a link that stays
 * inside keeps working, one that leaves is refused before the file is opened, and the
 * real path is what gets opened (with O_NOFOLLOW, so a link swapped in at the last
 * moment fails rather than being followed).
 */

/** Names a folder listing offers as CSV files. */
export const CSV_NAME = /\.(csv|tsv|txt)$/i;

/** Read only: O_NONBLOCK so opening a FIFO returns at once (and fstat then refuses it) instead of waiting for a writer. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** True when `target` is `folder` itself or lies below it. */
function within(folder: string, target: string): boolean {
  const relative = path.relative(folder, target);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/** `file` inside `folder` by name; refuses names that climb out of it. */
export function fileInFolder(folder: string, file: string): string {
  const target = path.resolve(folder, file);
  if (target === folder || !within(folder, target)) {
    throw new QueryError(`file ${JSON.stringify(file)} is not inside the connection folder ${folder}`);
  }
  return target;
}

function outside(label: string, folder: string): SourceReadError {
  // The target is not named: what it is, is none of the log's business.
  return new SourceReadError(
    `cannot read ${label}: it is a symbolic link that points outside the connection folder ${folder}; only files inside the folder are read`,
  );
}

/** Turns an fs error into a SourceReadError naming the path (see source.ts); passed in to avoid an import cycle. */
export type FileErrorOf = (file: string, err: unknown) => SourceReadError;

/**
 * The file a folder connection's query names: `label` is the path as named (for
 * messages and logs), `real` the resolved path to open. Rejects a name that climbs out
 * and a link whose real path lies outside the folder's real path.
 */
export async function fileInsideFolder(folder: string, file: string, fileError: FileErrorOf): Promise<{ label: string; real: string }> {
  const label = fileInFolder(folder, file);
  let realFolder: string;
  let real: string;
  try {
    realFolder = await realpath(folder);
  } catch (err) {
    throw fileError(folder, err);
  }
  try {
    real = await realpath(label);
  } catch (err) {
    throw fileError(label, err);
  }
  if (real === realFolder || !within(realFolder, real)) throw outside(label, folder);
  return { label, real };
}

/** The folder's CSV files whose real path stays inside it, and the names skipped because they lead out. */
export async function listCsvFiles(folder: string, fileError: FileErrorOf): Promise<{ files: string[]; escaping: string[] }> {
  let entries: Dirent[];
  let realFolder: string;
  try {
    realFolder = await realpath(folder);
    entries = await readdir(folder, { withFileTypes: true });
  } catch (err) {
    throw fileError(folder, err);
  }
  const files: string[] = [];
  const escaping: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!CSV_NAME.test(entry.name)) continue;
    if (!entry.isSymbolicLink()) {
      files.push(entry.name);
      continue;
    }
    // A dangling link is left in: reading it gives the plain "no such file" error.
    const real = await realpath(path.join(folder, entry.name)).catch(() => undefined);
    if (real === undefined || within(realFolder, real)) files.push(entry.name);
    else escaping.push(entry.name);
  }
  return { files, escaping };
}

/** What listCsvFiles skipped, for a message: `; skipped link.csv (a symbolic link that points outside the folder)`. */
export function skippedNote(escaping: readonly string[]): string {
  if (escaping.length === 0) return '';
  const shown = escaping.slice(0, 10).join(', ') + (escaping.length > 10 ? ', …' : '');
  return `; skipped ${shown} (symbolic link${escaping.length === 1 ? '' : 's'} pointing outside the folder)`;
}

/**
 * Opens a file for reading and makes sure it is a regular file: a named pipe without
 * a writer, or a device, would stall the sync for ever. `noFollow` for a path that
 * was already resolved (a link appearing there now is a swap, not configuration).
 */
export async function openRegularFile(file: string, label: string, noFollow: boolean, fileError: FileErrorOf): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(file, OPEN_FLAGS | (noFollow ? (constants.O_NOFOLLOW ?? 0) : 0));
  } catch (err) {
    throw fileError(label, err);
  }
  try {
    const stats = await handle.stat();
    if (stats.isFile()) return handle;
    throw new SourceReadError(`cannot read ${label}: it is ${describeFileKind(stats)}, not a regular file`);
  } catch (err) {
    await handle.close();
    throw err instanceof SourceReadError ? err : fileError(label, err);
  }
}
