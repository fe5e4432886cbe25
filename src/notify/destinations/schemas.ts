import { z } from 'zod';
import { secret } from '../../sdk/secret.ts';
import { allowLinkLocalSetting, baseUrl, linkLocalCheck, secureUrlProblem } from '../../sdk/url.ts';

/**
 * Config for alert destinations, for the lead to place under `alerts.destinations`.
 * Strict objects, secrets marked with `secret()` so the loader scrubs them from logs,
 * and issue messages that never quote a value (a Slack URL is itself the credential).
 */

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
export const DEFAULT_TIMEOUT_MS = 15_000;

const destinationName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'a lower-case name: letters, digits, "_" or "-", starting with a letter')
  .describe('How alert routes refer to this destination.');

const timeoutMs = z
  .int()
  .min(100)
  .max(120_000)
  .default(DEFAULT_TIMEOUT_MS)
  .describe('Milliseconds one delivery attempt may take, response body included (Standard Webhooks suggests 15 to 30 s).');

/** https anywhere, http only on loopback; kept exactly as written (a receiver may care about a trailing slash). */
function endpointUrl<T extends z.ZodString>(base: T): T {
  return base.superRefine((text, ctx) => {
    const problem = secureUrlProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** whsec_ and base64 of 24 to 64 random bytes, as the Standard Webhooks spec sets for symmetric secrets. */
const WHSEC = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const webhookSecret = secret('Standard Webhooks signing secret: "whsec_" and base64 of 24 to 64 random bytes; use ${ENV_VAR} or ${file:/path}').superRefine(
  (text, ctx) => {
    if (!WHSEC.test(text)) {
      ctx.addIssue({ code: 'custom', message: 'expected "whsec_" followed by standard base64 (A-Z a-z 0-9 + /, "=" padding)' });
      return;
    }
    const bytes = Buffer.from(text.slice('whsec_'.length), 'base64').length;
    if (bytes < 24 || bytes > 64) ctx.addIssue({ code: 'custom', message: `the secret decodes to ${bytes} bytes; Standard Webhooks asks for 24 to 64` });
  },
);

/** Headers the destination sets itself; letting config override them would break signing or framing. */
const RESERVED_HEADERS = new Set([
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'content-type',
  'content-length',
  'host',
  'user-agent',
  'transfer-encoding',
  'connection',
]);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const headerValue = secret('a header value, treated as a credential; use ${ENV_VAR} or ${file:/path}').regex(/^[^\r\n\0]*$/, 'a header value on one line');

export const webhookDestinationSchema = z
  .strictObject({
    kind: z.literal('webhook'),
    name: destinationName,
    url: endpointUrl(z.string()).meta({ format: 'uri', description: 'Receiver URL: https (plain http only for 127.0.0.1, ::1 or localhost).' }),
    secret: webhookSecret,
    headers: z
      .record(z.string(), headerValue)
      .superRefine((headers, ctx) => {
        // Checked here rather than with a key schema so the issue lands on the header's own path with its own words.
        for (const name of Object.keys(headers)) {
          if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'not an HTTP header name (RFC 9110 token characters only)' });
          else if (RESERVED_HEADERS.has(name.toLowerCase()))
            ctx.addIssue({ code: 'custom', path: [name], message: 'set by kpi-sync itself and cannot be overridden' });
        }
      })
      .optional()
      .describe('Extra request headers (e.g. an API gateway key); values are secrets.'),
    timeoutMs,
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['url'], 'destination'))
  .describe('A JSON POST signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).');

export const slackDestinationSchema = z
  .strictObject({
    kind: z.literal('slack'),
    name: destinationName,
    url: endpointUrl(secret('Slack incoming-webhook URL; the URL itself is the credential, so use ${ENV_VAR} or ${file:/path}')),
    dashboardUrl: baseUrl('Base URL of the kpi-sync dashboard; messages link to <dashboardUrl>/kpis/<id>.').optional(),
    timeoutMs,
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['url'], 'destination'))
  .describe('A Block Kit message to a Slack incoming webhook.');

export const pagerdutyDestinationSchema = z
  .strictObject({
    kind: z.literal('pagerduty'),
    name: destinationName,
    routingKey: secret('PagerDuty Events API v2 integration key (routing_key); use ${ENV_VAR} or ${file:/path}'),
    url: endpointUrl(z.string())
      .default(PAGERDUTY_EVENTS_URL)
      .meta({ format: 'uri', description: `Events API v2 enqueue URL (default ${PAGERDUTY_EVENTS_URL}).` }),
    timeoutMs,
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['url'], 'destination'))
  .describe('PagerDuty Events API v2: trigger on warn/critical/no_data, resolve on ok, one incident per breach episode.');

export const destinationConfigSchema = z.discriminatedUnion('kind', [webhookDestinationSchema, slackDestinationSchema, pagerdutyDestinationSchema]);

export type WebhookDestinationConfig = z.output<typeof webhookDestinationSchema>;
export type SlackDestinationConfig = z.output<typeof slackDestinationSchema>;
export type PagerdutyDestinationConfig = z.output<typeof pagerdutyDestinationSchema>;
export type DestinationConfig = z.output<typeof destinationConfigSchema>;
