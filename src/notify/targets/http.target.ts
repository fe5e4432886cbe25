import { collectSecrets } from '../../sdk/http-redact.ts';
import { secretList } from '../destinations/classify.ts';
import { renderBody, renderHeader, renderUrl, templateVars } from './http-template.ts';
import type { PushTarget, PushTargetOptions } from './push-target.ts';
import { send, deliveryClient } from '../send.ts';
import type { HttpTargetConfig } from './target-schemas.ts';

/**
 * Any platform not listed: one JSON request per push, built from the configured
 * method, URL template, header templates and body template (http-template.ts). It
 * cannot know whether the receiver deduplicates, so `{{key}}` is there to put in an
 * idempotency header or field; without one, a repeat after a lost answer reaches the
 * receiver twice. Header values, the URL's path and query are scrubbed from every
 * message, and messages name the host only.
 */
export function httpTarget(config: HttpTargetConfig, options: PushTargetOptions = {}): PushTarget {
  const now = options.now ?? Date.now;
  const http = options.http ?? deliveryClient({ allowLinkLocal: config.allowLinkLocal ?? false });
  // The host holds no placeholder (the schema sees to it), so any payload gives the same one.
  const target = new URL(config.url.replace(/\{\{[^{}]*\}\}/g, 'x')).host;
  const configured = Object.entries(config.headers ?? {});

  return {
    name: config.name,
    kind: 'http',
    async deliver(payload, attempt) {
      const vars = templateVars(payload);
      const url = renderUrl(config.url, vars);
      const headers: Record<string, string> = Object.fromEntries(configured.map(([name, value]) => [name, renderHeader(value, vars)]));
      const parsed = new URL(url);
      // The URL is marked secret: its path can be the credential (as in a Slack webhook), so an echo of it is scrubbed too.
      const secrets = secretList([
        ...collectSecrets(parsed, headers),
        config.url,
        parsed.href,
        `${parsed.pathname}${parsed.search}`,
        parsed.pathname === '/' ? undefined : parsed.pathname,
      ]);
      return send(http, {
        method: config.method,
        url,
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(renderBody(config.body, vars)),
        timeoutMs: config.timeoutMs,
        signal: attempt.signal,
        target,
        secrets,
        now,
      });
    },
  };
}
