import type { PushConfidence } from './push-payload.ts';

/**
 * Our confidence, on each platform's scale. A number is what the operator configured
 * on the KR (0..1) and is passed through where the platform takes a number.
 *
 * | ours      | Quantive (0..1) | Tability |
 * |-----------|-----------------|----------|
 * | achieved  | 1.0             | green    |
 * | on_track  | 0.8             | green    |
 * | at_risk   | 0.5             | yellow   |
 * | off_track | 0.2             | red      |
 * | n         | n               | n ≥ 0.7 green, n ≥ 0.5 yellow, else red |
 *
 * okr-tracker has no confidence; the http target sends ours unchanged.
 */

/**
 * Quantive's default confidence scale is 0.0 to 1.0 in steps of 0.1; an account may
 * relabel the steps (text, emoji) but the values stay
 * (https://help.gtmhub.com/en/articles/2920134-setting-up-confidence-level-labels).
 */
const QUANTIVE: Record<Exclude<PushConfidence, number>, number> = {
  achieved: 1,
  on_track: 0.8,
  at_risk: 0.5,
  off_track: 0.2,
};

export function quantiveConfidence(confidence: PushConfidence): number {
  return typeof confidence === 'number' ? confidence : QUANTIVE[confidence];
}

export type TabilityConfidence = 'green' | 'yellow' | 'red';

/**
 * Tability's check-ins take a colour, and it colours a check-in itself with the same
 * 70 % / 50 % cut-offs we apply to a configured number
 * (https://guides.tability.app/docs/features/check-ins/using-the-check-ins-api,
 * "Manually setting the confidence").
 */
const TABILITY: Record<Exclude<PushConfidence, number>, TabilityConfidence> = {
  achieved: 'green',
  on_track: 'green',
  at_risk: 'yellow',
  off_track: 'red',
};

export function tabilityConfidence(confidence: PushConfidence): TabilityConfidence {
  if (typeof confidence !== 'number') return TABILITY[confidence];
  if (confidence >= 0.7) return 'green';
  return confidence >= 0.5 ? 'yellow' : 'red';
}
