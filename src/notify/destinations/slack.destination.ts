import { secretList } from './classify.ts';
import type { Destination, DestinationOptions } from './destination.ts';
import { deliveryClient, send } from '../send.ts';
import type { SlackDestinationConfig } from './schemas.ts';
import { slackMessage } from './slack.message.ts';

/**
 * A Slack incoming webhook. Slack answers 200 `ok`; failures are text bodies with
 * their own status (400 `invalid_payload`, 403 `action_prohibited`, 404
 * `channel_not_found`/`no_service`, 410 `channel_is_archived`), which the shared
 * classification maps like any other receiver's
 * (https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks).
 * The URL is the credential: messages name the host only and scrub every path segment.
 */
export function slackDestination(config: SlackDestinationConfig, options: DestinationOptions = {}): Destination {
  const now = options.now ?? Date.now;
  const http = options.http ?? deliveryClient({ allowLinkLocal: config.allowLinkLocal ?? false });
  const url = new URL(config.url);
  const segments = url.pathname.split('/').filter((s) => s.length >= 8);
  const secrets = secretList([config.url, `${url.host}${url.pathname}`, url.pathname, url.search, ...segments]);

  return {
    name: config.name,
    kind: 'slack',
    async deliver(event, attempt) {
      const body = JSON.stringify(slackMessage(event, { dashboardUrl: config.dashboardUrl }));
      return send(http, {
        method: 'POST',
        url: config.url,
        headers: { 'content-type': 'application/json' },
        body,
        timeoutMs: config.timeoutMs,
        signal: attempt.signal,
        target: url.host,
        secrets,
        now,
      });
    },
  };
}
