import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** A debug-level pino logger that hands each chunk it writes (JSON lines) to `write`. */
function loggerTo(write: (text: string) => void): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      write(chunk.toString('utf8'));
      done();
    },
  });
  return pino({ level: 'debug' }, sink);
}

/** A pino logger whose JSON lines land in `lines`, parsed, like pino's own test sink. */
export function captureLogger(lines: Record<string, unknown>[]): Logger {
  return loggerTo((text) => {
    for (const line of text.split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
}

/** A pino logger whose output lands in `lines` as written: one JSON line (with its newline) a call. */
export function captureLogText(lines: string[]): Logger {
  return loggerTo((text) => lines.push(text));
}
