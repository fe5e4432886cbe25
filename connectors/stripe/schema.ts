import { z } from 'zod';
import { allowLinkLocalSetting, baseUrl, linkLocalCheck, secret } from '../../src/sdk/index.ts';

/**
 * The Stripe-Version header sent with every request, so responses keep the shape this
 * connector reads whatever version the account defaults to
 * (https://docs.stripe.com/api/versioning). Every field read here (subscription
 * `status`, `currency`, `created`, `ended_at`, `items.data[].quantity`, `price.unit_amount`,
 * `unit_amount_decimal`, `billing_scheme`, `recurring`; charge `status`, `amount_captured`,
 * `amount_refunded`; invoice `amount_paid`; list and search_result envelopes; the `error`
 * body) has the same name and type in the API description kept in the repository
 * (2023-08-16) and in this version.
 */
export const STRIPE_API_VERSION = '2026-08-26.dahlia';
export const STRIPE_BASE_URL = 'https://api.stripe.com';

/** Most objects a list or search page returns ("Limit can range between 1 and 100"). */
export const PAGE_LIMIT = 100;

export const connectionSchema = z
  .strictObject({
    secretKey: secret('Stripe secret key (sk_live_…, sk_test_…) or a restricted key (rk_…) with read access; use ${ENV_VAR} or ${file:/path}'),
    apiVersion: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/, 'a Stripe API version such as 2026-08-26.dahlia')
      .default(STRIPE_API_VERSION)
      .describe(`The Stripe-Version header sent with every request (default ${STRIPE_API_VERSION}).`),
    baseUrl: baseUrl('Replaces https://api.stripe.com, e.g. a proxy; https, or plain http on loopback only').optional(),
    searchApi: z
      .boolean()
      .default(true)
      .describe('Count new subscriptions with the Search API (one request). false for accounts without Search (India): page the list instead.'),
    timeoutMs: z.number().int().min(100).max(300_000).default(30_000).describe('Per-request timeout in milliseconds.'),
    maxPages: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(100)
      .describe(`Most pages of ${PAGE_LIMIT} objects read for one value before the run fails asking for a narrower query.`),
    maxBackfillPeriods: z.number().int().min(1).default(400).describe('Most periods one backfill may query.'),
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .superRefine((connection, ctx) => {
    // A publishable key reads nothing server-side (https://docs.stripe.com/keys).
    if (connection.secretKey.startsWith('pk_')) {
      ctx.addIssue({ code: 'custom', path: ['secretKey'], message: 'this is a publishable key (pk_…); use a secret key (sk_…) or a restricted key (rk_…)' });
    }
  })
  .check(linkLocalCheck(['baseUrl']));

export type StripeConnection = z.output<typeof connectionSchema>;

const currency = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'a three-letter ISO currency code such as usd')
  .transform((code) => code.toLowerCase())
  .describe('Only amounts in this currency are added up (ISO code, e.g. usd); others are skipped and counted.');

const mrrQuery = z.strictObject({
  metric: z.literal('mrr').describe('Monthly recurring revenue of the subscriptions live now, in the smallest currency unit.'),
  currency,
  includeTrialing: z.boolean().default(false).describe('Add subscriptions in a trial (status trialing).'),
  includePastDue: z.boolean().default(false).describe('Add subscriptions whose latest payment failed but that are not canceled yet (status past_due).'),
});

const newSubscriptionsQuery = z.strictObject({
  metric: z.literal('new_subscriptions').describe('Subscriptions created in the window.'),
  includeIncomplete: z
    .boolean()
    .default(false)
    .describe('Also count subscriptions whose first payment never succeeded (status incomplete, incomplete_expired).'),
});

const churnedSubscriptionsQuery = z.strictObject({
  metric: z.literal('churned_subscriptions').describe('Subscriptions that ended (ended_at) in the window.'),
  source: z
    .enum(['subscriptions', 'events'])
    .default('subscriptions')
    .describe('subscriptions: page canceled subscriptions (any window); events: count customer.subscription.deleted events (last 30 days only, cheaper).'),
});

const revenueQuery = z.strictObject({
  metric: z.literal('revenue').describe('Money collected in the window, in the smallest currency unit.'),
  currency,
  source: z
    .enum(['charges', 'invoices'])
    .default('charges')
    .describe('charges: captured amount of succeeded charges created in the window; invoices: amount_paid of paid invoices created in the window.'),
  netOfRefunds: z.boolean().default(false).describe('For charges: subtract amount_refunded.'),
});

export const querySchema = z.discriminatedUnion('metric', [mrrQuery, newSubscriptionsQuery, churnedSubscriptionsQuery, revenueQuery]);

export type StripeQuery = z.output<typeof querySchema>;
export type MrrQuery = z.output<typeof mrrQuery>;
export type RevenueQuery = z.output<typeof revenueQuery>;
