import { readFileSync } from 'node:fs';
import { json, startServer, type Loopback } from '../sdk/loopback-server.ts';

/**
 * Stateful fakes of the platforms on 127.0.0.1, holding what was checked in so a test
 * can count check-ins rather than requests. `plan` scripts the next answers per
 * method; `landed: true` makes a scripted POST record its check-in before answering
 * with the scripted status (the answer lost, the write done), `hang: true` before
 * never answering.
 */
export interface ScriptedAnswer {
  method: 'GET' | 'POST' | 'PUT';
  status: number;
  landed?: boolean;
  /** Never answer (the process sending it is about to die). */
  hang?: boolean;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakePlatform extends Loopback {
  plan: ScriptedAnswer[];
}

const METRIC = JSON.parse(readFileSync(new URL('../../fixtures/targets/quantive-metric.json', import.meta.url), 'utf8')) as Record<string, unknown>;

export const QUANTIVE_PATH = '/results/api/v1';

export interface QuantiveCheckin {
  metricId: string;
  body: Record<string, unknown>;
}

export interface FakeQuantive extends FakePlatform {
  /** `${url}${QUANTIVE_PATH}`, the target's baseUrl. */
  base: string;
  checkins: QuantiveCheckin[];
  metrics: Map<string, Record<string, unknown>>;
}

/** How the fake stores a check-in date; Quantive keeps an instant. */
export type DateStorage = (checkInDate: string) => string;

export async function startFakeQuantive(auth: { token: string; accountId: string }, storeDate: DateStorage = (d) => `${d}T00:00:00Z`): Promise<FakeQuantive> {
  const checkins: QuantiveCheckin[] = [];
  const metrics = new Map<string, Record<string, unknown>>();
  const plan: ScriptedAnswer[] = [];
  const metric = (id: string) => {
    if (!metrics.has(id)) metrics.set(id, { ...METRIC, id });
    return metrics.get(id) as Record<string, unknown>;
  };
  const record = (id: string, body: Record<string, unknown>) => {
    checkins.push({ metricId: id, body });
    Object.assign(metric(id), { actual: body.actual, lastCheckInDate: storeDate(String(body.checkInDate)) });
  };
  const server = await startServer((req, res, _n, raw) => {
    if (req.headers.authorization !== `Bearer ${auth.token}` || req.headers['gtmhub-accountid'] !== auth.accountId) {
      json(res, 401, { message: 'unauthorized' });
      return;
    }
    const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
    const match = new RegExp(`^${QUANTIVE_PATH}/metrics/([^/]+)(/checkin)?$`).exec(path);
    if (!match?.[1]) {
      json(res, 404, { message: 'no such route' });
      return;
    }
    const id = match[1];
    const scripted = plan[0]?.method === req.method ? plan.shift() : undefined;
    if (req.method === 'POST' && match[2]) {
      const body = JSON.parse(raw) as Record<string, unknown>;
      if (!scripted || scripted.landed) record(id, body);
      if (scripted?.hang) return;
      if (scripted) json(res, scripted.status, scripted.body ?? { message: 'scripted failure' }, scripted.headers);
      else json(res, 200, { id: `checkin-${checkins.length}`, metricId: id });
      return;
    }
    if (req.method === 'GET' && !match[2]) {
      if (scripted) json(res, scripted.status, scripted.body ?? { message: 'scripted failure' }, scripted.headers);
      else json(res, 200, metric(id));
      return;
    }
    json(res, 405, { message: 'method not allowed' });
  });
  return { ...server, base: `${server.url}${QUANTIVE_PATH}`, checkins, metrics, plan };
}

export interface OkrTrackerRecord {
  id: string;
  value: number;
  comment?: string;
  date?: string;
}

export interface FakeOkrTracker extends FakePlatform {
  keyres: OkrTrackerRecord[];
  kpiValues: Map<string, OkrTrackerRecord>;
}

/** okr-tracker's keyres and kpi routes: POST adds a progress record, PUT replaces the day's value. */
export async function startFakeOkrTracker(teamSecret: string): Promise<FakeOkrTracker> {
  const keyres: OkrTrackerRecord[] = [];
  const kpiValues = new Map<string, OkrTrackerRecord>();
  const plan: ScriptedAnswer[] = [];
  const server = await startServer((req, res, _n, raw) => {
    const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
    const scripted = plan[0]?.method === req.method ? plan.shift() : undefined;
    const keyresMatch = /^\/keyres\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && keyresMatch?.[1]) {
      const last = keyres.filter((r) => r.id === keyresMatch[1]).at(-1);
      if (scripted) json(res, scripted.status, scripted.body ?? { message: 'scripted failure' });
      else
        json(res, 200, {
          id: keyresMatch[1],
          currentValue: last?.value ?? 0,
          lastUpdated: last ? { value: last.value, timestamp: new Date().toISOString(), comment: last.comment ?? '' } : null,
        });
      return;
    }
    if (req.headers['okr-team-secret'] !== teamSecret) {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end('Unauthorized');
      return;
    }
    const body = JSON.parse(raw) as { progress?: number; value?: number; comment?: string };
    if (req.method === 'POST' && keyresMatch?.[1]) {
      if (!scripted || scripted.landed) keyres.push({ id: keyresMatch[1], value: body.progress as number, ...(body.comment ? { comment: body.comment } : {}) });
      if (scripted) json(res, scripted.status, scripted.body ?? { message: 'scripted failure' });
      else {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`Updated Key result (${keyresMatch[1]}) with progress: ${body.progress}`);
      }
      return;
    }
    const kpiMatch = /^\/kpi\/([^/]+)\/values\/(\d{4}-\d{2}-\d{2})$/.exec(path);
    if (req.method === 'PUT' && kpiMatch?.[1] && kpiMatch[2]) {
      if (!scripted || scripted.landed)
        kpiValues.set(`${kpiMatch[1]}@${kpiMatch[2]}`, {
          id: kpiMatch[1],
          value: body.value as number,
          date: kpiMatch[2],
          ...(body.comment ? { comment: body.comment } : {}),
        });
      json(res, scripted?.status ?? 200, scripted?.body ?? { message: `Updated progression on ${kpiMatch[2]}` });
      return;
    }
    json(res, 404, { message: 'no such route' });
  });
  return { ...server, keyres, kpiValues, plan };
}
