import { KsError } from '../../sdk/errors.ts';

/** What logs and errors may say about a database URL: where it points, never its password. */
export interface PostgresTarget {
  /** `host:port`, for log lines. */
  endpoint: string;
  /** The URL with its password masked. */
  redacted: string;
  /** Removes the password (as written and percent-decoded) and the full URL from a text. */
  scrub: (text: string) => string;
}

/** Parses a `postgres://` or `postgresql://` URL; a malformed one is refused without echoing it (it may hold a password). */
export function postgresTarget(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new KsError('KS_ERR_STORE', 'The database URL is not a valid URL; expected postgres://user:password@host:5432/database.');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new KsError('KS_ERR_STORE', `The database URL has scheme "${parsed.protocol}"; expected postgres:// or postgresql://.`);
  }
  const secrets = new Set<string>([url]);
  if (parsed.password) {
    secrets.add(parsed.password);
    secrets.add(safeDecode(parsed.password));
    parsed.password = '***';
  }
  const redacted = parsed.toString();
  // Longest first, so the URL goes as a whole before its password alone.
  const ordered = [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  return {
    endpoint: `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`,
    redacted,
    scrub: (text) => ordered.reduce((out, secret) => out.replaceAll(secret, secret === url ? redacted : '***'), text),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
