import { z } from 'zod';

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
