import { z } from 'zod';
import { allowLinkLocalSetting, baseUrl, linkLocalCheck, secret } from '../../src/sdk/index.ts';
import { searchQuerySchema } from './search-query.schema.ts';

/**
 * API versions this connector is written and tested against: the API descriptions
 * 2.11 to 2.14 all define the three search endpoints, their `total_count` and cursor
 * pages, and `GET /me` in the same shape.
 */
export const SUPPORTED_VERSIONS = ['2.11', '2.12', '2.13', '2.14'] as const;
export type IntercomVersion = (typeof SUPPORTED_VERSIONS)[number];
export const DEFAULT_VERSION: IntercomVersion = '2.14';

/**
 * Intercom hosts each workspace in one region. api.intercom.io "will attempt to route
 * your request to the correct region"; naming the region's host skips that guess
 * (https://developers.intercom.com/building-apps/docs/rest-apis, Regional Hosting).
 */
export const REGION_HOSTS = {
  US: 'https://api.intercom.io',
  EU: 'https://api.eu.intercom.io',
  AU: 'https://api.au.intercom.io',
} as const;
export type Region = keyof typeof REGION_HOSTS;

/** The search endpoints' most results per page ("The default is `20` results per page and maximum is `150`"). */
export const MAX_PER_PAGE = 150;

function isSupported(version: string): version is IntercomVersion {
  return (SUPPORTED_VERSIONS as readonly string[]).includes(version);
}

/**
 * YAML reads an unquoted `2.14` as a number, so numbers are accepted and written back as
 * text; `2.10` becomes 2.1, which the message tells the operator to quote.
 */
const versionSchema = z
  .union([z.string(), z.number()])
  .transform((raw, ctx): IntercomVersion => {
    const version = String(raw).trim();
    if (isSupported(version)) return version;
    const quoteHint = typeof raw === 'number' ? ' (quote the version in YAML: "2.14", not 2.14)' : '';
    ctx.addIssue({
      code: 'custom',
      message: `Intercom-Version ${JSON.stringify(version)} is not supported by this connector; use one of ${SUPPORTED_VERSIONS.join(', ')}${quoteHint}`,
    });
    return z.NEVER;
  })
  .default(DEFAULT_VERSION)
  .describe(`The Intercom-Version header sent with every request (${SUPPORTED_VERSIONS.join(', ')}).`);

export const connectionSchema = z
  .strictObject({
    accessToken: secret('Intercom access token (private app) or OAuth token; use ${ENV_VAR} or ${file:/path}'),
    region: z
      .enum(['US', 'EU', 'AU', 'us', 'eu', 'au'])
      .default('US')
      .transform((region) => region.toUpperCase() as Region)
      .describe("The workspace's data hosting region: US (api.intercom.io), EU (api.eu.intercom.io) or AU (api.au.intercom.io)."),
    baseUrl: baseUrl('Overrides the region host, e.g. a proxy; https, or plain http on loopback only').optional(),
    version: versionSchema,
    timeoutMs: z.number().int().min(100).max(300_000).default(30_000).describe('Per-request timeout in milliseconds.'),
    maxPages: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(200)
      .describe(`Most pages of ${MAX_PER_PAGE} records read for one sum/avg/min/max value before giving up.`),
    maxBackfillPeriods: z.number().int().min(1).default(400).describe('Most periods one backfill may query (one request per period for counts).'),
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['baseUrl']));

export type IntercomConnection = z.output<typeof connectionSchema>;

export const SEARCH_OBJECTS = ['conversations', 'contacts', 'tickets'] as const;
export type SearchObject = (typeof SEARCH_OBJECTS)[number];

export const AGGREGATES = ['count', 'sum', 'avg', 'min', 'max'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

const DOT_PATH = /^[A-Za-z_$][\w$-]*(\.[\w$-]+)*$/;

export const querySchema = z
  .strictObject({
    object: z.enum(SEARCH_OBJECTS).describe('Which search endpoint: POST /conversations/search, /contacts/search or /tickets/search.'),
    query: searchQuerySchema.describe('The Intercom search query object; string values may hold window placeholders.'),
    aggregate: z.enum(AGGREGATES).default('count').describe('count uses total_count (one request); the others page through the matches.'),
    field: z
      .string()
      .regex(DOT_PATH, 'a dot path such as statistics.time_to_admin_reply')
      .optional()
      .describe('For sum/avg/min/max: the numeric field of each record, as a dot path.'),
  })
  .superRefine((query, ctx) => {
    if (query.aggregate !== 'count' && query.field === undefined) {
      ctx.addIssue({ code: 'custom', path: ['field'], message: `aggregate "${query.aggregate}" needs a field, e.g. statistics.time_to_admin_reply` });
    }
    if (query.aggregate === 'count' && query.field !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['field'], message: 'a count takes no field; remove it or choose sum/avg/min/max' });
    }
  });

export type IntercomQuery = z.output<typeof querySchema>;
