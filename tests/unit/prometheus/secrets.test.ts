import { describe, expect, it } from 'vitest';
import prometheus from '../../../connectors/prometheus/index.ts';
import { connection, context, mockQuery, query, TENANT, TOKEN } from './prometheus-mocks.ts';

/** Bodies that echo credentials back, as a debugging proxy or a careless gateway might. */
const PASSWORD = 'pr0m-basic-pa55word-42';
const PROMQL = 'sum(up)';

const settings = [
  { name: 'bearer', auth: { type: 'bearer', token: TOKEN }, secret: TOKEN },
  { name: 'basic', auth: { type: 'basic', username: 'kpi', password: PASSWORD }, secret: PASSWORD },
];

describe('prometheus: credentials appear in no error or log line', () => {
  for (const { name, auth, secret } of settings) {
    const echoes: Array<[number, unknown]> = [
      [401, `invalid credentials ${secret}`],
      [400, { status: 'error', errorType: 'bad_data', error: `bad query from tenant ${TENANT} with ${secret}` }],
      [503, { status: 'error', errorType: 'unavailable', error: `upstream said Authorization: Basic ${Buffer.from(`kpi:${secret}`).toString('base64')}` }],
    ];
    it.each(echoes)(`${name} auth, %d echoing the credential`, async (status, body) => {
      const conn = connection({ auth, headers: { 'X-Scope-OrgID': TENANT } });
      mockQuery(PROMQL, status, body);
      const { ctx, lines } = context({ conn });
      const error = (await prometheus.fetch(conn, query(PROMQL), ctx).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      ctx.logger.error({ err: error }, `sync failed: ${String(error)}`);
      const text = [error.message, String(error), error.stack ?? '', JSON.stringify(error), JSON.stringify(error.cause ?? null), lines.join('\n')].join('\n');
      expect(lines.length).toBeGreaterThan(0);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(TENANT);
    });
  }
});
