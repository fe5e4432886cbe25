import type { AlertEvent } from '../alert-event.ts';
import { bandText, clip, distanceText, formatValue, headline, sparkline, stateEmoji, stateWords } from './alert-text.ts';

/**
 * The Slack incoming-webhook body: Block Kit `blocks` for the channel and `text` as
 * the notification fallback (https://api.slack.com/messaging/webhooks,
 * https://api.slack.com/reference/block-kit/blocks). Written to be read at a glance:
 * the state and value first, then band, change, trend and the KR nudge. Pure.
 */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export type SlackText = { type: 'mrkdwn'; text: string };
export type SlackBlock = { type: 'section'; text?: SlackText; fields?: SlackText[] } | { type: 'context'; elements: SlackText[] };

/** Block Kit limits: section text 3000, each field 2000 (at most 10 fields), context elements 10. */
const SECTION_CHARS = 3000;
const FIELD_CHARS = 2000;
const TREND_POINTS = 6;

export interface SlackMessageOptions {
  /** Base URL of the dashboard; the KPI link is `${dashboardUrl}/kpis/${id}`. Falls back to the event's link. */
  dashboardUrl?: string | undefined;
}

export function slackMessage(event: AlertEvent, options: SlackMessageOptions = {}): SlackMessage {
  if (event.type === 'alert.test') return testMessage(event);
  const { kpi } = event;
  const emoji = stateEmoji(event.to);
  const title = headline(event);
  const link = options.dashboardUrl ? `${options.dashboardUrl}/kpis/${encodeURIComponent(kpi.id)}` : event.link;

  const fields: string[] = [];
  if (event.value !== undefined) fields.push(field('Value', formatValue(event.value, kpi.unit)));
  if (event.band) fields.push(field('Band', bandText(event.band, kpi.unit)));
  fields.push(field('State', `${stateEmoji(event.from)} ${stateWords(event.from)} → ${emoji} ${stateWords(event.to)}`));
  const outside = distanceText(event);
  if (outside) fields.push(field('Outside the band by', outside));
  if (event.period) fields.push(field('Period', periodText(event.period)));
  const trend = trendText(event);
  if (trend) fields.push(field(`Trend (last ${Math.min(TREND_POINTS, event.trend.length)})`, trend));

  const blocks: SlackBlock[] = [
    { type: 'section', text: mrkdwn(clip(`${emoji} *${escapeMrkdwn(title)}*`, SECTION_CHARS)) },
    { type: 'section', fields: fields.slice(0, 10).map((f) => mrkdwn(clip(f, FIELD_CHARS))) },
  ];
  if (event.suggestion) blocks.push({ type: 'section', text: mrkdwn(clip(`💡 ${escapeMrkdwn(event.suggestion)}`, SECTION_CHARS)) });

  const context = [`${escapeMrkdwn(kpi.category)} · \`${escapeMrkdwn(kpi.id)}\``];
  if (link) context.push(`<${linkUrl(link)}|Open ${escapeMrkdwn(kpi.name)} in kpi-sync>`);
  blocks.push({ type: 'context', elements: context.map((c) => mrkdwn(clip(c, FIELD_CHARS))) });

  return { text: `${emoji} ${escapeMrkdwn(title)}`, blocks };
}

/** A test says so in the notification itself, so nobody starts looking for a KPI. */
function testMessage(event: AlertEvent): SlackMessage {
  const title = `🧪 TEST: ${escapeMrkdwn(headline(event))}`;
  const blocks: SlackBlock[] = [
    { type: 'section', text: mrkdwn(clip(`*${title}*`, SECTION_CHARS)) },
    { type: 'section', text: mrkdwn(clip(escapeMrkdwn(event.suggestion ?? 'No KPI changed.'), SECTION_CHARS)) },
    { type: 'context', elements: [mrkdwn(clip(`kpi-sync test · event \`${escapeMrkdwn(event.id)}\``, FIELD_CHARS))] },
  ];
  return { text: title, blocks };
}

function field(label: string, value: string): string {
  return `*${label}*\n${escapeMrkdwn(value)}`;
}

function mrkdwn(text: string): SlackText {
  return { type: 'mrkdwn', text };
}

/** `▁▂▄▆█  3.1% → 7.2%` over the last few periods. */
function trendText(event: AlertEvent): string | undefined {
  const recent = event.trend.slice(-TREND_POINTS);
  const first = recent[0];
  const last = recent.at(-1);
  if (!first || !last) return undefined;
  const spark = sparkline(
    recent.map((p) => p.value),
    TREND_POINTS,
  );
  if (recent.length === 1) return `${spark}  ${formatValue(first.value, event.kpi.unit)}`;
  return `${spark}  ${formatValue(first.value, event.kpi.unit)} → ${formatValue(last.value, event.kpi.unit)}`;
}

/** The date of the period start: `2026-06-01` reads better than the instant with its offset. */
function periodText(period: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(period) ? period.slice(0, 10) : period;
}

/** Slack's three control characters in mrkdwn (https://api.slack.com/reference/surfaces/formatting#escaping). */
function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A URL inside `<url|text>` must not contain the delimiters. */
function linkUrl(url: string): string {
  return url.replaceAll('|', '%7C').replaceAll('<', '%3C').replaceAll('>', '%3E');
}
