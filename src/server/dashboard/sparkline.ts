import type { Band } from '../../domain/types.ts';
import { html, type SafeHtml } from './html.ts';

const WIDTH = 240;
const HEIGHT = 56;
const PAD = 5;

const fixed = (n: number) => Number(n.toFixed(2));

type Tone = 'ok' | 'warn' | 'critical';

/** The band as value ranges with the health each one means, lowest first. */
export function bandZones(band: Band | undefined): { lo: number; hi: number; tone: Tone }[] {
  if (!band) return [];
  const { min, max, warnMin, warnMax } = band;
  const okLo = warnMin ?? min ?? -Infinity;
  const okHi = warnMax ?? max ?? Infinity;
  const zones: { lo: number; hi: number; tone: Tone }[] = [];
  if (min !== undefined) zones.push({ lo: -Infinity, hi: min, tone: 'critical' });
  if (warnMin !== undefined) zones.push({ lo: min ?? -Infinity, hi: warnMin, tone: 'warn' });
  zones.push({ lo: okLo, hi: okHi, tone: 'ok' });
  if (warnMax !== undefined) zones.push({ lo: warnMax, hi: max ?? Infinity, tone: 'warn' });
  if (max !== undefined) zones.push({ lo: max, hi: Infinity, tone: 'critical' });
  return zones;
}

/**
 * An inline SVG line of recent values, oldest on the left, scaled to their own range
 * (so small movements show); the band's zones are tinted in their health colours
 * where they cross that range, and the latest value is a dot in the health colour.
 */
export function sparkline(values: readonly number[], options: { band?: Band; label: string; health: string }): SafeHtml {
  if (values.length === 0) return html`<div class="spark spark-empty">No data yet</div>`;
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
  }
  const x = (i: number) => (values.length === 1 ? WIDTH / 2 : PAD + (i * (WIDTH - 2 * PAD)) / (values.length - 1));
  const y = (v: number) => PAD + ((max - v) * (HEIGHT - 2 * PAD)) / (max - min);
  const coords = values.map((v, i) => `${fixed(x(i))},${fixed(y(v))}`);

  // The band's zones, tinted where they cross the values' range, so a glance shows how close to an edge the line runs.
  const clampY = (v: number) => Math.max(0, Math.min(HEIGHT, y(v)));
  const shades = bandZones(options.band)
    .map((zone) => ({ tone: zone.tone, top: clampY(zone.hi), bottom: clampY(zone.lo) }))
    .filter((zone) => zone.bottom - zone.top > 0.5)
    .map((zone) => html`<rect class="spark-zone zone-${zone.tone}" x="0" y="${fixed(zone.top)}" width="${WIDTH}" height="${fixed(zone.bottom - zone.top)}"/>`);
  const last = values.length - 1;
  const area = `${fixed(x(0))},${HEIGHT} ${coords.join(' ')} ${fixed(x(last))},${HEIGHT}`;
  return html`<svg class="spark" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${options.label}" data-points="${values.length}">
    <title>${options.label}</title>${shades}
    <polygon class="spark-area" points="${area}"/>
    <polyline class="spark-line" points="${coords.join(' ')}"/>
    <circle class="spark-dot health-${options.health}" cx="${fixed(x(last))}" cy="${fixed(y(values[last]!))}" r="3.2"/>
  </svg>`;
}
