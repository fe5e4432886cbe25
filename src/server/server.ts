import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Catalog } from '../config/catalog.ts';
import type { Store } from '../store/store.ts';
import { SESSION_COOKIE, isAuthorized, safeEqual, sessionValue } from './auth.ts';
import { suggest } from '../config/suggest.ts';
import type { Metrics } from './metrics.ts';
import { registerReadApi } from './read-api.ts';
import type { ReadinessProbe } from './readiness.ts';
import { assertSafeBinding } from './server-options.ts';

/** Checks the token on a request; registered by plugins on their own routes. */
export type TokenGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * Mounts more routes on the server before it listens. The seam for queue mode's Bull
 * Board under /queues: a plugin adds `onRequest: guard` to its routes to sit behind
 * the same token as the read API.
 */
export type ServerPlugin = (app: FastifyInstance, context: { guard: TokenGuard }) => Promise<void> | void;

export interface ServerDeps {
  /** The catalog in force (a reload swaps it). */
  getCatalog: () => Catalog;
  /** The store, once it is open: until then the routes that read it answer 503. */
  getStore: () => Store | undefined;
  logger: Logger;
  metrics: Metrics;
  host: string;
  port: number;
  /** Required beyond loopback; when set it guards everything but /healthz and /readyz. */
  token?: string | undefined;
  readiness: ReadinessProbe;
  plugins?: ServerPlugin[];
  /** Clock for "5 min ago" on the dashboard; tests pin it. */
  now?: () => Date;
}

export interface RunningServer {
  /** http://host:port with the port actually bound (port 0 picks a free one). */
  url: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
/** The pages have no script at all; inline styles and SVG only. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Where a sign-in may send the browser back to: a KPI page (an alert link), never another site. */
const SAFE_NEXT = /^\/kpis\/[A-Za-z0-9_.~-]+(\?[A-Za-z0-9_.~%=&-]*)?$/;

/** A `?from=&to=` value from the page's form: an empty field means "not given". */
const formField = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** One debug line per request, with the route pattern instead of the URL: query strings never reach the log. */
class RequestLog extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = { method: request.method, route: request.routeOptions.url ?? '(no route)', status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (error) reply.log.warn({ ...fields, err: error }, 'request failed');
    else reply.log.debug(fields, 'request');
  }
  override routeNotFound(): void {}
}

/**
 * Starts the operations server: /healthz, /readyz, /metrics, the read API under /api,
 * the dashboard at / and a page per KPI at /kpis/:id. Refuses a non-loopback host
 * without a token. Resolves once it listens.
 */
export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  assertSafeBinding({ host: deps.host, token: deps.token });
  const { metrics, token } = deps;
  const store = (): Store => {
    const open = deps.getStore();
    if (!open) throw Object.assign(new Error('starting: the store is not ready yet (see /readyz)'), { statusCode: 503 });
    return open;
  };
  const now = deps.now ?? (() => new Date());
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'server' }),
    logController: new RequestLog(),
    bodyLimit: 16 * 1024,
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header('content-security-policy', PAGE_CSP).header('x-frame-options', 'DENY');
    }
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not found' }));
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    // 503 is ours (starting up) and says so; any other 5xx is a bug whose details stay in the log.
    const status = error.statusCode && (error.statusCode < 500 || error.statusCode === 503) ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error, route: request.routeOptions.url }, 'request failed');
    return reply.code(status).send({ error: status === 500 ? 'internal error; see the server log' : error.message });
  });

  let loaded: Promise<typeof import('./dashboard/pages.ts')> | undefined;
  const pages = () => (loaded ??= import('./dashboard/pages.ts'));

  const guard: TokenGuard = async (request, reply) => {
    if (!token || isAuthorized(token, request.headers)) return;
    // A browser (an operator following an alert link) gets the sign-in form, and lands where it was going.
    if (request.method === 'GET' && (request.routeOptions.url === '/' || request.routeOptions.url === '/kpis/:id')) {
      const next = SAFE_NEXT.test(request.url) ? request.url : undefined;
      // The SameSite=Strict cookie stays off navigations from another site (a link in Slack or an
      // e-mail): reloading from this page makes it a same-site navigation that carries it, once.
      const { renderLogin, renderReopen } = await pages();
      const page = request.headers['sec-fetch-site'] === 'cross-site' ? renderReopen() : renderLogin(undefined, next);
      await reply.code(401).type('text/html; charset=utf-8').send(page);
      return;
    }
    await reply.code(401).header('www-authenticate', 'Bearer realm="kpi-sync"').send({ error: 'a bearer token is required' });
  };

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    const readiness = await deps.readiness.probe();
    return reply.code(readiness.ok ? 200 : 503).send(readiness);
  });

  await app.register(async (guarded) => {
    guarded.addHook('onRequest', guard);
    guarded.get('/metrics', async (_request, reply) => {
      const catalog = deps.getCatalog();
      const open = deps.getStore();
      // Before the store opens, /metrics still serves the process's own series.
      if (open) await Promise.all([metrics.refreshBusinessGauges(catalog, open), metrics.refreshOutboxGauges(open)]);
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
    registerReadApi(guarded, { getCatalog: deps.getCatalog, getStore: store, now });
    guarded.get('/', async (_request, reply) => {
      const { buildDashboardView, renderDashboard } = await pages();
      const catalog = deps.getCatalog();
      const view = await buildDashboardView(catalog, store(), now());
      return reply.type('text/html; charset=utf-8').send(renderDashboard(view, (kpi) => catalog.kpis.get(kpi)?.unit));
    });
    // Where alert links (`<alerts.dashboardUrl>/kpis/<id>`) and the dashboard's cards lead.
    guarded.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>('/kpis/:id', async (request, reply) => {
      const { buildKpiPageView, renderBadRange, renderKpiPage, renderUnknownKpi } = await pages();
      const catalog = deps.getCatalog();
      const send = (code: number, page: string) => reply.code(code).type('text/html; charset=utf-8').send(page);
      const kpi = catalog.kpis.get(request.params.id);
      if (!kpi) return send(404, renderUnknownKpi(request.params.id.slice(0, 100), suggest(request.params.id, catalog.kpis.keys())));
      const range = { from: formField(request.query.from), to: formField(request.query.to) };
      const view = await buildKpiPageView(catalog, store(), kpi, range, now());
      return typeof view === 'string' ? send(400, renderBadRange(kpi.id, view)) : send(200, renderKpiPage(view));
    });
  });

  app.post<{ Body: { token?: unknown; next?: unknown } }>('/login', async (request, reply) => {
    const next = typeof request.body?.next === 'string' && SAFE_NEXT.test(request.body.next) ? request.body.next : undefined;
    if (!token) return reply.redirect(next ?? '/', 303);
    const given = typeof request.body?.token === 'string' ? request.body.token : '';
    if (!safeEqual(given, token))
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send((await pages()).renderLogin('That token is not right.', next));
    // HttpOnly: no script can read it; SameSite=Strict: no other site can send it.
    reply.header('set-cookie', `${SESSION_COOKIE}=${sessionValue(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${30 * 86_400}`);
    return reply.redirect(next ?? '/', 303);
  });

  for (const plugin of deps.plugins ?? []) await app.register(async (scope) => plugin(scope, { guard }));

  await app.listen({
    host: deps.host,
    port: deps.port,
    listenTextResolver: (address) => `operations server listening on ${address}${token ? ' (token required)' : ''}`,
  });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return { url, close: () => app.close() };
}
