import { constants, type Stats } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { describeFileKind } from '../sdk/file-kind.ts';

/**
 * Reads one `${file:}` secret. A secret is a small regular file (a Kubernetes or
 * Docker secret mount, a token written by a sidecar); anything else in that place is
 * a mistake or an attack, and some of it would hang the process: opening a named pipe
 * blocks until a writer appears, a character device may never end. So the path's
 * symlinks are resolved first (Kubernetes mounts secrets as `..data/` links), the
 * target must be a regular file before it is opened (stat, never open, a FIFO), it is
 * opened non-blocking and checked again on the descriptor (it may have been swapped
 * in between), and the whole read has a size cap and a deadline.
 */

/** Larger than any credential, key or certificate chain; small enough to read at every reload. */
export const SECRET_FILE_MAX_BYTES = 64 * 1024;
/** A local file answers in microseconds; a hung network mount must not hang `validate`, `start` or a SIGHUP reload. */
export const SECRET_FILE_TIMEOUT_MS = 2_000;

/** A secret file that exists but must not be used: what it is, in the words the config error shows. */
export class SecretFileProblem extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SecretFileProblem';
  }
}

/** The file system calls the reader makes; tests replace them to simulate a hung mount. */
export interface SecretFileSystem {
  realpath: typeof realpath;
  stat: typeof stat;
  open: typeof open;
}

export interface SecretFileOptions {
  maxBytes?: number;
  timeoutMs?: number;
  fs?: SecretFileSystem;
}

const NODE_FS: SecretFileSystem = { realpath, stat, open };
// O_NOFOLLOW: the resolved path has no links left, so a link appearing there now is a swap. Not on Windows.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

function checkRegular(stats: Stats, maxBytes: number): void {
  if (!stats.isFile()) throw new SecretFileProblem(`it is ${describeFileKind(stats)}, not a regular file`);
  if (stats.size > maxBytes) throw tooLarge(stats.size, maxBytes);
}

function tooLarge(size: number, maxBytes: number): SecretFileProblem {
  return new SecretFileProblem(`it is ${size} bytes, more than the ${maxBytes}-byte (${maxBytes / 1024} KiB) limit for a secret file`);
}

async function readRegular(file: string, maxBytes: number, fs: SecretFileSystem): Promise<string> {
  const real = await fs.realpath(file);
  checkRegular(await fs.stat(real), maxBytes);
  const handle = await fs.open(real, OPEN_FLAGS);
  try {
    checkRegular(await handle.stat(), maxBytes);
    // One byte more than the cap tells a file that grew since fstat from one that fits.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw tooLarge(length, maxBytes);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}

/**
 * The UTF-8 text of a `${file:}` secret. Rejects with a SecretFileProblem for a file
 * that is not regular, too large, or too slow, and with the fs error (its `code`
 * intact) for a missing or unreadable one.
 */
export function readSecretFile(file: string, options: SecretFileOptions = {}): Promise<string> {
  const maxBytes = options.maxBytes ?? SECRET_FILE_MAX_BYTES;
  const timeoutMs = options.timeoutMs ?? SECRET_FILE_TIMEOUT_MS;
  const read = readRegular(file, maxBytes, options.fs ?? NODE_FS);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new SecretFileProblem(`reading it took longer than ${timeoutMs} ms (a hung network mount?)`)), timeoutMs);
    // A read stuck in the kernel must not also keep the process alive.
    timer.unref();
  });
  // A read that loses the race may still fail later; that rejection is already answered.
  read.catch(() => undefined);
  return Promise.race([read, deadline]).finally(() => clearTimeout(timer));
}
