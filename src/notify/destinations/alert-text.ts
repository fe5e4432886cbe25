import type { Band, HealthState } from '../../domain/types.ts';
import { edgeCrossed, type AlertEvent } from '../alert-event.ts';

/**
 * The words and figures people read in an alert (Slack message, PagerDuty summary),
 * written once so every destination says the same thing the same way. Pure.
 * Numbers are formatted in en-US so a message does not change with the host's locale.
 */

const EMOJI: Record<HealthState, string> = { critical: '🔴', warn: '🟠', ok: '🟢', no_data: '⚪' };
const STATE_WORDS: Record<HealthState, string> = { critical: 'critical', warn: 'warn', ok: 'ok', no_data: 'no data' };
const SPARKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
/** Units written straight after the number ("4.2%"); every other unit follows a space ("1,200 USD"). */
const TIGHT_UNITS = new Set(['%', '‰', '×', 'x']);

export function stateEmoji(state: HealthState): string {
  return EMOJI[state];
}

export function stateWords(state: HealthState): string {
  return STATE_WORDS[state];
}

/** Readable figures: grouping, at most 2 decimals, but 3 significant digits for small magnitudes (0.00123). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const options: Intl.NumberFormatOptions = abs !== 0 && abs < 1 ? { maximumSignificantDigits: 3 } : { maximumFractionDigits: 2 };
  return new Intl.NumberFormat('en-US', options).format(value);
}

export function formatValue(value: number, unit?: string): string {
  const text = formatNumber(value);
  if (!unit) return text;
  return TIGHT_UNITS.has(unit) ? `${text}${unit}` : `${text} ${unit}`;
}

/**
 * The band as a person says it: the healthy range first, then where critical starts
 * when there is a separate warn band. `2–4% (critical below 1% or above 5%)`.
 */
export function bandText(band: Band, unit?: string): string {
  const lo = band.warnMin ?? band.min;
  const hi = band.warnMax ?? band.max;
  const v = (n: number) => formatValue(n, unit);
  let healthy: string;
  if (lo !== undefined && hi !== undefined) healthy = `${formatNumber(lo)}–${v(hi)}`;
  else if (lo !== undefined) healthy = `≥ ${v(lo)}`;
  else if (hi !== undefined) healthy = `≤ ${v(hi)}`;
  else healthy = 'any value';
  const critical: string[] = [];
  if (band.min !== undefined && band.warnMin !== undefined) critical.push(`below ${v(band.min)}`);
  if (band.max !== undefined && band.warnMax !== undefined) critical.push(`above ${v(band.max)}`);
  return critical.length > 0 ? `${healthy} (critical ${critical.join(' or ')})` : healthy;
}

/** `2.2% above max 5%`, or undefined when the value is inside the band or unknown. */
export function distanceText(event: AlertEvent): string | undefined {
  if (event.value === undefined || event.band === undefined || !event.distance) return undefined;
  const edge = edgeCrossed(event.band, event.value);
  if (edge === undefined) return undefined;
  const unit = event.kpi.unit;
  const at = event.band[edge] as number;
  const side = edge === 'min' || edge === 'warnMin' ? 'below' : 'above';
  const name = { min: 'min', max: 'max', warnMin: 'warn min', warnMax: 'warn max' }[edge];
  return `${formatValue(event.distance, unit)} ${side} ${name} ${formatValue(at, unit)}`;
}

/** One line that says what happened: `Churn rate is critical: 7.2% (was warn)`. */
export function headline(event: AlertEvent): string {
  if (event.type === 'alert.test') return `Test alert from kpi-sync on ${event.host ?? 'an unnamed host'}`;
  const name = event.kpi.name;
  if (event.type === 'quality.failed') return `${name}: a sync was refused by its data quality gate`;
  const still = event.type === 'health.repeat' ? 'still ' : '';
  const value = event.value === undefined ? '' : `: ${formatValue(event.value, event.kpi.unit)}`;
  const was = event.type === 'health.repeat' || event.from === event.to ? '' : ` (was ${stateWords(event.from)})`;
  if (event.to === 'no_data') return `${name} ${still ? 'still has' : 'has'} no data${was}`;
  if (event.to === 'ok') return `${name} is back to ok${value}${was}`;
  return `${name} is ${still}${stateWords(event.to)}${value}${was}`;
}

/** `▁▂▄▆█` from the last `count` values, scaled between their own min and max (flat when all are equal). */
export function sparkline(values: readonly number[], count = 6): string {
  const recent = values.filter(Number.isFinite).slice(-count);
  if (recent.length === 0) return '';
  const lo = Math.min(...recent);
  const hi = Math.max(...recent);
  if (hi === lo) return SPARKS[3].repeat(recent.length);
  const top = SPARKS.length - 1;
  return recent.map((v) => SPARKS[Math.round(((v - lo) / (hi - lo)) * top)]).join('');
}

/** Cuts text to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
