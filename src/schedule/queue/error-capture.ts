import type { Catalog, LoadedConnection } from '../../config/catalog.ts';

/**
 * runSync catches every error and keeps only its code and message on the run; the
 * queue worker also needs the error itself (is it retryable, did the source send
 * Retry-After). This wraps each connector's `fetch` to remember what it threw, keyed
 * by the abort signal of the sync it ran in (every job has its own).
 */
export class ConnectorErrorCapture {
  readonly #errors = new WeakMap<AbortSignal, unknown>();
  readonly #wrapped = new WeakMap<Catalog, Catalog>();

  /** The catalog with capturing connectors; the same object for the same catalog. */
  wrap(catalog: Catalog): Catalog {
    let wrapped = this.#wrapped.get(catalog);
    if (!wrapped) {
      const connections = new Map<string, LoadedConnection>();
      for (const [id, connection] of catalog.connections) connections.set(id, this.#capturing(connection));
      wrapped = { ...catalog, connections };
      this.#wrapped.set(catalog, wrapped);
    }
    return wrapped;
  }

  /** The error the connector threw in the sync that ran with `signal`, if any. */
  errorOf(signal: AbortSignal): unknown {
    return this.#errors.get(signal);
  }

  #capturing(connection: LoadedConnection): LoadedConnection {
    const original = connection.connector;
    const errors = this.#errors;
    return {
      ...connection,
      connector: {
        ...original,
        async fetch(settings, query, ctx) {
          try {
            return await original.fetch(settings, query, ctx);
          } catch (error) {
            errors.set(ctx.signal, error);
            throw error;
          }
        },
      },
    };
  }
}
