import type { ErrorCode } from '../sdk/error-codes.ts';
import { ConfigError } from '../sdk/errors.ts';

/** A path inside one config file, as zod reports it: `['kpis', 2, 'health', 'band', 'max']`. */
export type ConfigPath = readonly (string | number)[];

/**
 * One problem found in the config. `file` is the YAML file (as given: relative paths
 * stay relative), `line`/`column` are 1-based and point at the offending node (at the
 * parent map for a missing key). Messages never contain a secret or an interpolated value.
 */
export interface ConfigIssue {
  file: string;
  line?: number;
  column?: number;
  /** `kpis[2].health.band.max`; empty for a problem with the whole file or folder. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
  /** Set when a more specific catalogue entry than KS_ERR_CONFIG applies (e.g. KS_ERR_SECRET_MISSING). */
  code?: ErrorCode;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['kpis', 2, 'health', 'band', 'max']` → `kpis[2].health.band.max`. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** `config/examples/kpis.yaml:14:7 kpis[2].health.band.max: expected a number, got "7,5"` */
export function formatIssue(issue: ConfigIssue): string {
  let where = issue.file;
  if (issue.line !== undefined) where += `:${issue.line}`;
  if (issue.line !== undefined && issue.column !== undefined) where += `:${issue.column}`;
  const path = issue.path === '' ? '' : ` ${issue.path}`;
  const severity = issue.severity === 'warning' ? 'warning: ' : '';
  return `${where}${path}: ${severity}${issue.message}`;
}

/**
 * The config folder is invalid. Carries every issue of every file at once (warnings
 * included, for context), so an operator fixes them in one pass.
 */
export class ConfigValidationError extends ConfigError {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const errors = issues.filter((issue) => issue.severity === 'error').length;
    const headline = `invalid config: ${errors} ${errors === 1 ? 'error' : 'errors'}`;
    super([headline, ...issues.map((issue) => `  ${formatIssue(issue)}`)].join('\n'));
    this.issues = issues;
  }
}
