import type { HealthState } from '../../domain/types.ts';
import type { AlertEvent } from '../alert-event.ts';
import { clip, distanceText, headline } from './alert-text.ts';

/**
 * The Events API v2 body (POST /v2/enqueue), per PagerDuty's OpenAPI description
 * (vendor-specs/pagerduty/events-v2/openapiv3.json, operation createV2Event). Pure.
 *
 * One incident per breach episode: every event of an episode carries the same
 * `dedup_key`, so a warn → critical escalation updates the open alert and the return
 * to ok resolves it. A resolve needs only routing_key, event_action and dedup_key:
 * the spec requires `payload` of no event, and its fields describe a problem.
 */
export interface PagerdutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: PagerdutyPayload;
  client?: string;
  client_url?: string;
  links?: { href: string; text?: string }[];
}

export interface PagerdutyPayload {
  /** At most 1024 characters (PagerDuty truncates longer ones). */
  summary: string;
  timestamp: string;
  severity: 'critical' | 'warning' | 'error' | 'info';
  source: string;
  component: string;
  group: string;
  class: string;
  custom_details: Record<string, unknown>;
}

export const PAGERDUTY_SOURCE = 'kpi-sync';
const SUMMARY_CHARS = 1024;

/** warn → warning, critical → critical; no data is worth a look, not a page at night. */
const SEVERITY: Record<Exclude<HealthState, 'ok'>, PagerdutyPayload['severity']> = {
  critical: 'critical',
  warn: 'warning',
  no_data: 'warning',
};

export function pagerdutyEvent(event: AlertEvent, routingKey: string): PagerdutyEvent {
  if (event.type === 'alert.test') return testEvent(event, routingKey);
  if (event.type === 'quality.failed' || event.type === 'push.held') return noticeEvent(event, routingKey);
  if (event.to === 'ok') return { routing_key: routingKey, event_action: 'resolve', dedup_key: event.episode };
  const outside = distanceText(event);
  const summary = outside ? `${headline(event)}; ${outside}` : headline(event);
  const body: PagerdutyEvent = {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: event.episode,
    payload: {
      summary: clip(summary, SUMMARY_CHARS),
      timestamp: event.createdAt,
      severity: SEVERITY[event.to],
      source: PAGERDUTY_SOURCE,
      component: event.kpi.id,
      group: event.kpi.category,
      class: 'kpi-health',
      custom_details: customDetails(event),
    },
    client: PAGERDUTY_SOURCE,
  };
  if (event.link) {
    body.client_url = event.link;
    body.links = [{ href: event.link, text: `${event.kpi.name} in kpi-sync` }];
  }
  return body;
}

/**
 * `kpi-sync alerts test`: an info-severity trigger, marked as a test in its summary,
 * under a dedup key of its own (`test:<event id>`: KPI ids hold no ":", so it never
 * updates or resolves a real incident, and a real one never absorbs it).
 */
function testEvent(event: AlertEvent, routingKey: string): PagerdutyEvent {
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: event.episode,
    payload: {
      summary: clip(`[TEST] ${headline(event)}: no KPI changed, nothing to do`, SUMMARY_CHARS),
      timestamp: event.createdAt,
      severity: 'info',
      source: event.host ?? PAGERDUTY_SOURCE,
      component: PAGERDUTY_SOURCE,
      group: 'test',
      class: 'kpi-sync-test',
      custom_details: { test: true, host: event.host, note: event.suggestion, event_id: event.id, event_type: event.type },
    },
    client: PAGERDUTY_SOURCE,
  };
}

/**
 * A refused sync or a held KR push: something to look at whatever the KPI's health,
 * so always a warning trigger, under a dedup key of its own (`quality.failed:<event
 * id>`; KPI ids hold no ":"). Under the KPI's episode key a KPI in ok health would
 * turn it into a resolve of nothing, and a KPI in breach would fold it into that
 * incident.
 */
function noticeEvent(event: AlertEvent, routingKey: string): PagerdutyEvent {
  const summary = event.suggestion ? `${headline(event)}: ${event.suggestion}` : headline(event);
  const body: PagerdutyEvent = {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: `${event.type}:${event.id}`,
    payload: {
      summary: clip(summary, SUMMARY_CHARS),
      timestamp: event.createdAt,
      severity: 'warning',
      source: PAGERDUTY_SOURCE,
      component: event.kpi.id,
      group: event.kpi.category,
      class: event.type === 'quality.failed' ? 'kpi-data-quality' : 'kpi-push-held',
      custom_details: customDetails(event),
    },
    client: PAGERDUTY_SOURCE,
  };
  if (event.link) body.client_url = event.link;
  return body;
}

/** Everything a responder needs in the incident, flat where PagerDuty shows it as a table. */
function customDetails(event: AlertEvent): Record<string, unknown> {
  const details: Record<string, unknown> = {
    kpi: event.kpi.id,
    name: event.kpi.name,
    category: event.kpi.category,
    value: event.value,
    unit: event.kpi.unit,
    period: event.period,
    band: event.band,
    from: event.from,
    to: event.to,
    distance: event.distance,
    trend: event.trend,
    suggestion: event.suggestion,
    tags: event.kpi.tags,
    link: event.link,
    event_id: event.id,
    event_type: event.type,
  };
  return Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
}
