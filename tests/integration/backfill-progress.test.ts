import { describe, expect, it } from 'vitest';
import { BackfillProgress, planPeriods, remainingPeriods } from '../../src/cli/commands/backfill.command.ts';

function sink(isTTY: boolean) {
  const out = { isTTY, columns: 100, text: '', write: (t: string) => (out.text += t) };
  return out;
}

describe('backfill progress', () => {
  it('draws a bar in place on a terminal, and ends it with a newline', () => {
    const out = sink(true);
    const progress = new BackfillProgress(out, 'mrr');
    progress.update(3, 12, '2025-03');
    progress.update(12, 12, '2025-12');
    progress.end();
    const frames = out.text.split('\r\x1b[2K').filter(Boolean);
    // 100 columns leave room for the widest bar, 30 cells: 3 of 12 fills 7.5 of them.
    expect(frames[0]).toMatch(/^backfill mrr \[█{8}░{22}\] 3\/12 25% {2}2025-03 {2}eta \d+:\d\d$/);
    expect(frames[1]).toBe(`backfill mrr [${'█'.repeat(30)}] 12/12 100%  2025-12\n`);
    expect(out.text).not.toContain('periods (');
  });

  it('writes plain lines elsewhere: the first, the last, and at most one a second between', () => {
    const out = sink(false);
    const progress = new BackfillProgress(out, 'mrr');
    for (let i = 1; i <= 36; i++) progress.update(i, 36, `p${i}`);
    expect(out.text.split('\n').filter(Boolean)).toEqual(['backfill mrr: 1/36 periods (p1)', 'backfill mrr: 36/36 periods (p36)']);
  });

  it('a note clears the bar before it is written', () => {
    const out = sink(true);
    const progress = new BackfillProgress(out, 'mrr');
    progress.update(1, 2, 'a');
    progress.line('stopping');
    expect(out.text.endsWith('\r\x1b[2Kstopping\n')).toBe(true);
  });
});

describe('backfill planning', () => {
  const kpi = { interval: 'month' as const, timezone: 'Europe/Oslo' };
  const now = new Date('2026-03-15T12:00:00Z');

  it('plans every closed period from --from to --to and leaves out the open one', () => {
    expect(planPeriods(kpi, '2025-11-20', '2026-12-31', now)).toEqual([
      '2025-11-01T00:00:00.000+01:00',
      '2025-12-01T00:00:00.000+01:00',
      '2026-01-01T00:00:00.000+01:00',
      '2026-02-01T00:00:00.000+01:00',
    ]);
    expect(planPeriods(kpi, '2026-01-01', '2026-01-31', now)).toEqual(['2026-01-01T00:00:00.000+01:00']);
    expect(planPeriods(kpi, '2026-03-01', '2026-03-10', now)).toEqual([]);
  });

  it('skips what a cursor recorded only when its block starts the plan', () => {
    const periods = planPeriods(kpi, '2025-11-01', '2026-02-28', now);
    const cursor = { from: periods[0]!, to: periods[3]!, done: periods[1]!, updatedAt: now.toISOString() };
    expect(remainingPeriods(periods, cursor)).toEqual({ todo: periods.slice(2), from: periods[0] });
    expect(remainingPeriods(periods.slice(1), cursor)).toEqual({ todo: periods.slice(2), from: periods[0] });
    // A plan that starts before the recorded block cannot trust it: it runs whole.
    expect(remainingPeriods(periods, { ...cursor, from: periods[1]!, done: periods[2]! })).toEqual({ todo: periods, from: periods[0] });
    expect(remainingPeriods(periods, undefined)).toEqual({ todo: periods, from: periods[0] });
  });
});
