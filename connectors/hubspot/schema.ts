import { z } from 'zod';
import { allowLinkLocalSetting, baseUrl, linkLocalCheck, secret } from '../../src/sdk/index.ts';

export const HUBSPOT_BASE_URL = 'https://api.hubapi.com';

/**
 * CRM search limits (https://developers.hubspot.com/docs/api/crm/search#limitations and
 * https://developers.hubspot.com/changelog/breaking-change-expanded-filtering-capabilities-and-error-messaging-in-hubspots-search-api):
 * at most 200 records a page, 10,000 results a query, 5 filter groups, 10 filters a
 * group, 25 filters in all.
 */
export const MAX_LIMIT = 200;
export const MAX_RESULTS = 10_000;
export const MAX_GROUPS = 5;
export const MAX_FILTERS_PER_GROUP = 10;
export const MAX_FILTERS = 25;

export const connectionSchema = z
  .strictObject({
    accessToken: secret('HubSpot private app access token (pat-…) with crm.objects.deals.read; use ${ENV_VAR} or ${file:/path}'),
    baseUrl: baseUrl('Replaces https://api.hubapi.com, e.g. a proxy; https, or plain http on loopback only').optional(),
    timeoutMs: z.number().int().min(100).max(300_000).default(30_000).describe('Per-request timeout in milliseconds.'),
    maxPages: z
      .number()
      .int()
      .min(1)
      .max(MAX_RESULTS / MAX_LIMIT)
      .default(MAX_RESULTS / MAX_LIMIT)
      .describe(
        `Most pages of ${MAX_LIMIT} deals read for one pipeline_amount value (${MAX_RESULTS / MAX_LIMIT} pages reach HubSpot's ${MAX_RESULTS}-result ceiling).`,
      ),
    maxBackfillPeriods: z.number().int().min(1).default(400).describe('Most periods one backfill may query.'),
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['baseUrl']));

export type HubspotConnection = z.output<typeof connectionSchema>;

export const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;

const PROPERTY = /^[A-Za-z0-9_.-]{1,100}$/;
const propertyName = z.string().regex(PROPERTY, 'a HubSpot property name, e.g. dealstage');
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

/** One filter of HubSpot's search body; values are strings, and may hold `{{window.*}}` placeholders. */
export const filterSchema = z
  .strictObject({
    propertyName: propertyName.describe('The property to filter on (its internal name).'),
    operator: z.enum(OPERATORS).describe('HubSpot filter operator.'),
    value: scalar.optional().describe('The value (EQ, NEQ, LT, LTE, GT, GTE, BETWEEN low end, CONTAINS_TOKEN…).'),
    highValue: scalar.optional().describe('BETWEEN: the high end.'),
    values: z.array(scalar).min(1).max(100).optional().describe('IN / NOT_IN: the values.'),
  })
  .superRefine((filter, ctx) => {
    const { operator } = filter;
    if ((operator === 'IN' || operator === 'NOT_IN') && filter.values === undefined)
      ctx.addIssue({ code: 'custom', path: ['values'], message: `${operator} needs values: [...]` });
    if (operator === 'BETWEEN' && (filter.value === undefined || filter.highValue === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['highValue'], message: 'BETWEEN needs value and highValue' });
    }
    const needsValue = !['IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'BETWEEN'].includes(operator);
    if (needsValue && filter.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `${operator} needs a value` });
  });

export type Filter = z.output<typeof filterSchema>;

export const filterGroupsSchema = z
  .array(z.strictObject({ filters: z.array(filterSchema).min(1).max(MAX_FILTERS_PER_GROUP).describe('Filters ANDed together.') }))
  .min(1)
  .max(MAX_GROUPS)
  .superRefine((groups, ctx) => {
    const total = groups.reduce((n, g) => n + g.filters.length, 0);
    if (total > MAX_FILTERS) ctx.addIssue({ code: 'custom', message: `${total} filters in all; HubSpot takes at most ${MAX_FILTERS}` });
  })
  .describe('Filter groups ORed together, each a list of filters ANDed together (HubSpot search filterGroups).');

export type FilterGroups = z.output<typeof filterGroupsSchema>;

const dealsWonQuery = z.strictObject({
  metric: z.literal('deals_won').describe('Deals won with a close date in the window.'),
  stages: z
    .array(z.string().min(1).max(100))
    .min(1)
    .max(100)
    .optional()
    .describe("Deal stage ids that count as won (dealstage IN …). Default: hs_is_closed_won is true, i.e. every pipeline's won stage."),
  pipeline: z.string().min(1).max(100).optional().describe('Only deals of this pipeline (its id).'),
});

const pipelineAmountQuery = z.strictObject({
  metric: z.literal('pipeline_amount').describe("The amount of the pipeline's open deals."),
  pipeline: z.string().min(1).max(100).describe('The pipeline id (default for the default pipeline).'),
  amountProperty: propertyName.default('amount').describe('The numeric deal property added up; amount_in_home_currency in multi-currency accounts.'),
  createdInWindow: z.boolean().default(false).describe('Only open deals created in the window (a flow); default: every open deal now (a snapshot).'),
});

const countQuery = z.strictObject({
  metric: z.literal('count').describe("How many records match the filters: the search's total."),
  objectType: z
    .string()
    .regex(/^[a-z_]+$|^\d+-\d+$|^p\d+_[a-z0-9_]+$/, 'an object type such as deals, contacts, tickets, 2-123456 or p123_cars')
    .default('deals')
    .describe('The CRM object searched: deals (default), contacts, companies, tickets, a custom object type id.'),
  filterGroups: filterGroupsSchema,
});

export const querySchema = z.discriminatedUnion('metric', [dealsWonQuery, pipelineAmountQuery, countQuery]);

export type HubspotQuery = z.output<typeof querySchema>;
export type DealsWonQuery = z.output<typeof dealsWonQuery>;
export type PipelineAmountQuery = z.output<typeof pipelineAmountQuery>;
export type CountQuery = z.output<typeof countQuery>;
