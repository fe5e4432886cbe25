import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { QueryError, TransientError } from '../../../src/sdk/errors.ts';
import { createHttpClient } from '../../../src/sdk/http.ts';
import { json, startServer, type Loopback } from './loopback-server.ts';

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function drain(stream: Readable): Promise<{ text: string; err?: unknown }> {
  let text = '';
  try {
    for await (const chunk of stream) text += String(chunk);
  } catch (err) {
    return { text, err };
  }
  return { text };
}

/** Sends headers and a first chunk, then nothing. */
const stalling = () =>
  startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first');
  });

describe('streamed responses', () => {
  it('outlives the per-attempt timeout while data keeps coming', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200);
      let i = 0;
      const tick = setInterval(() => {
        i += 1;
        if (i === 6) {
          clearInterval(tick);
          res.end('end');
        } else {
          res.write(`${i},`);
        }
      }, 50);
    });
    const client = createHttpClient({ timeoutMs: 150 });
    const res = await client.request<Readable>({ url: server.url, responseType: 'stream' });
    expect(await drain(res.data)).toEqual({ text: '1,2,3,4,5,end' });
  });

  it('fails a body that stalls', async () => {
    server = await stalling();
    const client = createHttpClient({ timeoutMs: 150 });
    const res = await client.request<Readable>({ url: server.url, responseType: 'stream' });
    const { text, err } = await drain(res.data);
    expect(text).toBe('first');
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toContain('response body stalled for 150 ms');
  });

  it('does not count a slow reader as a stall while data waits for it', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200);
      res.write('a');
      setTimeout(() => res.write('b'), 20);
      // 280 ms of silence from the source: longer than the idle timeout, but 'b' sits unread the whole time.
      setTimeout(() => res.end('c'), 300);
    });
    const client = createHttpClient({ timeoutMs: 150 });
    const res = await client.request<Readable>({ url: server.url, responseType: 'stream' });
    const chunks: string[] = [];
    for await (const chunk of res.data) {
      chunks.push(String(chunk));
      if (chunks.length === 1) await new Promise((r) => setTimeout(r, 450));
    }
    expect(chunks.join('')).toBe('abc');
  });

  it('ends with the signal reason when aborted mid-body', async () => {
    server = await stalling();
    const controller = new AbortController();
    const client = createHttpClient({ timeoutMs: 10_000, signal: controller.signal });
    const res = await client.request<Readable>({ url: server.url, responseType: 'stream' });
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    const { text, err } = await drain(res.data);
    expect(text).toBe('first');
    expect((err as Error).message).toBe('shutting down');
  });

  it('replaces a socket error mid-body with a TransientError that carries no request config', async () => {
    server = await startServer((req, res) => {
      res.writeHead(200);
      res.write('part');
      setTimeout(() => req.socket.destroy(), 30);
    });
    const client = createHttpClient({ timeoutMs: 5_000 });
    const res = await client.request<Readable>({ url: server.url, headers: { authorization: 'Bearer CANARYstream1' }, responseType: 'stream' });
    const { text, err } = await drain(res.data);
    expect(text).toBe('part');
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toContain('response body interrupted');
    expect(JSON.stringify(err) + String((err as Error).stack)).not.toContain('CANARY');
    expect((err as Error).cause).not.toBeInstanceOf(Error);
  });

  it('reads an error body for the message when a stream was asked for', async () => {
    server = await startServer((_req, res) => json(res, 404, { message: 'no such export' }));
    const client = createHttpClient();
    const err = await client.request({ url: `${server.url}/export.csv`, responseType: 'stream' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect((err as Error).message).toContain('→ 404 Not Found: no such export');
  });
});
