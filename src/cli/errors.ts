import { ConfigValidationError, formatIssue, type ConfigIssue } from '../config/catalog.ts';
import { toKsError } from '../sdk/index.ts';
import type { Redactor } from '../app/redactor.ts';

export function printIssues(issues: ConfigIssue[], redactor?: Redactor): void {
  const errors = issues.filter((i) => i.severity === 'error').length;
  for (const issue of issues) {
    const line = `${issue.severity === 'warning' ? 'warning' : 'error'}: ${formatIssue(issue)}`;
    process.stderr.write(`${redactor ? redactor.scrub(line) : line}\n`);
  }
  if (errors > 0) process.stderr.write(`${errors} error(s); the config was not loaded.\n`);
}

/** Last stop for errors thrown out of a command: a readable line, never a stack with secrets. */
export function reportFatal(error: unknown, redactor?: Redactor): void {
  if (error instanceof ConfigValidationError) {
    printIssues(error.issues, redactor);
  } else {
    const ks = toKsError(error);
    const message = `${ks.code}: ${ks.message}`;
    process.stderr.write(`${redactor ? redactor.scrub(message) : message}\n`);
  }
  process.exitCode = 1;
}
