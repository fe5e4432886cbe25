import { PassThrough } from 'node:stream';
import { Transport } from 'jsforce/lib/transport.js';
import type { HttpRequest as JsforceRequest, HttpResponse as JsforceResponse } from 'jsforce/lib/types/common.js';
import { StreamPromise } from 'jsforce/lib/util/promise.js';
import type { HttpClient, HttpRequest } from '../../src/sdk/index.ts';

/**
 * jsforce's transport, routed through the sdk's HttpClient. jsforce's own transport
 * has one process-wide timeout (the HTTP_TIMEOUT variable), follows redirects, retries
 * by its own rules and throws errors that carry the request; this one gives jsforce's
 * OAuth2 the connection's timeouts, retry policy, typed errors and scrubbed messages.
 * Non-2xx answers never reach jsforce: `mapError` or the sdk turn them into a KsError
 * first, which jsforce passes through unchanged.
 */
export class SdkTransport extends Transport {
  readonly #http: HttpClient;
  readonly #mapError: HttpRequest['mapError'];

  constructor(http: HttpClient, mapError: HttpRequest['mapError']) {
    super();
    this.#http = http;
    this.#mapError = mapError;
  }

  override httpRequest(req: JsforceRequest): StreamPromise<JsforceResponse> {
    return StreamPromise.create(() => ({ stream: new PassThrough(), promise: this.#send(req) }));
  }

  async #send(req: JsforceRequest): Promise<JsforceResponse> {
    const method = req.method;
    if (method === 'OPTIONS' || method === 'HEAD' || (req.body !== undefined && req.body !== null && typeof req.body !== 'string')) {
      throw new TypeError('SdkTransport carries jsforce OAuth2 requests only: GET/POST/PUT/PATCH/DELETE with a string body');
    }
    const response = await this.#http.request({
      method,
      url: req.url,
      headers: req.headers ?? {},
      ...(typeof req.body === 'string' ? { body: req.body } : {}),
      // Parsed (and so checked) here: a 200 that is not JSON becomes a BadResponseError, not jsforce's silent undefined.
      responseType: 'json',
      mapError: this.#mapError,
    });
    return { statusCode: response.status, headers: response.headers, body: JSON.stringify(response.data ?? null) };
  }
}
