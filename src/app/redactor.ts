/**
 * Scrubs secret values out of any text before it leaves the process. Field-name
 * redaction (pino `redact`) catches secrets in known places; this catches them
 * anywhere else: inside an error message a vendor echoed back, a URL, a stack.
 */
export class Redactor {
  private needles: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    this.setSecrets(secrets);
  }

  /** Replaces the known secrets (e.g. after a config reload). */
  setSecrets(secrets: Iterable<string>): void {
    const set = new Set<string>();
    for (const secret of secrets) {
      // Very short values would scrub ordinary words; config validation requires min length 1,
      // so a 1-3 character "secret" is a test value, not a credential worth mangling logs for.
      if (secret.length < 4) continue;
      set.add(secret);
      // The same secret as it appears inside JSON (log lines) and URLs.
      set.add(JSON.stringify(secret).slice(1, -1));
      set.add(encodeURIComponent(secret));
    }
    // Longest first, so a secret that contains another is scrubbed whole.
    this.needles = [...set].sort((a, b) => b.length - a.length);
  }

  scrub(text: string): string {
    let out = text;
    for (const needle of this.needles) {
      if (out.includes(needle)) out = out.split(needle).join('[redacted]');
    }
    return out;
  }
}
