import { describe, expect, it } from 'vitest';
import { slackMessage, type SlackBlock } from '../../../src/notify/destinations/slack.message.ts';
import { churnCritical, churnResolved, mrrNoData } from '../../fixtures/notify/alert-events.ts';

function allText(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((b) => (b.type === 'context' ? b.elements.map((e) => e.text) : [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)]));
}

describe('slack message', () => {
  it('puts state, value, band, change, trend, suggestion and link in front of the reader', () => {
    const message = slackMessage(churnCritical, { dashboardUrl: 'https://dash.example.com' });
    expect(message.text).toBe('🔴 Churn rate is critical: 7.2% (was warn)');
    expect(message.blocks.map((b) => b.type)).toEqual(['section', 'section', 'section', 'context']);
    expect(message.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '🔴 *Churn rate is critical: 7.2% (was warn)*' } });
    const fields = (message.blocks[1] as { fields: { text: string }[] }).fields.map((f) => f.text);
    expect(fields).toEqual([
      '*Value*\n7.2%',
      '*Band*\n0–4% (critical above 5%)',
      '*State*\n🟠 warn → 🔴 critical',
      '*Outside the band by*\n2.2% above max 5%',
      '*Period*\n2026-05-01',
      '*Trend (last 6)*\n▁▁▂▃▄█  2.9% → 7.2%',
    ]);
    expect(allText(message.blocks)).toContain('💡 Churn rate is critical and no Key Result tracks it: consider taking it on as a KR for this quarter.');
    expect(allText(message.blocks)).toContain('<https://dash.example.com/kpis/churn_rate|Open Churn rate in kpi-sync>');
  });

  it("uses the event's link without a dashboard URL, and no link when there is neither", () => {
    expect(allText(slackMessage(churnCritical).blocks).join('\n')).toContain('<https://kpi.example.com/kpis/churn_rate|');
    expect(allText(slackMessage(churnResolved).blocks).join('\n')).not.toContain('<http');
  });

  it('shows a recovery and a silent source without inventing values', () => {
    expect(slackMessage(churnResolved).text).toBe('🟢 Churn rate is back to ok: 3.6% (was critical)');
    const quiet = slackMessage(mrrNoData);
    expect(quiet.text).toBe('⚪ MRR has no data (was ok)');
    const text = allText(quiet.blocks).join('\n');
    expect(text).toContain('🟢 ok → ⚪ no data');
    expect(text).not.toContain('*Value*');
    expect(text).not.toContain('*Trend');
  });

  it('escapes Slack control characters in names so they cannot forge links or mentions', () => {
    const event = { ...churnCritical, kpi: { ...churnCritical.kpi, name: 'A<b>&<!channel>', category: 'R&D' } };
    const text = [slackMessage(event).text, ...allText(slackMessage(event).blocks)].join('\n');
    expect(text).toContain('A&lt;b&gt;&amp;&lt;!channel&gt;');
    expect(text).toContain('R&amp;D');
    expect(text).not.toContain('<!channel>');
  });

  it('stays inside Block Kit limits with absurdly long input', () => {
    const long = 'x'.repeat(10_000);
    const message = slackMessage({ ...churnCritical, kpi: { ...churnCritical.kpi, name: long, category: long }, suggestion: long });
    for (const block of message.blocks) {
      if (block.type === 'section') {
        expect((block.text?.text ?? '').length).toBeLessThanOrEqual(3000);
        expect(block.fields?.length ?? 0).toBeLessThanOrEqual(10);
        for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
      } else {
        expect(block.elements.length).toBeLessThanOrEqual(10);
        for (const e of block.elements) expect(e.text.length).toBeLessThanOrEqual(2000);
      }
    }
  });
});
