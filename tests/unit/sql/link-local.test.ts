import dns from 'node:dns';
import { afterEach, describe, expect, it, vi } from 'vitest';
import sql from '../../../connectors/sql/index.ts';
import { createCheckContext, createTestContext } from '../../../src/sdk/testing/index.ts';

/**
 * A host name that resolves to a link-local / cloud-metadata address is refused
 * while connecting (the connector's own `lookup`), for both drivers, before a byte is
 * sent: 169.254.169.254 serves cloud credentials.
 */

const WINDOW = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z', timeZone: 'UTC', interval: 'month' } as const;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sql: link-local addresses', () => {
  it.each(['postgres', 'mysql'])('%s: a name resolving to 169.254.169.254 is refused with a ConfigError naming the opt-in', async (dialect) => {
    const asked: string[] = [];
    vi.spyOn(dns, 'lookup').mockImplementation(((hostname: string, _options: unknown, callback: (error: null, found: dns.LookupAddress[]) => void) => {
      asked.push(hostname);
      callback(null, [{ address: '169.254.169.254', family: 4 }]);
    }) as unknown as typeof dns.lookup);
    const connection = sql.connectionSchema.parse({
      dialect,
      host: 'metadata.example',
      user: 'u',
      password: 'pw-123456',
      ssl: 'disable',
      connectTimeoutMs: 2_000,
    });
    const fetched = await sql.fetch(connection, sql.querySchema.parse({ sql: 'SELECT 1' }), createTestContext({ window: WINDOW })).catch((e: unknown) => e);
    expect(fetched).toMatchObject({ code: 'KS_ERR_CONFIG', retryable: false });
    expect((fetched as Error).message).toContain('refused to connect to metadata.example: it resolves to 169.254.169.254');
    expect((fetched as Error).message).toContain('allowLinkLocal: true');
    const checked = await sql.check(connection, createCheckContext()).catch((e: unknown) => e);
    expect(checked).toMatchObject({ code: 'KS_ERR_CONFIG' });
    expect(asked).toEqual(['metadata.example', 'metadata.example']);
  });
});
