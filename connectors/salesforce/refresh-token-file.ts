import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SourceReadError } from '../../src/sdk/index.ts';

/**
 * Where a rotated refresh token is kept. With rotation on, Salesforce invalidates the
 * token it was given as soon as it issues the next one, so the new one must outlive the
 * process. It is connection-wide, which rules out `ctx.cursor` (scoped per KPI: two KPIs
 * on one connection would each keep a copy, and one would go stale). A file next to the
 * config works for `check` too, and pairs with `refreshToken: ${file:...}` on the same path.
 */
export function refreshTokenPath(file: string, baseDir: string): string {
  return path.resolve(baseDir, file);
}

/** The token in the file, or undefined when the file does not exist or is empty. */
export async function readRefreshToken(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SourceReadError(`auth.refreshTokenFile ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const token = text.trim();
  return token === '' ? undefined : token;
}

/** Replaces the file atomically (write a sibling, then rename), readable by the owner only. */
export async function writeRefreshToken(file: string, token: string): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${token}\n`, { mode: 0o600 });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new SourceReadError(`auth.refreshTokenFile ${file} cannot be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
