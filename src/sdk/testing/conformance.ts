import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Connector, SyncWindow } from '../connector.ts';
import { ERROR_CODES } from '../error-codes.ts';
import { toKsError } from '../errors.ts';
import { capturedLogger, createCheckContext, createTestContext } from './context.ts';

/**
 * What a connector's conformance run needs: a connection that works, a query, and a
 * way to make its source answer, reject the credentials, or never answer (nock
 * interceptors, or a loopback server the test controls).
 */
export interface ConformanceCase {
  /** Connection settings as written in YAML (without `id` and `type`), with credentials the source accepts. */
  connection: Record<string, unknown>;
  query: Record<string, unknown>;
  /** The window one fetch reads. */
  window: SyncWindow;
  /** Credential values that must never appear in logs, errors or results. Default: every string under the connection's secret fields. */
  secrets?: string[];
  /** Connection settings the source refuses (a wrong token). Default: `connection`, with the source told to refuse. */
  badConnection?: Record<string, unknown>;
  /** Settings for the "never answers" tests, e.g. a short timeout of the connector's own client (over 100 ms: the tests first check the fetch is waiting). Default: `connection`. */
  hangingConnection?: Record<string, unknown>;
  source: {
    /** The source answers `check` and `fetch` normally. */
    answers(): void | Promise<void>;
    /** The source rejects the credentials (401 / 403, or the database's auth error). */
    rejectsCredentials(): void | Promise<void>;
    /** The source accepts the connection and never answers. */
    hangs(): void | Promise<void>;
    /** After each test (clear interceptors, stop hanging). */
    reset?(): void | Promise<void>;
  };
}

/** How long a hung request may outlive its abort or timeout before the suite calls it stuck. */
const PROMPT_MS = 5_000;

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The parts of a JSON Schema that say where secret() fields are. */
interface SchemaNode {
  writeOnly?: boolean;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  allOf?: SchemaNode[];
}

function collectSecrets(node: SchemaNode, value: unknown, found: Set<string>, depth: number): void {
  if (depth > 8) return;
  if (node.writeOnly && typeof value === 'string') found.add(value);
  // A union (an `auth` with one branch per flow) marks its secrets inside the branches.
  for (const branch of [...(node.oneOf ?? []), ...(node.anyOf ?? []), ...(node.allOf ?? [])]) collectSecrets(branch, value, found, depth + 1);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, inner] of Object.entries(value)) {
    // A record of secrets (request headers) marks its values through additionalProperties.
    const property = node.properties?.[key] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
    if (property) collectSecrets(property, inner, found, depth + 1);
  }
}

/** Every string under a secret() field of `schema` in `value`, at any depth, in union branches and records too. */
function secretValues(schema: z.ZodType, value: Record<string, unknown>): string[] {
  const found = new Set<string>();
  collectSecrets(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as SchemaNode, value, found, 0);
  return [...found].filter((s) => s.length >= 4);
}

/** How long the "never answers" tests wait before they expect the fetch to be still pending. */
const HANG_PROBE_MS = 100;

/** Whether `promise` is still pending after `ms` (it is observed, not consumed: a rejection stays for the caller). */
async function pendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, ms));
  return !settled;
}

/** Everything a thrown error shows: message, stack, code and its cause chain, as text. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    if (current instanceof Error) parts.push(current.message, current.stack ?? '', String((current as { code?: unknown }).code ?? ''));
    else parts.push(JSON.stringify(current) ?? String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}

/**
 * The conformance suite every connector runs, built-in or from npm, in the spirit of
 * Airbyte's connector acceptance tests: schemas that round-trip and export, `check`
 * on good and bad credentials mapped to typed errors (by code), a fetch that returns
 * finite numbers inside its window, aborts and timeouts honoured, and secrets kept
 * out of logs, errors and results. Call it at the top level of a vitest file.
 */
