import type { AxiosResponse } from 'axios';
import { ConfigError } from './errors.ts';
import type { RequestSummary } from './http-errors.ts';
import { collectSecrets } from './http-redact.ts';
import type { HttpRequest } from './http.types.ts';

/** A request checked and ready to send: URL with query, lower-cased headers, serialised body. */
export interface PreparedRequest {
  summary: RequestSummary;
  label: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  data: string | undefined;
  responseType: 'json' | 'text' | 'stream';
  timeoutMs: number;
  mapError: HttpRequest['mapError'];
  throwOnStatus: boolean;
}

/**
 * Validates the URL (absolute http/https), appends `query`, merges headers over the
 * defaults (user agent, Accept) and serialises the body: JSON unless it is a string
 * (sent as-is) or URLSearchParams (form-encoded). Collects the request's secrets so
 * body excerpts in errors can be scrubbed of them.
 */
export function prepareRequest(request: HttpRequest, timeoutMs: number, userAgent: string): PreparedRequest {
  const method = request.method ?? 'GET';
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new ConfigError(`${method} ${request.label ?? 'request'}: the URL is not an absolute http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${method} ${request.label ?? url.host}: only http and https URLs are supported`);
  }
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.append(key, String(value));
  }
  const responseType = request.responseType ?? 'json';
  const headers: Record<string, string> = {
    'user-agent': userAgent,
    accept: responseType === 'json' ? 'application/json' : '*/*',
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  let data: string | undefined;
  if (request.body instanceof URLSearchParams) {
    data = request.body.toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  } else if (typeof request.body === 'string') {
    data = request.body;
  } else if (request.body !== undefined) {
    data = JSON.stringify(request.body);
    headers['content-type'] ??= 'application/json';
  }
  const target = request.label ?? `${url.host}${url.pathname}`;
  return {
    summary: { method, target, secrets: collectSecrets(url, headers) },
    label: request.label ?? `${method} ${url.host}${url.pathname}`,
    url: url.href,
    method,
    headers,
    data,
    responseType,
    timeoutMs: request.timeoutMs ?? timeoutMs,
    mapError: request.mapError,
    throwOnStatus: request.throwOnStatus ?? true,
  };
}

/** The body's JSON value; an empty body is `undefined`, not an error. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Response headers as lower-cased strings; repeated headers (set-cookie) joined with ", ". */
export function flattenHeaders(headers: AxiosResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  const plain = typeof headers.toJSON === 'function' ? headers.toJSON() : headers;
  for (const [name, value] of Object.entries(plain as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}
