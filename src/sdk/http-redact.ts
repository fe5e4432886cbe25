/**
 * Keeps credentials out of error messages built from response bodies. Some APIs echo
 * the request back (the token in a query string, an Authorization header in a debug
 * dump), so every body excerpt goes through a scrubber that knows the secrets the
 * request carried, plus patterns for credentials it cannot know about.
 */

const REDACTED = '[redacted]';

/** Request headers whose values are not credentials; every other header value is treated as one. */
const PLAIN_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'content-type',
  'content-length',
  'user-agent',
  'cache-control',
  'connection',
  'host',
  // API version pins: harmless, and hiding them makes "unsupported version" errors unreadable.
  'intercom-version',
  'stripe-version',
  'x-github-api-version',
  'x-api-version',
  'accept-version',
]);

/** Query parameter names that carry credentials (api_key, access_token, sig, X-Amz-Signature, ...). */
const SECRET_PARAM = /(token|key|secret|password|passwd|pwd|auth|sig|signature|session|credential|code)/i;

/**
 * Credentials recognisable without knowing them: auth schemes and key=value pairs in
 * bodies. A bare "token" only counts when its value looks like a credential (long,
 * with a digit), so a vendor's own words survive: "Access Token Invalid", SOQL's
 * "unexpected token: 'total'".
 */
const PATTERNS: Array<[RegExp, string]> = [
  [/\b([Bb]earer|[Bb]asic|Digest|Negotiate)\s+[\w.~+/=-]{6,}/g, `$1 ${REDACTED}`],
  [
    /\b((?:access|refresh|id)_?token|api_?key|apikey|client_?secret|password|passwd|secret|authorization|x-api-key|sig|signature)(["']?\s*[:=]\s*["']?)[^"'&\s,;}<]+/gi,
    `$1$2${REDACTED}`,
  ],
  [/\b(token)(["']?\s*[:=]?\s*["']?)(?=[^"'&\s,;}<]*\d)[^"'&\s,;}<]{8,}/gi, `$1$2${REDACTED}`],
];

/** The values a request carries that must never be shown back: credential headers, secret query values, userinfo. */
export function collectSecrets(url: URL, headers: Record<string, string>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (PLAIN_HEADERS.has(name.toLowerCase())) continue;
    secrets.push(value);
    const scheme = /^\s*(\w+)\s+(.+)$/.exec(value);
    if (scheme?.[2]) {
      secrets.push(scheme[2]);
      if (scheme[1]?.toLowerCase() === 'basic') {
        const decoded = Buffer.from(scheme[2], 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon >= 0) secrets.push(decoded.slice(colon + 1), decoded);
      }
    }
  }
  for (const [name, value] of url.searchParams) {
    if (SECRET_PARAM.test(name)) secrets.push(value, encodeURIComponent(value));
  }
  if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
  // Short values ("1", "yes") would shred the text without protecting anything.
  return [...new Set(secrets.map((s) => s.trim()).filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
}

/** Replaces the known secrets and anything credential-shaped in `text`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A scrubbed, single-line excerpt of at most `max` characters. */
export function excerpt(text: string, secrets: readonly string[], max: number): string {
  // Scrub before cutting so a secret split by the cut cannot survive as a prefix.
  const clean = scrub(text, secrets).replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
