import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/sdk/error-codes.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('error code catalogue', () => {
  it.each(Object.entries(ERROR_CODES))('%s is documented in the README with its explanation', (code, explanation) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    expect(row, `README has no row for ${code}`).toBeDefined();
    // The README may format ${...} as code; compare the words.
    const words = (text: string) => text.replace(/[`|]/g, '').replace(/\s+/g, ' ').trim();
    expect(words(row!)).toContain(words(explanation));
  });

  it('every code is named KS_ERR_*', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^KS_ERR_[A-Z_]+$/);
  });
});
