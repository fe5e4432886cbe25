import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { isSecretSchema } from '../../../src/sdk/secret.ts';
import { targetConfigSchema } from '../../../src/notify/targets/target-schemas.ts';

const issues = (input: unknown) => {
  const parsed = targetConfigSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

/** Field names marked secret, per kind, with optional/default wrappers peeled. */
function secretFields(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const option of targetConfigSchema.options) {
    const kind = (option.shape.kind as z.ZodLiteral<string>).value;
    out[kind] = Object.entries(option.shape as Record<string, z.ZodType>)
      .filter(([, field]) => {
        let current: z.ZodType = field;
        while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
        if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
        return isSecretSchema(current);
      })
      .map(([name]) => name);
  }
  return out;
}

describe('push target config', () => {
  it('marks every credential secret, so the loader scrubs it from logs', () => {
    expect(secretFields()).toEqual({
      quantive: ['token'],
      tability: ['remoteCheckinsToken', 'personalApiToken'],
      'okr-tracker': ['teamSecret', 'apiKey'],
      http: ['url', 'headers'],
    });
  });

  it('accepts each kind with its defaults', () => {
    expect(targetConfigSchema.parse({ kind: 'okr-tracker', name: 'okr', baseUrl: 'https://okr.example.org/api/', teamSecret: 's3cret' })).toEqual({
      kind: 'okr-tracker',
      name: 'okr',
      baseUrl: 'https://okr.example.org/api',
      teamSecret: 's3cret',
      mode: 'keyres',
      timeoutMs: 15_000,
    });
    expect(targetConfigSchema.parse({ kind: 'http', name: 'hook', url: 'https://x.example.com/{{kr.id}}', body: { v: '{{value}}' } })).toMatchObject({
      method: 'POST',
      timeoutMs: 15_000,
    });
  });

  it('is strict and names the path of what is wrong, never the value', () => {
    expect(issues({ kind: 'quantive', name: 'Quantive EU', token: 'tok-123456', accountId: 'a', region: 'apac', extra: 1 })).toEqual([
      'name: a lower-case name: letters, digits, "_" or "-", starting with a letter',
      'region: Invalid option: expected one of "eu"|"us"',
      ': Unrecognized key: "extra"',
    ]);
    expect(issues({ kind: 'quantive', name: 'q', token: '', accountId: 'a' })).toEqual(['token: Too small: expected string to have >=1 characters']);
    expect(issues({ kind: 'tability', name: 't', remoteCheckinsToken: 'r', personalApiToken: 'p', baseUrl: 'http://api.tability.app' })).toEqual([
      expect.stringMatching(/^baseUrl: plain http is only allowed for loopback hosts/),
    ]);
    expect(issues({ kind: 'okr-tracker', name: 'o', baseUrl: 'https://okr.example.org', teamSecret: 's', mode: 'objective' })).toEqual([
      'mode: Invalid option: expected one of "keyres"|"kpi"',
    ]);
    expect(issues({ kind: 'asana', name: 'a' })).toHaveLength(1);
    expect(issues({ kind: 'quantive', name: 'q', token: 't', accountId: 'a', timeoutMs: 10 })).toEqual(['timeoutMs: Too small: expected number to be >=100']);
  });

  it('never quotes a URL template that may carry a credential', () => {
    const secretUrl = 'https://hooks.example.com/services/T000/B000/XXXXsecretXXXX/{{kr.id';
    const text = issues({ kind: 'http', name: 'h', url: secretUrl, body: {} }).join('\n');
    expect(text).toContain('unbalanced');
    expect(text).not.toContain('XXXXsecretXXXX');
  });
});
