import type { Stats } from 'node:fs';

/**
 * What a file system entry that is not a regular file is, in words for messages:
 * "a named pipe (FIFO)". Readers of operator-named files (secrets, CSV) refuse these,
 * because reading some of them never ends (a FIFO without a writer, /dev/zero).
 */
export function describeFileKind(stats: Stats): string {
  if (stats.isFile()) return 'a regular file';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}
