import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pagerdutyEvent } from '../../../src/notify/destinations/pagerduty.event.ts';
import { churnCritical, churnResolved, mrrNoData } from '../../fixtures/notify/alert-events.ts';
import { shapeProblems, type Shape } from './json-shape.ts';

const schema = JSON.parse(readFileSync(new URL('../../fixtures/notify/pagerduty-enqueue.schema.json', import.meta.url), 'utf8')) as { request: Shape };
const KEY = 'R0UT1NGKEY0000000000000000000000';

describe('pagerduty event', () => {
  it('triggers on critical with the episode as dedup_key and the spec-required fields', () => {
    const body = pagerdutyEvent(churnCritical, KEY);
    expect(shapeProblems(schema.request, body)).toEqual([]);
    expect(body).toMatchObject({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: churnCritical.episode,
      client: 'kpi-sync',
      client_url: churnCritical.link,
      links: [{ href: churnCritical.link, text: 'Churn rate in kpi-sync' }],
      payload: {
        summary: 'Churn rate is critical: 7.2% (was warn); 2.2% above max 5%',
        timestamp: churnCritical.createdAt,
        severity: 'critical',
        source: 'kpi-sync',
        component: 'churn_rate',
        group: 'Growth',
        class: 'kpi-health',
      },
    });
    expect(body.payload?.custom_details).toMatchObject({
      kpi: 'churn_rate',
      name: 'Churn rate',
      category: 'Growth',
      value: 7.2,
      unit: '%',
      period: churnCritical.period,
      band: churnCritical.band,
      from: 'warn',
      to: 'critical',
      distance: 2.2,
      suggestion: churnCritical.suggestion,
      event_id: churnCritical.id,
    });
  });

  it('maps warn to warning, and no_data to a warning that says there is no data', () => {
    expect(pagerdutyEvent({ ...churnCritical, to: 'warn', from: 'ok' }, KEY).payload?.severity).toBe('warning');
    const quiet = pagerdutyEvent(mrrNoData, KEY);
    expect(shapeProblems(schema.request, quiet)).toEqual([]);
    expect(quiet).toMatchObject({ event_action: 'trigger', payload: { severity: 'warning', summary: 'MRR has no data (was ok)' } });
    expect(quiet).not.toHaveProperty('links');
  });

  it('a refused sync or a held push is a warning under its own dedup key, even while the KPI is ok', () => {
    const refused = {
      ...churnResolved,
      type: 'quality.failed' as const,
      from: 'ok' as const,
      to: 'ok' as const,
      id: 'evt_q1',
      suggestion: 'A sync was refused: 3 of 4 rows rejected',
    };
    const body = pagerdutyEvent(refused, KEY);
    expect(shapeProblems(schema.request, body)).toEqual([]);
    expect(body).toMatchObject({ event_action: 'trigger', dedup_key: 'quality.failed:evt_q1', payload: { severity: 'warning', class: 'kpi-data-quality' } });
    expect(body.payload?.summary).toContain('3 of 4 rows rejected');
    expect(body.dedup_key).not.toBe(churnResolved.episode);
    const held = pagerdutyEvent({ ...churnCritical, type: 'push.held', id: 'evt_h1' }, KEY);
    expect(held).toMatchObject({ event_action: 'trigger', dedup_key: 'push.held:evt_h1', payload: { severity: 'warning', class: 'kpi-push-held' } });
  });

  it('resolves on ok with the same dedup_key and nothing the spec does not need', () => {
    const trigger = pagerdutyEvent(churnCritical, KEY);
    const resolve = pagerdutyEvent(churnResolved, KEY);
    expect(shapeProblems(schema.request, resolve)).toEqual([]);
    expect(resolve).toEqual({ routing_key: KEY, event_action: 'resolve', dedup_key: trigger.dedup_key });
  });

  it('keeps the summary within 1024 characters', () => {
    const body = pagerdutyEvent({ ...churnCritical, kpi: { ...churnCritical.kpi, name: 'n'.repeat(5000) } }, KEY);
    expect(body.payload?.summary.length).toBe(1024);
  });

  it('the checker itself catches what the spec forbids', () => {
    expect(shapeProblems(schema.request, { routing_key: KEY })).toEqual(['$.event_action: required']);
    expect(shapeProblems(schema.request, { routing_key: KEY, event_action: 'open', dedup: 'x' })).toEqual([
      '$.event_action: "open" is not one of ["trigger","acknowledge","resolve"]',
      '$.dedup: not defined by the schema',
    ]);
    expect(shapeProblems(schema.request, { routing_key: KEY, event_action: 'trigger', payload: { summary: 's', severity: 'high' } })).toEqual([
      '$.payload.source: required',
      '$.payload.severity: "high" is not one of ["critical","warning","error","info"]',
    ]);
  });
});
