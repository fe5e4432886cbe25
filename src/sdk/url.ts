import { z } from 'zod';
import { ALLOW_LINK_LOCAL, LINK_LOCAL_RANGES, linkLocalHost } from './address-guard.ts';

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

/** True for 127.0.0.0/8, ::1 and localhost: the only hosts plain http is accepted for. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * Why a URL is not acceptable for outbound calls, or undefined when it is: https
 * anywhere, plain http only on loopback (a local proxy or a test server), so
 * credentials never cross a network in clear text. The message never quotes the
 * URL: some URLs (Slack webhooks) are themselves credentials.
 */
export function secureUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname) ? undefined : 'plain http is only allowed for loopback hosts (127.0.0.0/8, localhost, ::1); use https';
  }
  return `unsupported protocol ${url.protocol}`;
}

/** A base URL setting (see secureUrlProblem); trailing slashes are dropped so paths can be appended. */
export function baseUrl(description = 'https URL (plain http only for 127.0.0.1, ::1 or localhost)') {
  return z
    .string()
    .superRefine((text, ctx) => {
      const problem = secureUrlProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((text) => text.replace(/\/+$/, ''))
    .meta({ description, format: 'uri' });
}

/**
 * Why `text` (the setting `key`) may not be requested without the owner's opt-in: its
 * host is a literal link-local or cloud-metadata address. The message names the
 * setting and the opt-in but not the host: some URLs are credentials.
 */
export function linkLocalUrlProblem(text: string, key: string, owner = 'connection'): string | undefined {
  if (linkLocalHost(text) === undefined) return undefined;
  return `\`${key}\` points at a link-local / cloud-metadata address (${LINK_LOCAL_RANGES}), where cloud credentials are served; requests there are refused unless this ${owner} sets \`${ALLOW_LINK_LOCAL}: true\``;
}

/** The opt-in setting, for every connection, destination and target that makes HTTP requests. */
export function allowLinkLocalSetting() {
  return z
    .boolean()
    .optional()
    .describe(`Allow requests to link-local and cloud-metadata addresses (${LINK_LOCAL_RANGES}); refused by default, also when a host name resolves to one.`);
}

/**
 * A check for an object schema (`.check(linkLocalCheck(['url']))`): refuses a literal
 * link-local host in any of the URL settings `keys` unless the object sets
 * `allowLinkLocal: true`. It sits on the object because only there can it see the
 * opt-in, and runs even when other settings have errors, so `validate` lists it too.
 */
export function linkLocalCheck(keys: readonly string[], owner = 'connection') {
  return z.superRefine(
    (value: unknown, ctx) => {
      if (value === null || typeof value !== 'object') return;
      const settings = value as Record<string, unknown>;
      if (settings[ALLOW_LINK_LOCAL] === true) return;
      for (const key of keys) {
        const text = settings[key];
        const problem = typeof text === 'string' ? linkLocalUrlProblem(text, key, owner) : undefined;
        if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
      }
    },
    { when: () => true },
  );
}
