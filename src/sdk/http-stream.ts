import { Readable } from 'node:stream';
import { KsError, TransientError } from './errors.ts';
import type { HttpErrorCause, RequestSummary } from './http-errors.ts';
import { abortReason } from './retry.ts';

/**
 * Hands a streamed body to the caller with two guards the wall-clock timeout cannot
 * give (a download may rightly take longer than one attempt's timeout):
 * - idle: when the source sends nothing for `idleMs` while the caller waits for data,
 *   the stream fails with a TransientError. A caller that is slow to read (data is
 *   buffered for it) does not count as a stall.
 * - abort: the signal ends the stream with its reason.
 * Errors from the socket are replaced by a TransientError naming only the request's
 * method and target: the originals can carry the request config, headers included.
 */
export function guardStream(source: Readable, idleMs: number, signal: AbortSignal | undefined, req: RequestSummary): Readable {
  let timer: NodeJS.Timeout | undefined;
  let out: Readable | undefined;
  const stall = (): void => {
    if (out && out.readableLength > 0) {
      arm();
      return;
    }
    source.destroy(
      new TransientError(`${req.method} ${req.target} → response body stalled for ${idleMs} ms`, {
        cause: { method: req.method, target: req.target, code: 'ETIMEDOUT' } satisfies HttpErrorCause,
      }),
    );
  };
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(stall, idleMs);
  };
  const onAbort = (): void => {
    source.destroy(abortReason(signal as AbortSignal) as Error);
  };
  const release = (): void => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    if (!source.destroyed) source.destroy();
  };

  async function* relay(): AsyncGenerator<Buffer> {
    arm();
    try {
      if (signal?.aborted) throw abortReason(signal);
      for await (const chunk of source) {
        arm();
        yield chunk as Buffer;
      }
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      if (err instanceof KsError) throw err;
      throw new TransientError(`${req.method} ${req.target} → response body interrupted`, {
        code: 'KS_ERR_NETWORK',
        cause: { method: req.method, target: req.target, code: safeCode(err) } satisfies HttpErrorCause,
      });
    } finally {
      release();
    }
  }

  signal?.addEventListener('abort', onAbort, { once: true });
  out = Readable.from(relay(), { objectMode: false });
  // A caller that drops the stream unread never runs the generator's `finally`.
  out.once('close', release);
  return out;
}

/** Reads at most `maxBytes` of a body (for error messages), then drops the rest. */
export async function readCapped(source: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buf);
      size += buf.length;
      if (size >= maxBytes) break;
    }
  } finally {
    if (!source.destroyed) source.destroy();
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

function safeCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'unknown';
}
