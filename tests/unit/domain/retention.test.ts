import { describe, expect, it } from 'vitest';
import { retentionCutoffs } from '../../../src/domain/retention.ts';

describe('retentionCutoffs', () => {
  it('subtracts each window from now, as UTC instants', () => {
    const now = new Date('2026-03-31T12:00:00.000Z');
    expect(retentionCutoffs({ runs: '30d', delivered: '1w', abandonAfter: '90m' }, now)).toEqual({
      runsBefore: '2026-03-01T12:00:00.000Z',
      deliveredBefore: '2026-03-24T12:00:00.000Z',
      abandonedBefore: '2026-03-31T10:30:00.000Z',
      now: '2026-03-31T12:00:00.000Z',
    });
  });

  it('counts elapsed time: a day is 24 hours even across a DST change', () => {
    // Europe's clocks went forward on 2026-03-29; instants are unaffected.
    const now = new Date('2026-03-30T00:00:00.000Z');
    expect(retentionCutoffs({ runs: '2d', delivered: '36h', abandonAfter: '1h' }, now)).toMatchObject({
      runsBefore: '2026-03-28T00:00:00.000Z',
      deliveredBefore: '2026-03-28T12:00:00.000Z',
      abandonedBefore: '2026-03-29T23:00:00.000Z',
    });
  });

  it('rejects a window that is not a duration and an invalid now', () => {
    expect(() => retentionCutoffs({ runs: '30 days', delivered: '30d', abandonAfter: '1h' }, new Date())).toThrow(/not a duration: "30 days"/);
    expect(() => retentionCutoffs({ runs: '30d', delivered: '30d', abandonAfter: '1h' }, new Date('nope'))).toThrow(RangeError);
  });
});
