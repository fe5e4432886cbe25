import { describe, expect, it } from 'vitest';
import { classifyFailure, classifyResponse, RESPONSE_CHARS, secretList, type RequestContext } from '../../../src/notify/destinations/classify.ts';

const NOW = Date.parse('2026-06-02T06:00:00Z');
const req: RequestContext = { target: 'hooks.example.com', secrets: secretList(['s3cr3t-canary-value']), nowMs: NOW };
const respond = (status: number, body = '', more: { retryAfter?: string; location?: string } = {}) => classifyResponse({ status, body, ...more }, req);

describe('classifyResponse', () => {
  it('delivers on any 2xx', () => {
    for (const status of [200, 201, 202, 204, 299]) expect(respond(status)).toEqual({ outcome: 'delivered', status });
  });

  it('retries 408, 429 and every 5xx', () => {
    for (const status of [408, 429, 500, 501, 502, 503, 504, 599]) expect(respond(status).outcome, String(status)).toBe('retry');
    expect(respond(500, 'boom')).toEqual({ outcome: 'retry', status: 500, error: 'POST hooks.example.com → 500 Internal Server Error: boom' });
  });

  it('honours Retry-After in seconds or as an HTTP-date', () => {
    expect(respond(503, '', { retryAfter: '7' })).toMatchObject({ outcome: 'retry', retryAfterMs: 7000 });
    expect(respond(429, '', { retryAfter: new Date(NOW + 90_000).toUTCString() })).toMatchObject({ retryAfterMs: 90_000 });
    expect(respond(429, '', { retryAfter: 'soon' })).not.toHaveProperty('retryAfterMs');
    expect(respond(500)).not.toHaveProperty('retryAfterMs');
  });

  it('fails a redirect without following it, naming where it pointed but not its query', () => {
    for (const status of [301, 302, 303, 307, 308]) {
      const result = respond(status, '', { location: 'https://other.example.com/new/hook?token=abc' });
      expect(result).toMatchObject({ outcome: 'failed', status });
      expect(result.outcome === 'failed' ? result.response : '').toContain('redirect to other.example.com/new/hook not followed');
      expect(JSON.stringify(result)).not.toContain('token=abc');
    }
  });

  it('fails other 4xx with the receiver words, and disables on 410', () => {
    expect(respond(404, 'channel_not_found')).toEqual({
      outcome: 'failed',
      status: 404,
      response: 'POST hooks.example.com → 404 Not Found: channel_not_found',
    });
    expect(respond(400, JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors: ['Length of summary is too long'] }))).toEqual({
      outcome: 'failed',
      status: 400,
      response: 'POST hooks.example.com → 400 Bad Request: Event object is invalid; Length of summary is too long',
    });
    for (const status of [401, 403, 405, 409, 413, 422]) expect(respond(status)).not.toHaveProperty('disable');
    expect(respond(410, 'channel_is_archived')).toEqual({
      outcome: 'failed',
      status: 410,
      response: 'POST hooks.example.com → 410 Gone: channel_is_archived',
      disable: true,
    });
  });

  it('keeps the text short, on one line and free of secrets', () => {
    const body = `line one\nechoed s3cr3t-canary-value and api_key=abcdef123456 ${'x'.repeat(5000)}`;
    for (const status of [400, 500]) {
      const result = respond(status, body);
      const text = result.outcome === 'failed' ? result.response : result.outcome === 'retry' ? result.error : '';
      expect(text.length).toBeLessThanOrEqual(RESPONSE_CHARS);
      expect(text).not.toContain('\n');
      expect(text).not.toContain('s3cr3t-canary-value');
      expect(text).not.toContain('abcdef123456');
      expect(text).toContain('[redacted]');
    }
  });
});

describe('classifyFailure', () => {
  it('retries timeouts and network failures, saying which', () => {
    expect(classifyFailure({ kind: 'timeout', timeoutMs: 200 }, req)).toEqual({ outcome: 'retry', error: 'POST hooks.example.com → timed out after 200 ms' });
    expect(classifyFailure({ kind: 'network', code: 'ECONNREFUSED' }, req)).toEqual({
      outcome: 'retry',
      error: 'POST hooks.example.com → connection refused (ECONNREFUSED)',
    });
    expect(classifyFailure({ kind: 'network', code: 'EWHATEVER' }, req)).toEqual({
      outcome: 'retry',
      error: 'POST hooks.example.com → network error (EWHATEVER)',
    });
  });
});

describe('secretList', () => {
  it('drops short and empty values and puts the longest first', () => {
    expect(secretList(['abc', undefined, 'abcd', 'abcdefgh', ' abcd '])).toEqual(['abcdefgh', 'abcd']);
  });
});
