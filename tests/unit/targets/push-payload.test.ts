import { describe, expect, it } from 'vitest';
import { quantiveConfidence, tabilityConfidence } from '../../../src/notify/targets/confidence.ts';
import { createDeliverers, parsePayload } from '../../../src/notify/deliverers.ts';
import { targetConfigSchema } from '../../../src/notify/targets/target-schemas.ts';
import { KsError } from '../../../src/sdk/errors.ts';
import { nrrMay } from '../../fixtures/targets/push-payloads.ts';

describe('push payload', () => {
  it('reads a payload back from the outbox as it was written', () => {
    expect(parsePayload(JSON.parse(JSON.stringify(nrrMay)))).toEqual(nrrMay);
    expect(parsePayload({ ...nrrMay, confidence: 0.3, runId: undefined })).toMatchObject({ confidence: 0.3 });
  });

  it('refuses anything else with a KS_ERR_INTERNAL naming the field', () => {
    const attempt = (payload: unknown) => () => parsePayload(payload);
    expect(attempt({ ...nrrMay, checkInDate: '2026-06-01T00:00:00Z' })).toThrow('the outbox entry is not a KR push: checkInDate: YYYY-MM-DD');
    expect(attempt({ ...nrrMay, progress: 1.4 })).toThrow(/progress/);
    expect(attempt({ ...nrrMay, confidence: 'maybe' })).toThrow(/confidence/);
    expect(attempt({ ...nrrMay, value: Number.NaN })).toThrow(/value/);
    expect(attempt({ id: 'evt_1', type: 'health.transition' })).toThrow(KsError);
    try {
      parsePayload(null);
    } catch (error) {
      expect((error as KsError).code).toBe('KS_ERR_INTERNAL');
    }
  });

  it('gives the dispatcher one deliverer per target, which refuses a malformed payload before any request', async () => {
    const configs = [
      targetConfigSchema.parse({ kind: 'quantive', name: 'quantive', token: 'tok-123456', accountId: 'acc', baseUrl: 'http://127.0.0.1:9' }),
      targetConfigSchema.parse({
        kind: 'tability',
        name: 'tability',
        remoteCheckinsToken: 'rct-123456',
        personalApiToken: 'pat-123456',
        baseUrl: 'http://127.0.0.1:9',
      }),
    ];
    const deliverers = createDeliverers({ destinations: [], targets: configs });
    expect([...deliverers.keys()]).toEqual(['quantive', 'tability']);
    await expect(deliverers.get('quantive')?.deliver({ kr: 'x' }, { number: 1, signal: new AbortController().signal })).rejects.toThrow(
      'the outbox entry is not a KR push',
    );
  });
});

describe('confidence mapping', () => {
  it("puts our labels on Quantive's 0..1 scale and passes a configured number through", () => {
    expect(['achieved', 'on_track', 'at_risk', 'off_track'].map((c) => quantiveConfidence(c as 'on_track'))).toEqual([1, 0.8, 0.5, 0.2]);
    expect(quantiveConfidence(0.35)).toBe(0.35);
  });

  it("puts our labels and numbers on Tability's colours with its 70 % / 50 % cut-offs", () => {
    expect(['achieved', 'on_track', 'at_risk', 'off_track'].map((c) => tabilityConfidence(c as 'on_track'))).toEqual(['green', 'green', 'yellow', 'red']);
    expect([1, 0.7, 0.69, 0.5, 0.49, 0].map(tabilityConfidence)).toEqual(['green', 'green', 'yellow', 'yellow', 'red', 'red']);
  });
});
