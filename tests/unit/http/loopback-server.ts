import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';

/**
 * A JSON API on 127.0.0.1 for the http connector's tests (node:http, a free port): every
 * request is recorded with its method, path, query, headers and body, and answered by
 * the route handler the test sets. A handler may leave a request hanging.
 */
export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON or as a form, when it is one. */
  json: unknown;
  form: URLSearchParams;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless a string. */
  body?: unknown;
  /** Never answer (until the server closes). */
  hang?: boolean;
}

export type Handler = (request: Received) => Reply | Promise<Reply>;

export interface LoopbackApi {
  url: string;
  received: Received[];
  /** Requests to `path` only. */
  to(path: string): Received[];
  on(method: string, path: string, handler: Handler): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startLoopbackApi(): Promise<LoopbackApi> {
  const routes = new Map<string, Handler>();
  const received: Received[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      const request: Received = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        json: parse(body),
        form: new URLSearchParams(req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? body : ''),
      };
      received.push(request);
      const handler = routes.get(`${request.method} ${request.path}`);
      if (!handler) return send(res, { status: 404, body: { message: `no route ${request.method} ${request.path}` } });
      Promise.resolve(handler(request)).then(
        (reply) => (reply.hang ? void hanging.add(res) : send(res, reply)),
        (error: unknown) => send(res, { status: 500, body: { message: String(error) } }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    to: (path) => received.filter((r) => r.path === path),
    on: (method, path, handler) => void routes.set(`${method} ${path}`, handler),
    reset: () => {
      routes.clear();
      received.length = 0;
      // Only the hung exchanges: closing idle keep-alive sockets would race the next test's request onto a dead one.
      for (const res of hanging) res.socket?.destroy();
      hanging.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, reply: Reply): void {
  const text = typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
  const type = typeof reply.body === 'string' ? 'text/plain' : 'application/json';
  res.writeHead(reply.status ?? 200, { 'content-type': type, ...reply.headers });
  res.end(text);
}

function parse(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
