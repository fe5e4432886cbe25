import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { createRequire } from 'node:module';
import type { Redactor } from './redactor.ts';

/** Field names whose values are credentials wherever they appear in a log object. */
export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'password',
  '*.password',
  'token',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.apiToken',
  '*.clientSecret',
  '*.privateKey',
  '*.secret',
];

export interface LoggerOptions {
  redactor: Redactor;
  level?: string;
  /** Pretty output for people; JSON lines otherwise. Default: pretty when stdout is a TTY. */
  pretty?: boolean;
  /** Where lines go; default stdout. Tests pass a collecting stream. */
  destination?: { write(chunk: string): unknown };
}

/**
 * pino, pretty on a terminal and JSON otherwise, with every line passed through the
 * redactor before it is written.
 */
export function createLogger(options: LoggerOptions): Logger {
  const usePretty = options.pretty ?? Boolean(process.stdout.isTTY);
  const target = options.destination ?? process.stdout;
  const sink = usePretty ? prettyStream(target) : target;
  const scrubbed = {
    write(line: string) {
      sink.write(options.redactor.scrub(line));
    },
  };
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    scrubbed,
  );
}

/** pino-pretty, loaded only for a terminal: a worker logging JSON lines never pays for it. */
function prettyStream(target: { write(chunk: string): unknown }): { write(chunk: string): unknown } {
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  return pretty({ destination: asStream(target), sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' });
}

function asStream(target: { write(chunk: string): unknown }): NodeJS.WritableStream {
  if (target instanceof Writable) return target;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      target.write(chunk.toString());
      callback();
    },
  });
}
