import { BadResponseError, isRecord, QueryError } from '../../src/sdk/index.ts';

/**
 * Prometheus HTTP API JSON → one number, pure. The envelope and result shapes are the
 * documented ones (https://prometheus.io/docs/prometheus/latest/querying/api/#format-overview,
 * #expression-query-result-formats): `{ status, data: { resultType, result }, errorType,
 * error, warnings, infos }`; a scalar is `[<unix time>, "<value>"]`, a vector a list of
 * `{ metric: {labels}, value: [<unix time>, "<value>"] }` (native histograms carry
 * `histogram` instead of `value`). Sample values are strings so that NaN and ±Inf survive JSON.
 */

/** What one instant query gave: a number, or nothing (an empty vector). */
export type QueryOutcome = { kind: 'value'; value: number } | { kind: 'empty' };

export interface QueryAnswer {
  outcome: QueryOutcome;
  /** Prometheus's warnings (and, from newer versions, infos) about the query, for the log. */
  warnings: string[];
}

/** How many series a "more than one series" error lists. */
const SHOWN_SERIES = 3;

/** Reads a successful `/api/v1/query` answer; `where` names the request in messages. */
export function readQueryAnswer(body: unknown, where: string): QueryAnswer {
  const data = successData(body, where);
  const warnings = notes(body);
  const { resultType, result } = data;
  switch (resultType) {
    case 'scalar':
      return { outcome: { kind: 'value', value: sampleValue(result, where, 'the scalar') }, warnings };
    case 'vector':
      return { outcome: vectorOutcome(result, where), warnings };
    case 'matrix':
      throw new QueryError(
        `${where}: the query returns a range vector (matrix), not one number; a range selector such as x[5m] needs a function around it, ` +
          'e.g. avg_over_time(x[{{window.range}}]) or increase(x[{{window.range}}])',
      );
    case 'string':
      throw new QueryError(`${where}: the query returns a string, not a number`);
    default:
      throw new BadResponseError(`${where}: unknown resultType ${describe(resultType)}`);
  }
}

function vectorOutcome(result: unknown, where: string): QueryOutcome {
  if (!Array.isArray(result)) throw new BadResponseError(`${where}: a vector result is ${describe(result)}, not a list`);
  if (result.length === 0) return { kind: 'empty' };
  if (result.length > 1) {
    const shown = result.slice(0, SHOWN_SERIES).map((series) => labelSet(isRecord(series) ? series.metric : undefined));
    const more = result.length > SHOWN_SERIES ? `, … (${result.length - SHOWN_SERIES} more)` : '';
    throw new QueryError(
      `${where}: the query returns ${result.length} series (${shown.join(', ')}${more}); a KPI needs one number: ` +
        'aggregate them, e.g. sum(...), or select one series with a label matcher',
    );
  }
  const series: unknown = result[0];
  if (!isRecord(series)) throw new BadResponseError(`${where}: a vector sample is ${describe(series)}, not an object`);
  if (series.value === undefined && series.histogram !== undefined) {
    throw new QueryError(
      `${where}: the query returns a native histogram sample ${labelSet(series.metric)}, not a number; ` +
        'wrap it in histogram_quantile(), histogram_count() or histogram_sum()',
    );
  }
  return { kind: 'value', value: sampleValue(series.value, where, labelSet(series.metric)) };
}

/** `[<unix time>, "<value>"]` → a finite number; NaN and ±Inf are refused with what usually causes them. */
export function sampleValue(sample: unknown, where: string, what: string): number {
  if (!Array.isArray(sample) || sample.length !== 2 || typeof sample[1] !== 'string') {
    throw new BadResponseError(`${where}: ${what} is ${describe(sample)}, not a [time, "value"] sample`);
  }
  const text = sample[1].trim();
  if (text === 'NaN') {
    throw new QueryError(
      `${where}: ${what} is NaN, not a number; usually 0/0 (a ratio whose denominator was 0 in the window, e.g. no traffic) ` +
        'or histogram_quantile() over empty buckets; guard the denominator, e.g. `a / (b > 0)`, so such a period gives an empty result ' +
        '(skipped, or 0 with whenEmpty: zero; append `or vector(1)` to count it as 1)',
    );
  }
  if (/^[+-]?Inf$/.test(text)) {
    throw new QueryError(`${where}: ${what} is ${text}, not a finite number; usually a division by zero (x / 0 with x ≠ 0)`);
  }
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) throw new BadResponseError(`${where}: ${what} has the value ${describe(sample[1])}, not a number`);
  return value;
}

/** `data` of a `status: "success"` envelope. */
function successData(body: unknown, where: string): { resultType: unknown; result: unknown } {
  if (!isRecord(body)) throw new BadResponseError(`${where}: expected the Prometheus API envelope, got ${describe(body)}`);
  if (body.status === 'error') {
    // A 2xx with an error envelope is not documented; treat it as the query's fault like a 4xx would be.
    const error = errorEnvelope(body);
    throw new QueryError(`${where}: Prometheus answered an error (${error?.errorType ?? 'unknown'}): ${error?.error ?? '(no message)'}`);
  }
  if (body.status !== 'success' || !isRecord(body.data)) {
    throw new BadResponseError(`${where}: expected {"status":"success","data":{…}}, got status ${describe(body.status)}`);
  }
  return { resultType: body.data.resultType, result: body.data.result };
}

/** `{ status: "error", errorType, error }`, the API's error body, when `body` is one. */
export function errorEnvelope(body: unknown): { errorType: string; error: string } | undefined {
  if (!isRecord(body) || body.status !== 'error') return undefined;
  return {
    errorType: typeof body.errorType === 'string' && body.errorType !== '' ? body.errorType : 'unknown',
    error: typeof body.error === 'string' ? body.error : '(no message)',
  };
}

function notes(body: unknown): string[] {
  if (!isRecord(body)) return [];
  return [body.warnings, body.infos].flatMap((list) => (Array.isArray(list) ? list.filter((w): w is string => typeof w === 'string') : []));
}

/** `{code="500", job="api"}`, as PromQL writes a label set; `{}` for a series without labels. */
export function labelSet(metric: unknown): string {
  if (!isRecord(metric)) return '{}';
  const pairs = Object.entries(metric).map(([name, value]) => `${name}=${JSON.stringify(String(value))}`);
  return `{${pairs.join(', ')}}`;
}

/** `GET /api/v1/status/buildinfo` → the version, when the answer has one. */
export function readVersion(body: unknown): string | undefined {
  if (!isRecord(body) || !isRecord(body.data)) return undefined;
  return typeof body.data.version === 'string' && body.data.version !== '' ? body.data.version : undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
