import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http from '../../../connectors/http/index.ts';
import { windowVariables } from '../../../connectors/http/template.ts';
import { connection, context, NOVEMBER, query } from './http-mocks.ts';
import { startLoopbackApi, type LoopbackApi } from './loopback-server.ts';

let api: LoopbackApi;
beforeAll(async () => {
  api = await startLoopbackApi();
});
afterEach(() => api.reset());
afterAll(async () => {
  await api.close();
});

describe('http window templates', () => {
  it('has every bound in every form', () => {
    expect(windowVariables(NOVEMBER)).toEqual({
      window: {
        start: '2025-11-01T00:00:00.000+01:00',
        end: '2025-12-01T00:00:00.000+01:00',
        startUnix: 1761951600,
        endUnix: 1764543600,
        startMs: 1761951600000,
        endMs: 1764543600000,
        startDate: '2025-11-01',
        endDate: '2025-12-01',
        lastDate: '2025-11-30',
        timeZone: 'Europe/Paris',
        interval: 'month',
      },
    });
  });

  it('renders the path (values URL-encoded), the parameters, the headers and a POST body', async () => {
    api.on('POST', '/v1/stats/2025-11-01', () => ({ body: { total: 7 } }));
    const conn = connection(api.url);
    const { ctx } = context({ conn });
    const q = query({
      method: 'POST',
      path: '/v1/stats/{{window.startDate}}?from={{window.start}}&tz={{window.timeZone}}',
      params: { to: '{{window.end}}', last: '{{window.lastDate}}' },
      headers: { 'X-Range': '{{window.startMs}}-{{window.endMs}}' },
      body: {
        range: { gte: '{{window.startUnix}}', lt: '{{window.endUnix}}' },
        label: 'month of {{window.startDate}}',
        interval: '{{window.interval}}',
        limit: 100,
      },
      pick: { jsonpath: '$.total' },
    });
    expect(await http.fetch(conn, q, ctx)).toEqual([{ value: 7, at: NOVEMBER.start }]);
    const [received] = api.received;
    expect(received!.path).toBe('/v1/stats/2025-11-01');
    expect(Object.fromEntries(received!.query)).toEqual({
      from: '2025-11-01T00:00:00.000+01:00',
      tz: 'Europe/Paris',
      to: '2025-12-01T00:00:00.000+01:00',
      last: '2025-11-30',
    });
    expect(received!.headers['x-range']).toBe('1761951600000-1764543600000');
    // A lone numeric placeholder stays a number; anything else is text.
    expect(received!.json).toEqual({ range: { gte: 1761951600, lt: 1764543600 }, label: 'month of 2025-11-01', interval: 'month', limit: 100 });
  });

  it('a value cannot change the URL: "+" and ":" arrive encoded', async () => {
    api.on('GET', '/v1/stats', () => ({ body: { total: 1 } }));
    const conn = connection(api.url);
    const { ctx } = context({ conn });
    await http.fetch(conn, query({ path: '/v1/stats?from={{window.start}}', pick: { jsonpath: '$.total' } }), ctx);
    expect(api.received[0]!.query.get('from')).toBe('2025-11-01T00:00:00.000+01:00');
  });

  it('a backfill renders and sends one request per period, from ctx.periods()', async () => {
    api.on('GET', '/v1/stats', (request) => ({ body: { total: Number(request.query.get('from')!.slice(5, 7)) } }));
    const conn = connection(api.url);
    const { ctx } = context({ conn, mode: 'backfill', window: { ...NOVEMBER, start: '2025-09-01T00:00:00.000+02:00' } });
    const values = await http.fetch(
      conn,
      query({ path: '/v1/stats', params: { from: '{{window.startDate}}', to: '{{window.lastDate}}' }, pick: { jsonpath: '$.total' } }),
      ctx,
    );
    expect(values).toEqual([
      { value: 9, at: '2025-09-01T00:00:00.000+02:00' },
      { value: 10, at: '2025-10-01T00:00:00.000+02:00' },
      { value: 11, at: '2025-11-01T00:00:00.000+01:00' },
    ]);
    expect(api.received.map((r) => `${r.query.get('from')}..${r.query.get('to')}`)).toEqual([
      '2025-09-01..2025-09-30',
      '2025-10-01..2025-10-31',
      '2025-11-01..2025-11-30',
    ]);
  });

  it('refuses a backfill wider than maxBackfillPeriods before sending anything', async () => {
    const conn = connection(api.url, { maxBackfillPeriods: 2 });
    const { ctx } = context({ conn, mode: 'backfill', window: { ...NOVEMBER, start: '2025-09-01T00:00:00.000+02:00' } });
    await expect(http.fetch(conn, query({ path: '/v1/stats', pick: { jsonpath: '$.total' } }), ctx)).rejects.toMatchObject({ code: 'KS_ERR_CONFIG' });
    expect(api.received).toHaveLength(0);
  });
});
