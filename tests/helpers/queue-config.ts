import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadCatalog } from '../../src/config/load.ts';
import type { Catalog } from '../../src/config/catalog.ts';
import { tempDir } from './cli.ts';
import { memoryRegistry } from './queue-memory.connector.ts';

export interface MemoryKpi {
  id: string;
  value?: number;
  schedule?: string;
  timezone?: string;
  interval?: 'day' | 'week' | 'month' | 'quarter';
  block?: boolean;
  failFirst?: number;
  failWith?: 'transient' | 'auth' | 'rate-limited';
  /** A health band, e.g. { min: 10 }: a value outside it is critical. */
  band?: Record<string, number>;
  formula?: string;
}

export interface QueueConfigOptions {
  kpis: MemoryKpi[];
  /** Alert webhook URL (loopback); with it every KPI's transitions are routed there. */
  webhook?: string;
  settings?: Record<string, unknown>;
  delayMs?: number;
}

export const WEBHOOK_SECRET = `whsec_${Buffer.from('kpi-sync queue-mode test secret!').toString('base64')}`;

/** Writes (or rewrites) a config folder whose KPIs read the memory connector; `control` is its controlDir. */
export function writeQueueConfig(options: QueueConfigOptions, dir = tempDir('kpi-sync-queue-')): { dir: string; control: string } {
  const control = path.join(dir, 'control');
  mkdirSync(control, { recursive: true });
  const kpis = options.kpis.map((k) => ({
    id: k.id,
    name: k.id,
    category: 'Test',
    interval: k.interval ?? 'day',
    timezone: k.timezone ?? 'UTC',
    ...(k.schedule ? { schedule: k.schedule } : {}),
    ...(k.formula
      ? { formula: k.formula }
      : {
          source: {
            connection: 'mem',
            query: {
              value: k.value ?? 1,
              ...(k.block ? { block: true } : {}),
              ...(k.failFirst ? { failFirst: k.failFirst, failWith: k.failWith ?? 'transient' } : {}),
            },
          },
        }),
    ...(k.band ? { health: { band: k.band } } : {}),
  }));
  const config: Record<string, unknown> = {
    settings: { runOnStart: true, shutdownTimeout: 5_000, concurrency: 4, ...options.settings },
    connections: [{ id: 'mem', type: 'memory', controlDir: control, delayMs: options.delayMs ?? 0 }],
    kpis,
  };
  if (options.webhook) {
    config.alerts = {
      destinations: [{ name: 'hook', kind: 'webhook', url: options.webhook, secret: WEBHOOK_SECRET }],
      routes: [{ name: 'all', destinations: ['hook'], notify: ['warn', 'critical', 'resolved'] }],
      delivery: { baseDelayMs: 100, maxDelayMs: 1_000 },
    };
  }
  writeFileSync(path.join(dir, 'kpis.yaml'), stringify(config));
  return { dir, control };
}

export function loadQueueCatalog(dir: string): Promise<Catalog> {
  return loadCatalog(dir, { connectors: memoryRegistry, env: {} });
}
