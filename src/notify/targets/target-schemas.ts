import { z } from 'zod';
import { KsError } from '../../sdk/errors.ts';
import { secret } from '../../sdk/secret.ts';
import { allowLinkLocalSetting, baseUrl, linkLocalCheck, secureUrlProblem } from '../../sdk/url.ts';
import { DEFAULT_TIMEOUT_MS } from '../destinations/schemas.ts';
import { renderBody, renderHeader, renderUrl, SAMPLE_PAYLOAD, TEMPLATE_VARIABLE_NAMES, templateVars } from './http-template.ts';

/**
 * Config for KR push targets, for the lead to place under `targets:`. Strict objects,
 * credentials marked with `secret()` so the loader scrubs them from logs, and issue
 * messages that never quote a value.
 */

export const QUANTIVE_BASE_URLS = {
  eu: 'https://app.quantive.com/results/api/v1',
  us: 'https://app.us.quantive.com/results/api/v1',
} as const;
export const TABILITY_BASE_URL = 'https://api.tability.app';

const targetName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'a lower-case name: letters, digits, "_" or "-", starting with a letter')
  .describe('How KRs refer to this target in `push[].target`.');

const timeoutMs = z.int().min(100).max(120_000).default(DEFAULT_TIMEOUT_MS).describe('Milliseconds one request may take, response body included.');

export const quantiveTargetSchema = z
  .strictObject({
    kind: z.literal('quantive'),
    name: targetName,
    token: secret('Quantive Results API token (sent as "Authorization: Bearer"); use ${ENV_VAR} or ${file:/path}'),
    accountId: z.string().min(1).describe('Quantive account id, sent as the gtmhub-accountid header.'),
    region: z.enum(['eu', 'us']).default('eu').describe(`Data centre: eu (${QUANTIVE_BASE_URLS.eu}) or us (${QUANTIVE_BASE_URLS.us}).`),
    baseUrl: baseUrl('Quantive Results API base URL; overrides `region`.').optional(),
    timeoutMs,
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['baseUrl'], 'target'))
  .describe("Quantive Results: one check-in per push on the metric (KR) named by the KR's push id.");

export const tabilityTargetSchema = z
  .strictObject({
    kind: z.literal('tability'),
    name: targetName,
    remoteCheckinsToken: secret("The outcome's remote check-ins token (from its Check-ins API URL); it names ONE outcome, so use one target per outcome"),
    personalApiToken: secret('Your Tability personal API token (tability.app/account); use ${ENV_VAR} or ${file:/path}'),
    baseUrl: baseUrl(`Tability API base URL (default ${TABILITY_BASE_URL}).`).default(TABILITY_BASE_URL),
    timeoutMs,
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['baseUrl'], 'target'))
  .describe("Tability check-ins webhook. The token picks the outcome, so the KR's push id is informational.");

export const okrTrackerTargetSchema = z
  .strictObject({
    kind: z.literal('okr-tracker'),
    name: targetName,
    baseUrl: baseUrl('Base URL of the okr-tracker API (the API gateway in front of its cloud functions).'),
    teamSecret: secret("The secret chosen in the team's settings, sent as okr-team-secret"),
    apiKey: secret('API gateway key, sent as x-api-key, where the deployment requires one').optional(),
    mode: z
      .enum(['keyres', 'kpi'])
      .default('keyres')
      .describe("keyres: POST /keyres/{id} (a key result's new value); kpi: PUT /kpi/{id}/values/{date} (a KPI's value for the day)."),
    timeoutMs,
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['baseUrl'], 'target'))
  .describe("oslokommune's okr-tracker.");

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Set by kpi-sync itself: letting config override them would break framing. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'user-agent', 'transfer-encoding', 'connection']);

/** Why a rendered template is unusable, or undefined; never quotes the template (it may hold a credential). */
function templateProblem(render: () => unknown): string | undefined {
  try {
    render();
    return undefined;
  } catch (error) {
    if (!(error instanceof KsError)) return 'cannot be rendered';
    // renderTemplate quotes the whole template in this one message; a URL or header may be a credential.
    return error.message.startsWith('Template has an unbalanced') ? 'has an unbalanced "{{" or "}}"' : error.message;
  }
}

/** Why a URL template is not acceptable, without quoting it. */
function urlProblem(template: string): string | undefined {
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(template)?.[0] ?? '';
  if (origin.includes('{{')) return 'placeholders are allowed in the path and query, not in the scheme or host';
  const problem = templateProblem(() => renderUrl(template, templateVars(SAMPLE_PAYLOAD)));
  if (problem) return problem;
  return secureUrlProblem(renderUrl(template, templateVars(SAMPLE_PAYLOAD)));
}

const templateNote = `Placeholders: ${TEMPLATE_VARIABLE_NAMES.map((n) => `{{${n}}}`).join(', ')} ({{kr.id}} is the KR's push id on the platform).`;

export const httpTargetSchema = z
  .strictObject({
    kind: z.literal('http'),
    name: targetName,
    method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
    url: secret(`Request URL template: https (plain http only for loopback); a path or query may be a credential. ${templateNote}`).superRefine((text, ctx) => {
      const problem = urlProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    headers: z
      .record(z.string(), secret('a header value (may use placeholders), treated as a credential').regex(/^[^\r\n\0]*$/, 'a header value on one line'))
      .superRefine((headers, ctx) => {
        for (const [name, value] of Object.entries(headers)) {
          if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'not an HTTP header name (RFC 9110 token characters only)' });
          else if (RESERVED_HEADERS.has(name.toLowerCase()))
            ctx.addIssue({ code: 'custom', path: [name], message: 'set by kpi-sync itself and cannot be overridden' });
          const problem = templateProblem(() => renderHeader(value, templateVars(SAMPLE_PAYLOAD)));
          if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
        }
      })
      .optional(),
    body: z
      .json()
      .superRefine((body, ctx) => {
        const problem = templateProblem(() => renderBody(body, templateVars(SAMPLE_PAYLOAD)));
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe(`JSON body template. A string that is exactly one placeholder keeps the value's type ("{{value}}" → 42.5). ${templateNote}`),
    timeoutMs,
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['url'], 'target'))
  .describe('Any other platform: one JSON request per push, built from templates.');

export const targetConfigSchema = z.discriminatedUnion('kind', [quantiveTargetSchema, tabilityTargetSchema, okrTrackerTargetSchema, httpTargetSchema]);

export type QuantiveTargetConfig = z.output<typeof quantiveTargetSchema>;
export type TabilityTargetConfig = z.output<typeof tabilityTargetSchema>;
export type OkrTrackerTargetConfig = z.output<typeof okrTrackerTargetSchema>;
export type HttpTargetConfig = z.output<typeof httpTargetSchema>;
export type TargetConfig = z.output<typeof targetConfigSchema>;
