import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Redis } from 'ioredis';
import { openQueue, type Queue } from '../schedule/queue/bullmq.ts';
import { bullPrefix, DISPATCH_QUEUE, RETENTION_QUEUE, STALENESS_QUEUE, SYNC_QUEUE } from '../schedule/queue/queue-names.ts';
import type { ServerPlugin } from './server.ts';

export const BOARD_PATH = '/queues';

export interface QueueBoardOptions {
  /** A caller-owned connection; the board's queues share it and never close it. */
  redis: Redis;
  /** The deployment's prefix (KPI_SYNC_REDIS_PREFIX); the queues live under `${prefix}:q`. */
  prefix: string;
  /** Defaults to every queue queue mode keeps. */
  queueNames?: string[];
}

export interface QueueBoard {
  plugin: ServerPlugin;
  /** Closes the Queue objects the board opened (not the connection). */
  close(): Promise<void>;
}

const DESCRIPTIONS: Record<string, string> = {
  [SYNC_QUEUE]: "One job is one KPI's whole sync.",
  [DISPATCH_QUEUE]: 'Outbox delivery passes, one at a time across every worker.',
  [STALENESS_QUEUE]: 'no_data checks, one at a time across every worker.',
  [RETENTION_QUEUE]: 'Hourly history pruning (settings.retention), one at a time across every worker.',
};

/**
 * Board actions refused with 403, with the reason. The rest stays on (not readOnlyMode):
 * whoever holds the server token is an operator, and retrying a failed sync, cleaning
 * old jobs, promoting a delayed one or pausing a queue is what they open the board for;
 * syncs are idempotent and leased, so a retry or an extra job cannot double-count.
 * Refused is only what would quietly break queue mode's guarantees or drift from the
 * config until the next start or reload. The session cookie is SameSite=Strict, so no
 * other site can make a signed-in browser send these.
 */
const CONFIG_OWNED = 'job schedulers mirror the config; change the config and reload (SIGHUP)';
const REFUSED = new Map<string, string>([
  [
    'PUT /api/queues/:queueName/concurrency',
    'dispatch and staleness rely on global concurrency 1 (two dispatchers could deliver one alert twice); kpi-sync sets it',
  ],
  [
    'PUT /api/queues/:queueName/obliterate',
    'obliterating deletes the job schedulers and the global concurrency kpi-sync set; stop kpi-sync and delete the prefix instead',
  ],
  ['PUT /api/queues/:queueName/job-schedulers/:schedulerId/remove', CONFIG_OWNED],
  ['PATCH /api/queues/:queueName/job-schedulers/:schedulerId', CONFIG_OWNED],
]);

/**
 * Bull Board under /queues, behind the server's token (UI, static files and
 * /queues/api/* alike): pass `plugin` in `ServerDeps.plugins`, call `close()` after the
 * server has closed.
 */
export function queueBoardPlugin(options: QueueBoardOptions): QueueBoard {
  const names = options.queueNames ?? [SYNC_QUEUE, DISPATCH_QUEUE, STALENESS_QUEUE, RETENTION_QUEUE];
  const queues: Queue[] = names.map((name) => openQueue(name, options.redis, bullPrefix(options.prefix)));

  const plugin: ServerPlugin = async (scope, { guard }) => {
    const adapter = new FastifyAdapter().setBasePath(BOARD_PATH);
    createBullBoard({
      queues: queues.map((queue) => new BullMQAdapter(queue, { description: DESCRIPTIONS[queue.name] ?? '' })),
      serverAdapter: adapter,
      options: { uiConfig: { boardTitle: 'kpi-sync queues' } },
    });
    scope.addHook('onRequest', guard);
    scope.addHook('onRequest', async (request, reply) => {
      const route = `${request.method} ${(request.routeOptions.url ?? '').slice(BOARD_PATH.length)}`;
      const reason = REFUSED.get(route);
      if (reason) await reply.code(403).send({ error: { key: 'ERRORS.QUEUE_READ_ONLY' }, message: `refused: ${reason}` });
    });
    // The server's page policy forbids scripts and <base>; the board is a script app
    // that loads its bundle relative to <base href="/queues/">. Same-origin only: no
    // inline script, no third-party fonts (its Google Fonts link is blocked and falls back).
    scope.addHook('onSend', async (_request, reply) => {
      if (reply.hasHeader('content-security-policy')) reply.header('content-security-policy', BOARD_CSP);
    });
    await scope.register(adapter.registerPlugin(), { prefix: BOARD_PATH });
  };

  return {
    plugin,
    async close() {
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
}

const BOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";
