import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import stripe from '../../../connectors/stripe/index.ts';
import { unitScale } from '../../../connectors/stripe/map.ts';
import { STRIPE_API_VERSION } from '../../../connectors/stripe/schema.ts';

const { connectionSchema, querySchema } = stripe;

function messages(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }): string[] {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('stripe connectionSchema', () => {
  it('defaults: pinned Stripe-Version, Search on, 30 s timeout, 100 pages', () => {
    expect(connectionSchema.parse({ secretKey: 'sk_test_x' })).toEqual({
      secretKey: 'sk_test_x',
      apiVersion: STRIPE_API_VERSION,
      searchApi: true,
      timeoutMs: 30_000,
      maxPages: 100,
      maxBackfillPeriods: 400,
    });
  });

  it('refuses a publishable key, naming the field', () => {
    expect(messages(connectionSchema.safeParse({ secretKey: 'pk_live_abc' }))).toEqual([
      'secretKey: this is a publishable key (pk_…); use a secret key (sk_…) or a restricted key (rk_…)',
    ]);
  });

  it('refuses a malformed API version and unknown keys', () => {
    expect(messages(connectionSchema.safeParse({ secretKey: 'sk_test_x', apiVersion: 'latest' }))).toEqual([
      'apiVersion: a Stripe API version such as 2026-08-26.dahlia',
    ]);
    expect(messages(connectionSchema.safeParse({ secretKey: 'sk_test_x', apiKey: 'x' }))[0]).toContain('Unrecognized key');
    expect(messages(connectionSchema.safeParse({}))[0]).toMatch(/^secretKey: /);
  });

  it('takes https base URLs, plain http only on loopback, and refuses link-local hosts unless allowed', () => {
    expect(connectionSchema.parse({ secretKey: 'sk_test_x', baseUrl: 'http://127.0.0.1:12111/' }).baseUrl).toBe('http://127.0.0.1:12111');
    expect(messages(connectionSchema.safeParse({ secretKey: 'sk_test_x', baseUrl: 'http://stripe.internal' }))[0]).toContain(
      'plain http is only allowed for loopback',
    );
    expect(messages(connectionSchema.safeParse({ secretKey: 'sk_test_x', baseUrl: 'https://169.254.169.254' }))[0]).toMatch(/^baseUrl: .*allowLinkLocal/);
    expect(connectionSchema.safeParse({ secretKey: 'sk_test_x', baseUrl: 'https://169.254.169.254', allowLinkLocal: true }).success).toBe(true);
  });

  it('marks the secret key write-only in the JSON Schema', () => {
    const json = z.toJSONSchema(connectionSchema, { io: 'input' }) as { properties: Record<string, { writeOnly?: boolean }> };
    expect(json.properties.secretKey?.writeOnly).toBe(true);
  });
});

describe('stripe querySchema', () => {
  it("fills each metric's defaults", () => {
    expect(querySchema.parse({ metric: 'mrr', currency: 'EUR' })).toEqual({ metric: 'mrr', currency: 'eur', includeTrialing: false, includePastDue: false });
    expect(querySchema.parse({ metric: 'new_subscriptions' })).toEqual({ metric: 'new_subscriptions', includeIncomplete: false });
    expect(querySchema.parse({ metric: 'churned_subscriptions' })).toEqual({ metric: 'churned_subscriptions', source: 'subscriptions' });
    expect(querySchema.parse({ metric: 'revenue', currency: 'usd' })).toEqual({ metric: 'revenue', currency: 'usd', source: 'charges', netOfRefunds: false });
  });

  it('needs a currency for money metrics and names the field', () => {
    expect(messages(querySchema.safeParse({ metric: 'mrr' }))[0]).toMatch(/^currency: /);
    expect(messages(querySchema.safeParse({ metric: 'revenue', currency: 'dollars' }))).toEqual(['currency: a three-letter ISO currency code such as usd']);
  });

  it('refuses an unknown metric and settings of another metric', () => {
    expect(messages(querySchema.safeParse({ metric: 'arr' }))[0]).toMatch(/^metric: /);
    expect(messages(querySchema.safeParse({ metric: 'new_subscriptions', currency: 'usd' }))[0]).toContain('Unrecognized key');
  });

  it('documents the scale that turns minor units into whole ones', () => {
    expect([unitScale('usd'), unitScale('jpy'), unitScale('kwd')]).toEqual([0.01, 1, 0.001]);
  });
});
