import { Option } from 'commander';
import { didYouMean } from '../config/suggest.ts';
import type { Redactor } from '../app/redactor.ts';
import { UsageError } from '../sdk/errors.ts';

/**
 * `-o, --output table|json`, the same on every command that prints a report. JSON is one
 * document on stdout and nothing else there (logs are on stderr), so `| jq` and scripts
 * can read it; the exit code is the same as with the table.
 */
export const OUTPUT_FORMATS = ['table', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseOutputFormat(value: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new UsageError(`--output must be one of ${OUTPUT_FORMATS.join(', ')}; got "${value}"${didYouMean(value, OUTPUT_FORMATS)}`);
}

/** `-o, --output <format>` (default `table`), for `.addOption()`; a bad value is a usage error naming the choices. */
export function outputOption(): Option {
  return new Option('-o, --output <format>', `${OUTPUT_FORMATS.join(' or ')}: json prints one JSON document on stdout`)
    .argParser(parseOutputFormat)
    .default('table');
}

/** Every string in a document (keys too) with the secrets scrubbed; numbers and the JSON around them untouched. */
export function scrubDeep(value: unknown, redactor: Redactor): unknown {
  if (typeof value === 'string') return redactor.scrub(value);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, redactor));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactor.scrub(k), scrubDeep(v, redactor)]));
  }
  return value;
}

/**
 * Prints `document` as the command's only output, scrubbed string by string rather than
 * as text: a secret that happened to look like a number could otherwise turn into
 * unquoted `[redacted]` and break the JSON.
 */
export function printJson(document: unknown, redactor: Redactor): void {
  process.stdout.write(`${JSON.stringify(scrubDeep(document, redactor), null, 2)}\n`);
}
