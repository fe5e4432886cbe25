import { createServer, type Server } from 'node:http';

/**
 * A loopback exporter for the Prometheus integration tests, in the text exposition
 * format (https://prometheus.io/docs/instrumenting/exposition_formats/). Each scrape
 * is one "tick" of traffic: 9 requests answered 200 and 1 answered 500 (availability
 * 0.9), and 100 latencies spread over the histogram's buckets as 50 / 30 / 15 / 5
 * (so the 0.9 quantile interpolates to 0.25 + 0.25 × 10/15 = 5/12 s).
 */
export interface DemoExporter {
  /** `127.0.0.1:<port>`, a scrape target. */
  target: string;
  /** How many scrapes were served. */
  scrapes(): number;
  close(): Promise<void>;
}

export const OK_PER_SCRAPE = 9;
export const ERRORS_PER_SCRAPE = 1;
/** Bucket upper bounds and the observations each scrape adds to that bucket alone. */
export const LATENCY_BUCKETS: ReadonlyArray<[string, number]> = [
  ['0.1', 50],
  ['0.25', 30],
  ['0.5', 15],
  ['1', 5],
];

export function exposition(tick: number): string {
  const lines = [
    '# HELP demo_requests_total Requests served, by status code.',
    '# TYPE demo_requests_total counter',
    `demo_requests_total{code="200"} ${OK_PER_SCRAPE * tick}`,
    `demo_requests_total{code="500"} ${ERRORS_PER_SCRAPE * tick}`,
    '# HELP demo_request_duration_seconds Request latency.',
    '# TYPE demo_request_duration_seconds histogram',
  ];
  let cumulative = 0;
  for (const [le, added] of LATENCY_BUCKETS) {
    cumulative += added * tick;
    lines.push(`demo_request_duration_seconds_bucket{le="${le}"} ${cumulative}`);
  }
  lines.push(`demo_request_duration_seconds_bucket{le="+Inf"} ${cumulative}`);
  lines.push(`demo_request_duration_seconds_sum ${17.5 * tick}`);
  lines.push(`demo_request_duration_seconds_count ${cumulative}`);
  return `${lines.join('\n')}\n`;
}

export async function startDemoExporter(): Promise<DemoExporter> {
  let tick = 0;
  const server: Server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    tick += 1;
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    response.end(exposition(tick));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    target: `127.0.0.1:${port}`,
    scrapes: () => tick,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
