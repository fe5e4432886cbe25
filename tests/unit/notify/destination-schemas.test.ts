import { describe, expect, it } from 'vitest';
import { collectSecrets, isSecretAt } from '../../../src/config/schema-walk.ts';
import {
  destinationConfigSchema,
  pagerdutyDestinationSchema,
  slackDestinationSchema,
  webhookDestinationSchema,
} from '../../../src/notify/destinations/schemas.ts';
import { WEBHOOK_SECRET } from '../../fixtures/notify/alert-events.ts';

const SLACK_URL = 'https://hooks.slack.com/services/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';
const webhook = { kind: 'webhook', name: 'ops-hook', url: 'https://hooks.example.com/kpi/', secret: WEBHOOK_SECRET };
const messages = (result: { success: boolean; error?: { issues: { message: string; path: PropertyKey[] }[] } }) =>
  (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('destination config schemas', () => {
  it('parses each kind with defaults, keeping a webhook URL exactly as written', () => {
    expect(webhookDestinationSchema.parse(webhook)).toEqual({ ...webhook, timeoutMs: 15_000 });
    expect(slackDestinationSchema.parse({ kind: 'slack', name: 'chat', url: SLACK_URL, dashboardUrl: 'https://dash.example.com/' })).toEqual({
      kind: 'slack',
      name: 'chat',
      url: SLACK_URL,
      dashboardUrl: 'https://dash.example.com',
      timeoutMs: 15_000,
    });
    expect(pagerdutyDestinationSchema.parse({ kind: 'pagerduty', name: 'pager', routingKey: 'abc123', timeoutMs: 5000 })).toEqual({
      kind: 'pagerduty',
      name: 'pager',
      routingKey: 'abc123',
      url: 'https://events.pagerduty.com/v2/enqueue',
      timeoutMs: 5000,
    });
    expect(destinationConfigSchema.parse(webhook).kind).toBe('webhook');
  });

  it('accepts plain http only on loopback', () => {
    expect(webhookDestinationSchema.safeParse({ ...webhook, url: 'http://127.0.0.1:8080/hook' }).success).toBe(true);
    expect(webhookDestinationSchema.safeParse({ ...webhook, url: 'http://localhost/hook' }).success).toBe(true);
    expect(messages(webhookDestinationSchema.safeParse({ ...webhook, url: 'http://hooks.example.com/hook' }))).toEqual([
      'url: plain http is only allowed for loopback hosts (127.0.0.0/8, localhost, ::1); use https',
    ]);
    expect(messages(webhookDestinationSchema.safeParse({ ...webhook, url: 'ftp://x.example.com' }))).toEqual(['url: unsupported protocol ftp:']);
  });

  it('wants a whsec_ secret of 24 to 64 bytes in base64', () => {
    const bad = (secret: string) => messages(webhookDestinationSchema.safeParse({ ...webhook, secret }));
    expect(bad('not-a-secret-at-all-0123456789')).toEqual(['secret: expected "whsec_" followed by standard base64 (A-Z a-z 0-9 + /, "=" padding)']);
    expect(bad('whsec_***')).toHaveLength(1);
    expect(bad(`whsec_${Buffer.alloc(16, 7).toString('base64')}`)).toEqual(['secret: the secret decodes to 16 bytes; Standard Webhooks asks for 24 to 64']);
    expect(bad(`whsec_${Buffer.alloc(65, 7).toString('base64')}`)).toHaveLength(1);
    expect(bad(`whsec_${Buffer.alloc(24, 7).toString('base64')}`)).toEqual([]);
    expect(bad(`whsec_${Buffer.alloc(64, 7).toString('base64')}`)).toEqual([]);
  });

  it('refuses headers kpi-sync sets itself and header values that span lines', () => {
    expect(webhookDestinationSchema.safeParse({ ...webhook, headers: { 'X-Api-Key': 'k-123456' } }).success).toBe(true);
    const issues = messages(webhookDestinationSchema.safeParse({ ...webhook, headers: { 'Webhook-Signature': 'v1,x', 'bad header': 'x', 'X-Ok': 'a\r\nb' } }));
    expect(issues.sort()).toEqual([
      'headers.Webhook-Signature: set by kpi-sync itself and cannot be overridden',
      'headers.X-Ok: a header value on one line',
      'headers.bad header: not an HTTP header name (RFC 9110 token characters only)',
    ]);
  });

  it('is strict and tells the kinds apart', () => {
    expect(messages(webhookDestinationSchema.safeParse({ ...webhook, secrte: 'x' })).join()).toContain('secrte');
    expect(destinationConfigSchema.safeParse({ ...webhook, kind: 'email' }).success).toBe(false);
    expect(messages(pagerdutyDestinationSchema.safeParse({ kind: 'pagerduty', name: 'Pager!', routingKey: 'k' })).join()).toContain('name:');
  });

  it('marks every credential as secret so the loader scrubs it from logs', () => {
    expect(isSecretAt(destinationConfigSchema, ['secret'])).toBe(true);
    expect(isSecretAt(destinationConfigSchema, ['headers', 'X-Api-Key'])).toBe(true);
    expect(isSecretAt(slackDestinationSchema, ['url'])).toBe(true);
    expect(isSecretAt(pagerdutyDestinationSchema, ['routingKey'])).toBe(true);
    expect(isSecretAt(webhookDestinationSchema, ['url'])).toBe(false);
    const found = collectSecrets(webhookDestinationSchema, { ...webhook, headers: { 'X-Api-Key': 'k-123456' } }).map((s) => s.value);
    expect(found.sort()).toEqual(['k-123456', WEBHOOK_SECRET].sort());
  });

  it('never quotes a secret back in an issue', () => {
    const canary = 'whsec_CANARY+CANARY+CANARY';
    const results = [
      webhookDestinationSchema.safeParse({ ...webhook, secret: canary }),
      slackDestinationSchema.safeParse({ kind: 'slack', name: 'chat', url: 'http://hooks.slack.com/services/CANARY/CANARY' }),
      slackDestinationSchema.safeParse({ kind: 'slack', name: 'chat', url: 'CANARY not a url' }),
    ];
    for (const result of results) {
      expect(result.success).toBe(false);
      expect(JSON.stringify(result.error?.issues)).not.toContain('CANARY');
    }
  });
});
