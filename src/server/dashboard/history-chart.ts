import { formatPeriod, formatValue } from '../../app/format.ts';
import type { PointView } from '../../app/read-model.ts';
import { classify } from '../../domain/health.ts';
import { periodEnd, periodStart } from '../../domain/periods.ts';
import type { Band, Interval } from '../../domain/types.ts';
import { html, type SafeHtml } from './html.ts';
import { bandZones } from './sparkline.ts';

const WIDTH = 960;
const HEIGHT = 300;
const LEFT = 70;
const RIGHT = 14;
const TOP = 12;
const BOTTOM = 30;

const fixed = (n: number) => Number(n.toFixed(2));
const numberLabel = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, notation: 'compact' });

export interface HistoryChartInput {
  points: readonly PointView[];
  interval: Interval;
  timezone: string;
  unit?: string | undefined;
  band?: Band | undefined;
  /** The x axis runs from the first period of the range to its last, so missing periods show as gaps. */
  first?: string | undefined;
  last?: string | undefined;
  /** The period health judges, marked on the axis. */
  judged?: string | undefined;
  label: string;
}

/** A step of 1, 2 or 5 × 10^n that cuts `span` into about `count` parts. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * magnitude >= raw)! * magnitude;
  return step;
}

/**
 * The KPI page's chart, as inline SVG: the band's zones (critical, warn, ok) as shaded
 * areas over the whole value range they cover, so where the line sits relative to an edge
 * is plain even when every value is healthy; the stored values as points coloured by the
 * zone they fall in (hollow when approximate), joined where periods follow each other and
 * broken where one is missing. Values and band edges both set the vertical scale.
 */
export function historyChart(input: HistoryChartInput): SafeHtml {
  const { points, interval, timezone: zone } = input;
  if (points.length === 0) return html`<div class="chart-empty" data-points="0">No datapoints stored in this range.</div>`;
  const zones = bandZones(input.band);
  const edges = zones.flatMap((z) => [z.lo, z.hi]).filter(Number.isFinite);
  let lo = Math.min(...points.map((p) => p.value), ...edges);
  let hi = Math.max(...points.map((p) => p.value), ...edges);
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1;
  lo -= pad;
  hi += pad;
  const y = (v: number) => TOP + ((hi - v) * (HEIGHT - TOP - BOTTOM)) / (hi - lo);
  const clampY = (v: number) => Math.max(TOP, Math.min(HEIGHT - BOTTOM, y(v)));

  const start = Date.parse(input.first ?? points[0]!.period);
  const end = Math.max(Date.parse(input.last ?? points.at(-1)!.period), start);
  const x = (period: string) => (end === start ? (LEFT + WIDTH - RIGHT) / 2 : LEFT + ((Date.parse(period) - start) * (WIDTH - LEFT - RIGHT)) / (end - start));

  // The health each value alone would get (no hysteresis, no run length): the zone it sits in, edges counted as the domain counts them.
  const zoneOf = (value: number) => (input.band ? classify(input.band, value) : 'none');
  const shades = zones
    .map((zone) => ({ zone, top: clampY(zone.hi), bottom: clampY(zone.lo) }))
    .filter((s) => s.bottom - s.top > 0.5)
    .map(
      ({ zone, top, bottom }) =>
        html`<rect class="zone zone-${zone.tone}" data-zone="${zone.tone}" data-lo="${Number.isFinite(zone.lo) ? zone.lo : ''}" data-hi="${Number.isFinite(zone.hi) ? zone.hi : ''}" x="${LEFT}" y="${fixed(top)}" width="${WIDTH - LEFT - RIGHT}" height="${fixed(bottom - top)}"/>`,
    );
  const edgeLines = [...new Set(edges)].map(
    (v) =>
      html`<line class="band-edge" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${fixed(y(v))}" y2="${fixed(y(v))}"><title>Band edge ${formatValue(v, input.unit)}</title></line>`,
  );

  const step = niceStep(hi - lo, 5);
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) ticks.push(Number(v.toPrecision(12)));
  const yAxis = ticks.map(
    (v) =>
      html`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${fixed(y(v))}" y2="${fixed(y(v))}"/><text class="tick" x="${LEFT - 8}" y="${fixed(y(v) + 4)}" text-anchor="end">${numberLabel.format(v)}</text>`,
  );
  // About six period labels, evenly spaced in time, each on the start of its period.
  const labels = new Map<string, string>();
  for (let k = 0; k <= 5; k++) {
    const period = periodStart(start + ((end - start) * k) / 5, interval, zone);
    const point = points.find((p) => Date.parse(p.period) === Date.parse(period));
    labels.set(period, point?.label ?? formatPeriod(period, interval, zone));
  }
  // A label at the right edge ends there instead of being cut in half.
  const anchor = (at: number) => (at > WIDTH - RIGHT - 30 ? 'end' : 'middle');
  const xAxis = [...labels].map(
    ([period, label]) => html`<text class="tick" x="${fixed(x(period))}" y="${HEIGHT - 10}" text-anchor="${anchor(x(period))}">${label}</text>`,
  );

  // Join neighbours only: a period with no datapoint is a gap, not a straight line across it.
  const runs: string[][] = [];
  points.forEach((p, i) => {
    const previous = points[i - 1];
    const follows = previous !== undefined && Date.parse(periodEnd(previous.period, interval, zone)) === Date.parse(p.period);
    if (!follows) runs.push([]);
    runs.at(-1)!.push(`${fixed(x(p.period))},${fixed(y(p.value))}`);
  });
  const lines = runs.filter((r) => r.length > 1).map((r) => html`<polyline class="history-line" points="${r.join(' ')}"/>`);
  const dots = points.map(
    (p) =>
      html`<circle class="point point-${zoneOf(p.value)}${p.approximate ? ' point-approx' : ''}" data-period="${p.label}" data-value="${p.value}" cx="${fixed(x(p.period))}" cy="${fixed(y(p.value))}" r="4"><title>${p.label}: ${p.display}${p.approximate ? ' (approximate)' : ''}</title></circle>`,
  );
  const judged =
    input.judged !== undefined && Date.parse(input.judged) >= start && Date.parse(input.judged) <= end
      ? html`<line class="judged-mark" x1="${fixed(x(input.judged))}" x2="${fixed(x(input.judged))}" y1="${TOP}" y2="${HEIGHT - BOTTOM}"><title>The period health judges</title></line>`
      : '';

  return html`<svg class="history-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${input.label}" data-points="${points.length}">
    <title>${input.label}</title>
    ${shades}${yAxis}${edgeLines}${judged}
    <line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${HEIGHT - BOTTOM}" y2="${HEIGHT - BOTTOM}"/>
    ${xAxis}${lines}${dots}
  </svg>`;
}
