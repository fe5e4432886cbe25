import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** The dashboard's sign-in cookie. It holds an HMAC of the token, never the token itself. */
export const SESSION_COOKIE = 'kpi_sync_session';

/** 127.0.0.0/8, ::1, ::ffff:127.x and `localhost`: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Compares in time independent of where the strings differ; hashing first makes the
 * lengths equal, so the length of the token does not leak either.
 */
export function safeEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** `Authorization: Bearer <token>`, case-insensitive scheme; undefined for anything else. */
export function bearerOf(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('kpi-sync dashboard session v1').digest('base64url');
}

export function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether a request carries the token: as a bearer header (API, Prometheus) or as the dashboard's session cookie. */
export function isAuthorized(token: string, headers: { authorization?: string; cookie?: string }): boolean {
  const bearer = bearerOf(headers.authorization);
  if (bearer !== undefined) return safeEqual(bearer, token);
  const session = cookieOf(headers.cookie, SESSION_COOKIE);
  return session !== undefined && safeEqual(session, sessionValue(token));
}
