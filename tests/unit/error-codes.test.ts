import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/sdk/error-codes.ts';

const root = new URL('../../', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The KsError subclasses and the code each raises (src/sdk/errors.ts). */
const CLASSES: Record<string, string[]> = {
  ConfigError: ['KS_ERR_CONFIG'],
  AuthError: ['KS_ERR_AUTH'],
  PermissionError: ['KS_ERR_PERMISSION'],
  TransientError: ['KS_ERR_TRANSIENT'],
  RateLimitedError: ['KS_ERR_RATE_LIMITED'],
  QueryError: ['KS_ERR_QUERY'],
  BadResponseError: ['KS_ERR_BAD_RESPONSE'],
  SourceReadError: ['KS_ERR_SOURCE_READ'],
  BudgetDeferredError: ['KS_ERR_BUDGET'],
  UsageError: ['KS_ERR_USAGE'],
  AbortedError: ['KS_ERR_ABORTED'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every production file but the catalogue and the class definitions themselves. */
const code = [...sources(join(root, 'src')), ...sources(join(root, 'connectors'))]
  .filter((file) => !file.endsWith('src/sdk/error-codes.ts') && !file.endsWith('src/sdk/errors.ts'))
  .map((file) => readFileSync(file, 'utf8'))
  .join('\n');

function raised(errorCode: string): boolean {
  if (code.includes(`'${errorCode}'`)) return true;
  return Object.entries(CLASSES).some(([name, codes]) => codes.includes(errorCode) && code.includes(`new ${name}(`));
}

describe('error code catalogue', () => {
  it.each(Object.entries(ERROR_CODES))('%s is documented in the README with its explanation', (errorCode, explanation) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${errorCode}\` |`));
    expect(row, `README has no row for ${errorCode}`).toBeDefined();
    // The README may format ${...} as code; compare the words.
    const words = (text: string) => text.replace(/[`|]/g, '').replace(/\s+/g, ' ').trim();
    expect(words(row!)).toContain(words(explanation));
  });

  it('every code the README documents exists in the catalogue', () => {
    const documented = [...readme.matchAll(/^\| `(KS_ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]!);
    expect(documented.length).toBeGreaterThan(0);
    for (const errorCode of documented) expect(Object.keys(ERROR_CODES), `${errorCode} is documented but not in src/sdk/error-codes.ts`).toContain(errorCode);
  });

  it.each(Object.keys(ERROR_CODES))('%s is raised somewhere in src/ or connectors/', (errorCode) => {
    expect(raised(errorCode), `nothing raises ${errorCode}: remove it from the catalogue or raise it`).toBe(true);
  });

  it('every code is named KS_ERR_*', () => {
    for (const errorCode of Object.keys(ERROR_CODES)) expect(errorCode).toMatch(/^KS_ERR_[A-Z_]+$/);
  });
});
