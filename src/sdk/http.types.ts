import type { KsError } from './errors.ts';

/** One outbound request. Every request has a timeout; retries follow `retry`. */
export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON unless it is a string (sent as-is) or URLSearchParams (form-encoded). */
  body?: unknown;
  /** Per attempt; defaults to the client's timeout. */
  timeoutMs?: number;
  responseType?: 'json' | 'text' | 'stream';
  /** Attempts in all (1 = no retry); defaults to the client's policy. */
  attempts?: number;
  /**
   * Lets a connector turn a vendor's error body into the right typed error
   * (for example a SOQL MALFORMED_QUERY into a QueryError). Return undefined to
   * fall back to the status-based mapping.
   */
  mapError?: (response: HttpResponse<unknown>) => KsError | undefined;
  /** A short label for logs and metrics instead of the full URL (which may hold tokens). */
  label?: string;
  /**
   * Aborts this request, its retries and its waits (a sync's `ctx.signal`: shutdown
   * reaches every request in flight). `ctx.http` passes the sync's signal already.
   */
  signal?: AbortSignal;
  /**
   * false: any HTTP status resolves (redirects, 4xx and 5xx included) with the body as
   * text, at most 64 KiB of it, and is never retried; only a failure without a response
   * (timeout, refused connection, abort) rejects. For callers that classify the status
   * themselves, such as alert deliveries (one attempt each; the outbox retries).
   */
  throwOnStatus?: boolean;
}

export interface HttpResponse<T> {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  data: T;
}

/**
 * Reads a vendor's rate-limit headers from a response so the client can slow down
 * *before* the limit is hit (not only after a 429).
 */
export type RateLimitReader = (headers: Record<string, string>, now: number) => { remaining: number; resetAt: number } | undefined;

export interface HttpClient {
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>;
}

export interface HttpClientOptions {
  /** Per-attempt timeout, ms. Default 30 s. */
  timeoutMs?: number;
  /** Attempts in all for retryable failures. Default 4. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest Retry-After we are willing to sleep in-process; longer becomes a RateLimitedError. */
  maxRetryAfterMs?: number;
  rateLimit?: RateLimitReader;
  /** Keep this many requests in reserve before the reset (default 1). */
  rateLimitReserve?: number;
  userAgent?: string;
  /**
   * Let requests reach link-local and cloud-metadata addresses (169.254.0.0/16,
   * fe80::/10, fd00:ec2::254). Default false: such a host, or a name resolving to
   * one, is refused with a ConfigError before anything is sent.
   */
  allowLinkLocal?: boolean;
  signal?: AbortSignal;
  /** Called once per attempt, for metrics (no URL query strings, no headers). */
  onAttempt?: (event: { label: string; status?: number; durationMs: number; error?: string; waitedMs?: number }) => void;
}