export function defineConnectorConformance(connector: Connector, makeCase: () => ConformanceCase | Promise<ConformanceCase>): void {
  describe(`connector conformance: ${connector.type}`, () => {
    let spec: ConformanceCase;
    beforeEach(async () => {
      spec = await makeCase();
    });
    afterEach(async () => {
      await spec?.source.reset?.();
    });
    const parse = (settings: Record<string, unknown>) => connector.connectionSchema.parse(settings);

    it('declares a type, a description and a backfill strategy the runner knows', () => {
      expect(connector.type).toMatch(/^[a-z@][a-z0-9@/._-]*$/);
      expect(connector.description.length).toBeGreaterThan(10);
      expect([undefined, 'one-pass', 'per-period']).toContain(connector.backfill);
    });

    it('parses its example connection and query, and the parsed settings round-trip through JSON', () => {
      const connection = parse(spec.connection);
      expect(parse(JSON.parse(JSON.stringify(connection)) as Record<string, unknown>)).toEqual(connection);
      const query = connector.querySchema.parse(spec.query);
      expect(connector.querySchema.parse(JSON.parse(JSON.stringify(query)))).toEqual(query);
    });

    it('exports JSON Schemas (for editors) with its credentials marked write-only', () => {
      const connection = z.toJSONSchema(connector.connectionSchema, { io: 'input', unrepresentable: 'any' });
      const query = z.toJSONSchema(connector.querySchema, { io: 'input', unrepresentable: 'any' });
      expect(connection).toMatchObject({ type: 'object' });
      expect(query).toBeTypeOf('object');
      if (spec.secrets?.length) expect(secretValues(connector.connectionSchema, spec.connection).length).toBeGreaterThan(0);
    });

    it('check passes on good credentials and says what it verified', async () => {
      await spec.source.answers();
      const result = await within(connector.check(parse(spec.connection), createCheckContext()), PROMPT_MS * 2, 'check');
      expect(result.detail.length).toBeGreaterThan(0);
    });

    it('check maps refused credentials to KS_ERR_AUTH or KS_ERR_PERMISSION, recognised by code', async () => {
      await spec.source.rejectsCredentials();
      const error = await within(connector.check(parse(spec.badConnection ?? spec.connection), createCheckContext()), PROMPT_MS * 2, 'check').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, 'check resolved although the source refused the credentials').toBeDefined();
      const code = (error as { code?: unknown }).code;
      expect(Object.keys(ERROR_CODES)).toContain(code);
      expect(['KS_ERR_AUTH', 'KS_ERR_PERMISSION']).toContain(toKsError(error).code);
    });

    it('fetches finite numbers, each inside the window it was asked for', async () => {
      await spec.source.answers();
      const ctx = createTestContext({ window: spec.window });
      const values = await within(connector.fetch(parse(spec.connection), connector.querySchema.parse(spec.query), ctx), PROMPT_MS * 2, 'fetch');
      expect(values.length).toBeGreaterThan(0);
      const start = Date.parse(spec.window.start);
      const end = Date.parse(spec.window.end);
      for (const value of values) {
        expect(Number.isFinite(value.value), `value ${value.value} is not finite`).toBe(true);
        if (value.at !== undefined) {
          const at = Date.parse(value.at);
          expect(at >= start && at < end, `${value.at} is outside ${spec.window.start} – ${spec.window.end}`).toBe(true);
        }
      }
    });

    // Both "never answers" tests first make sure the fetch is waiting on the source: one
    // that failed at once (a source that refused, a mock that did not match) proves nothing.
    const waiting = `fetch settled within ${HANG_PROBE_MS} ms although source.hangs() should keep it waiting`;

    it('stops promptly when its abort signal fires (a shutdown at its deadline)', async () => {
      await spec.source.hangs();
      const ctx = createTestContext({ window: spec.window, httpOptions: { timeoutMs: 60_000 } });
      const fetching = connector.fetch(parse(spec.hangingConnection ?? spec.connection), connector.querySchema.parse(spec.query), ctx);
      expect(await pendingAfter(fetching, HANG_PROBE_MS), waiting).toBe(true);
      ctx.controller.abort(new Error('conformance: shutdown'));
      await expect(within(fetching, PROMPT_MS, 'an aborted fetch')).rejects.toBeDefined();
    });

    it('a source that never answers ends in a retryable error, not a hang', async () => {
      await spec.source.hangs();
      const ctx = createTestContext({ window: spec.window, httpOptions: { timeoutMs: 500 } });
      const fetching = connector.fetch(parse(spec.hangingConnection ?? spec.connection), connector.querySchema.parse(spec.query), ctx);
      expect(await pendingAfter(fetching, HANG_PROBE_MS), waiting).toBe(true);
      const error = await within(fetching, PROMPT_MS * 2, 'a fetch from a silent source').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, 'fetch resolved from a source that never answered').toBeDefined();
      expect(toKsError(error).retryable).toBe(true);
    });

    it('keeps its credentials out of logs, errors and results', async () => {
      const secrets = spec.secrets ?? secretValues(connector.connectionSchema, spec.connection);
      const seen: string[] = [];
      await spec.source.answers();
      const good = capturedLogger();
      const ctx = createTestContext({ window: spec.window, logger: good.logger });
      seen.push(JSON.stringify(await connector.fetch(parse(spec.connection), connector.querySchema.parse(spec.query), ctx)));
      seen.push(JSON.stringify(ctx.diagnostics), JSON.stringify(ctx.cursorValue() ?? null));
      seen.push(JSON.stringify(await connector.check(parse(spec.connection), createCheckContext({ logger: good.logger }))));
      await spec.source.reset?.();
      await spec.source.rejectsCredentials();
      const bad = capturedLogger();
      await connector
        .check(parse(spec.badConnection ?? spec.connection), createCheckContext({ logger: bad.logger }))
        .catch((error: unknown) => seen.push(errorText(error)));
      const text = [...seen, ...good.lines, ...bad.lines].join('\n');
      for (const secret of secrets) expect(text.includes(secret), `a credential appeared in logs, errors or results`).toBe(false);
    });
  });
}
