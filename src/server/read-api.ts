import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { HISTORY_LIMIT, kpiHistory } from '../app/kpi-history.ts';
import { periodBounds } from '../app/period-bounds.ts';
import type { Catalog } from '../config/catalog.ts';
import type { Store } from '../store/store.ts';
import { kpiView, listKpiViews, listObjectiveViews, pointView } from '../app/read-model.ts';

export interface ReadApiDeps {
  getCatalog: () => Catalog;
  /** The store once it is open (the server's guard answers 503 before). */
  getStore: () => Store;
  /** Which periods are "last month" and "month to date". */
  now: () => Date;
}

const DATAPOINT_LIMIT = { default: 1_000, max: 10_000 };
const RUN_LIMIT = { default: 50, max: 500 };

const limitOf = (bounds: { default: number; max: number }) => z.coerce.number().int().min(1).max(bounds.max).default(bounds.default);

const datapointsQuery = z.strictObject({
  from: z.string().min(1).optional(),
  to: z.string().min(1).optional(),
  limit: limitOf(DATAPOINT_LIMIT),
});

const historyQuery = z.strictObject({
  from: z.string().min(1).optional(),
  to: z.string().min(1).optional(),
  limit: limitOf(HISTORY_LIMIT),
});

const runsQuery = z.strictObject({
  kpi: z.string().min(1).optional(),
  limit: limitOf(RUN_LIMIT),
});

function badRequest(reply: FastifyReply, message: string) {
  return reply.code(400).send({ error: message });
}

function zodMessage(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** The JSON read API under /api. Authentication is the caller's preHandler. */
export function registerReadApi(app: FastifyInstance, deps: ReadApiDeps): void {
  app.get('/api/kpis', async () => ({ kpis: await listKpiViews(deps.getCatalog(), deps.getStore(), deps.now()) }));

  app.get<{ Params: { id: string } }>('/api/kpis/:id', async (request, reply) => {
    const kpi = deps.getCatalog().kpis.get(request.params.id);
    if (!kpi) return reply.code(404).send({ error: `unknown KPI "${request.params.id}"` });
    return { kpi: await kpiView(kpi, deps.getStore(), deps.now()) };
  });

  app.get<{ Params: { id: string } }>('/api/kpis/:id/datapoints', async (request, reply) => {
    const kpi = deps.getCatalog().kpis.get(request.params.id);
    if (!kpi) return reply.code(404).send({ error: `unknown KPI "${request.params.id}"` });
    const query = datapointsQuery.safeParse(request.query);
    if (!query.success) return badRequest(reply, zodMessage(query.error));
    const bounds = periodBounds(kpi, query.data.from, query.data.to);
    if (typeof bounds === 'string') return badRequest(reply, bounds);
    const points = await deps.getStore().listDatapoints(kpi.id, { ...bounds, limit: query.data.limit });
    return {
      kpi: kpi.id,
      interval: kpi.interval,
      timezone: kpi.timezone,
      ...(kpi.unit ? { unit: kpi.unit } : {}),
      datapoints: points.map((p) => pointView(p, kpi)),
    };
  });

  // What the KPI page charts: the range's datapoints with their health transitions (default: the last periods by interval).
  app.get<{ Params: { id: string } }>('/api/kpis/:id/history', async (request, reply) => {
    const kpi = deps.getCatalog().kpis.get(request.params.id);
    if (!kpi) return reply.code(404).send({ error: `unknown KPI "${request.params.id}"` });
    const query = historyQuery.safeParse(request.query);
    if (!query.success) return badRequest(reply, zodMessage(query.error));
    const history = await kpiHistory(kpi, deps.getStore(), query.data, deps.now());
    if (typeof history === 'string') return badRequest(reply, history);
    return history;
  });

  app.get('/api/objectives', async () => ({ objectives: await listObjectiveViews(deps.getCatalog(), deps.getStore()) }));

  app.get('/api/runs', async (request, reply) => {
    const query = runsQuery.safeParse(request.query);
    if (!query.success) return badRequest(reply, zodMessage(query.error));
    const runs = await deps.getStore().listRuns({ limit: query.data.limit, ...(query.data.kpi ? { kpi: query.data.kpi } : {}) });
    return { runs };
  });
}
