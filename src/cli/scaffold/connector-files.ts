/**
 * The files `kpi-sync connector new NAME` writes: a connector package of its own,
 * in TypeScript, built to JavaScript on `npm pack` (Node does not strip types under
 * node_modules), tested with kpi-sync's conformance suite. The connector itself is
 * a working example (a count from a JSON API), so the suite passes from the start.
 */
export function connectorFiles(name: string, kpiSyncVersion: string): Record<string, string> {
  const base = name.replace(/^@[^/]+\//, '');
  return {
    'package.json': `${JSON.stringify(
      {
        name,
        version: '0.1.0',
        description: `A kpi-sync connector: ${base}.`,
        type: 'module',
        exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
        files: ['dist', 'README.md'],
        keywords: ['kpi-sync', 'kpi-sync-connector'],
        scripts: { build: 'tsc -p tsconfig.json', prepack: 'npm run build', test: 'vitest run' },
        peerDependencies: { 'kpi-sync': `>=${kpiSyncVersion}` },
        devDependencies: { 'kpi-sync': `^${kpiSyncVersion}`, typescript: '^6.0.0', vitest: '^5.0.0', '@types/node': '^24.0.0' },
      },
      null,
      2,
    )}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'es2024',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          declaration: true,
          outDir: 'dist',
          rootDir: 'src',
          allowImportingTsExtensions: true,
          rewriteRelativeImportExtensions: true,
          verbatimModuleSyntax: true,
          skipLibCheck: true,
          types: ['node'],
        },
        include: ['src'],
      },
      null,
      2,
    )}\n`,
    '.gitignore': 'node_modules/\ndist/\n*.tgz\n',
    'src/schema.ts': `import { baseUrl, secret, z } from 'kpi-sync/sdk';

/** The connection's settings: the zod schema is the only truth (types, JSON Schema, redaction of \`secret()\` fields). */
export const connectionSchema = z.strictObject({
  baseUrl: baseUrl('The API, e.g. https://api.example.com'),
  token: secret('API token; write \${MY_API_TOKEN} in the config, never the token itself'),
});

/** One KPI's query. */
export const querySchema = z.strictObject({
  metric: z.string().min(1).describe('What to count, e.g. signups'),
});

export type Connection = z.infer<typeof connectionSchema>;
export type Query = z.infer<typeof querySchema>;
`,
    'src/index.ts': `import { AuthError, BadResponseError, defineConnector } from 'kpi-sync/sdk';
import { connectionSchema, querySchema } from './schema.ts';

/**
 * ${name}: counts one metric in the sync window with ONE request (push the aggregation
 * down to the source). Every request goes through ctx.http: timeouts, retries with
 * backoff, Retry-After, the shutdown's abort signal and redaction come with it.
 */
export default defineConnector({
  type: '${name}',
  description: 'Counts a metric in the window from a JSON API (GET /count).',
  connectionSchema,
  querySchema,
  backfill: 'per-period',
  measure: () => 'flow',
  async check(connection, ctx) {
    const response = await ctx.http.request<{ account?: string }>({
      url: \`\${connection.baseUrl}/me\`,
      headers: { authorization: \`Bearer \${connection.token}\` },
      mapError: (res) => (res.status === 401 ? new AuthError('the API rejected the token') : undefined),
      label: 'GET /me',
    });
    return { detail: \`authenticated as \${response.data.account ?? 'unknown'}\` };
  },
  async fetch(connection, query, ctx) {
    const response = await ctx.http.request<{ count?: unknown }>({
      url: \`\${connection.baseUrl}/count\`,
      query: { metric: query.metric, from: ctx.window.start, to: ctx.window.end },
      headers: { authorization: \`Bearer \${connection.token}\` },
      mapError: (res) => (res.status === 401 ? new AuthError('the API rejected the token') : undefined),
      label: 'GET /count',
    });
    const count = Number(response.data?.count);
    if (!Number.isFinite(count)) throw new BadResponseError('GET /count answered without a numeric "count"');
    return [{ value: count }];
  },
});
`,
    'test/conformance.test.ts': `import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineConnectorConformance, windowAt } from 'kpi-sync/sdk/testing';
import { afterAll, beforeAll } from 'vitest';
import connector from '../src/index.ts';

/** kpi-sync's conformance suite against a small API on loopback that answers, refuses the token, or never answers. */
const TOKEN = 'test-token-1f2e3d4c';
let mode: 'answers' | 'rejects' | 'hangs' = 'answers';
let server: http.Server;
let url = '';
/** Requests left hanging; reset() drops only their sockets, so the client's idle keep-alive sockets stay usable. */
const hanging = new Set<http.ServerResponse>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (mode === 'hangs') return void hanging.add(res);
    if (mode === 'rejects' || req.headers.authorization !== \`Bearer \${TOKEN}\`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad token"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.url?.startsWith('/me') ? { account: 'test' } : { count: 7 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}\`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

defineConnectorConformance(connector, () => ({
  connection: { baseUrl: url, token: TOKEN },
  query: { metric: 'signups' },
  window: windowAt('2026-11-15T12:00:00Z', 'month'),
  secrets: [TOKEN],
  source: {
    answers: () => void (mode = 'answers'),
    rejectsCredentials: () => void (mode = 'rejects'),
    hangs: () => void (mode = 'hangs'),
    reset: () => {
      mode = 'answers';
      for (const res of hanging) res.socket?.destroy();
      hanging.clear();
    },
  },
}));
`,
    'README.md': `# ${name}

A [kpi-sync](https://github.com/kpi-sync/kpi-sync) connector: counts a metric in each sync window from a JSON API.

## Use it

\`\`\`sh
npm install ${name}      # next to your kpi-sync config folder
\`\`\`

\`\`\`yaml
settings:
  connectors: [${name}]          # only listed packages are ever loaded
connections:
  - id: my_api
    type: ${name}
    baseUrl: https://api.example.com
    token: \${MY_API_TOKEN}
kpis:
  - id: signups
    name: Signups
    category: Growth
    interval: day
    source: { connection: my_api, query: { metric: signups } }
\`\`\`

| setting | meaning |
|---|---|
| \`baseUrl\` | The API (https; plain http only on loopback). |
| \`token\` | API token (a secret: scrubbed from logs and errors). |

## Develop

\`\`\`sh
npm install
npm test          # kpi-sync's conformance suite (kpi-sync/sdk/testing)
npm pack          # builds dist/ first (prepack), then the tarball
npm publish
\`\`\`
`,
  };
}
