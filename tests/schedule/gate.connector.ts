import { z } from 'zod';
import type { ConnectorRegistry } from '../../src/config/catalog.ts';
import { defineConnector } from '../../src/sdk/connector.ts';

/**
 * An in-process connector whose fetches a test can hold and release, and which
 * counts how many fetches of each KPI run at once: the runtime contract suite asserts
 * on what the runtime does with a source, not on how fast the source is.
 */
export class Gates {
  readonly active = new Map<string, number>();
  readonly maxActive = new Map<string, number>();
  readonly started = new Map<string, number>();
  readonly #held = new Set<string>();
  readonly #waiting = new Map<string, (() => void)[]>();

  hold(kpi: string): void {
    this.#held.add(kpi);
  }

  release(kpi: string): void {
    this.#held.delete(kpi);
    for (const resume of this.#waiting.get(kpi) ?? []) resume();
    this.#waiting.delete(kpi);
  }

  async pass(kpi: string, signal: AbortSignal): Promise<void> {
    this.started.set(kpi, (this.started.get(kpi) ?? 0) + 1);
    const now = (this.active.get(kpi) ?? 0) + 1;
    this.active.set(kpi, now);
    this.maxActive.set(kpi, Math.max(now, this.maxActive.get(kpi) ?? 0));
    try {
      if (this.#held.has(kpi)) {
        await new Promise<void>((resolve, reject) => {
          const list = this.#waiting.get(kpi) ?? [];
          list.push(resolve);
          this.#waiting.set(kpi, list);
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      }
    } finally {
      this.active.set(kpi, (this.active.get(kpi) ?? 1) - 1);
    }
  }
}

export function gateRegistry(gates: Gates): ConnectorRegistry {
  const connector = defineConnector({
    type: 'gate',
    description: 'Test connector whose fetches a test holds and releases.',
    connectionSchema: z.strictObject({}),
    querySchema: z.strictObject({ value: z.number() }),
    async check() {
      return { detail: 'gate' };
    },
    async fetch(_connection, query, ctx) {
      await gates.pass(ctx.kpi.id, ctx.signal);
      return [{ value: query.value }];
    },
  });
  return Object.assign(async (type: string) => (type === 'gate' ? connector : undefined), { known: ['gate'] });
}
