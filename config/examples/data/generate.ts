/**
 * Writes the example config's sample CSVs: `node config/examples/data/generate.ts`.
 *
 * The data is made up but tells one consistent story, so the quick start shows every
 * health state and KR track: MRR grows steadily; churn breached its band in the
 * summer of 2026 and is being brought down (the reduce_churn objective); LTV/CAC
 * drifts from under-investing back into its optimum band; open critical bugs fall
 * from 12 in October 2026; NPS climbs slowly from 32.
 *
 * Rows run from 2025 to the end of 2028 so the example keeps syncing real values
 * for years without regeneration (a `last` aggregate over the current month simply
 * reads that month's rows). A seeded generator keeps the output byte-identical on
 * every run, so regenerating shows no diff unless the story changes.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const HERE = import.meta.dirname;
const FIRST = Date.UTC(2025, 0, 1);
const LAST = Date.UTC(2028, 11, 31);
const DAY = 86_400_000;

/** mulberry32: tiny, seeded, good enough for plausible noise. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Months since 2025-01 (0 for January 2025), fractional within the month. */
const monthIndex = (ms: number) => {
  const d = new Date(ms);
  return (d.getUTCFullYear() - 2025) * 12 + d.getUTCMonth() + (d.getUTCDate() - 1) / 31;
};
/** Linear interpolation through [monthIndex, value] points, flat beyond the ends. */
function curve(points: ReadonlyArray<readonly [number, number]>): (m: number) => number {
  return (m) => {
    if (m <= points[0]![0]) return points[0]![1];
    for (let i = 1; i < points.length; i++) {
      const [m1, v1] = points[i]!;
      const [m0, v0] = points[i - 1]!;
      if (m <= m1) return v0 + ((v1 - v0) * (m - m0)) / (m1 - m0);
    }
    return points.at(-1)![1];
  };
}

function* days(): Generator<number> {
  for (let t = FIRST; t <= LAST; t += DAY) yield t;
}
function* monthStarts(): Generator<number> {
  for (let y = 2025; y <= 2028; y++) for (let m = 0; m < 12; m++) yield Date.UTC(y, m, 1);
}

function write(file: string, header: string, rows: string[]): void {
  writeFileSync(path.join(HERE, file), `${header}\n${rows.join('\n')}\n`);
  console.log(`${file}: ${rows.length} rows`);
}

function mrr(): void {
  const random = seeded(1);
  // 28k in January 2025, through the 30k critical edge and the 40k warning edge, to ~90k by 2028.
  const trend = curve([
    [0, 28_000],
    [6, 33_500],
    [12, 38_000],
    [18, 42_500],
    [22, 46_000],
    [36, 62_000],
    [47, 88_000],
  ]);
  const rows: string[] = [];
  for (const t of days()) rows.push(`${isoDate(t)},${Math.round(trend(monthIndex(t)) * (1 + (random() - 0.5) * 0.01))}`);
  write('mrr.csv', 'date,mrr_usd', rows);
}

function signups(): void {
  const random = seeded(2);
  const channels: Array<[string, number]> = [
    ['organic', 9],
    ['paid', 6],
    ['partner', 2],
    ['internal', 3],
  ];
  const rows: string[] = [];
  for (const t of days()) {
    const weekend = [0, 6].includes(new Date(t).getUTCDay());
    const growth = 1 + monthIndex(t) / 48;
    for (const [channel, mean] of channels) {
      // `internal` rows are staff test accounts: the KPI's filter leaves them out.
      const n = Math.max(0, Math.round(mean * growth * (weekend ? 0.45 : 1) * (0.6 + random() * 0.8)));
      rows.push(`${isoDate(t)},${channel},${n}`);
    }
  }
  write('signups.csv', 'date,channel,signups', rows);
}

function churn(): void {
  const random = seeded(3);
  // Healthy through 2025, over the 7.5% band in mid-2026 (8.1% when the KR starts), then down.
  const trend = curve([
    [0, 5.2],
    [12, 5.8],
    [16, 6.6],
    [18, 7.8],
    [20, 8.3],
    [21, 8.1],
    [22, 6.9],
    [24, 5.4],
    [30, 4.6],
    [47, 4.2],
  ]);
  const rows: string[] = [];
  for (const t of monthStarts()) rows.push(`${isoDate(t)},${(trend(monthIndex(t)) + (random() - 0.5) * 0.2).toFixed(2)}`);
  write('churn.csv', 'month,churn_rate_pct', rows);
}

function unitEconomics(): void {
  const random = seeded(4);
  // LTV/CAC above 4 in 2025 (under-investing in growth), into the 2.5–4 optimum from late 2026.
  const ltv = curve([
    [0, 2_400],
    [24, 2_900],
    [47, 3_600],
  ]);
  const cac = curve([
    [0, 480],
    [12, 560],
    [18, 700],
    [22, 880],
    [24, 930],
    [47, 1_100],
  ]);
  const rows: string[] = [];
  for (const t of monthStarts()) {
    const m = monthIndex(t);
    rows.push(`${isoDate(t)},${Math.round(ltv(m) * (1 + (random() - 0.5) * 0.03))},${Math.round(cac(m) * (1 + (random() - 0.5) * 0.04))}`);
  }
  write('unit-economics.csv', 'month,ltv_usd,cac_usd', rows);
}

function bugs(): void {
  const random = seeded(5);
  // Critical bugs pile up to 12 by October 2026 (the KR's start), then the team burns them down.
  const critical = curve([
    [0, 4],
    [12, 6],
    [18, 9],
    [21, 12],
    [22.7, 5],
    [24, 2],
    [47, 1],
  ]);
  const rows: string[] = [];
  for (const t of days()) {
    const m = monthIndex(t);
    rows.push(`${isoDate(t)},critical,${Math.max(0, Math.round(critical(m) + (random() - 0.5) * 1.2))}`);
    rows.push(`${isoDate(t)},major,${Math.round(20 + 6 * Math.sin(m) + random() * 4)}`);
    rows.push(`${isoDate(t)},minor,${Math.round(55 + 10 * Math.cos(m / 2) + random() * 8)}`);
  }
  write('bugs.csv', 'date,severity,open_count', rows);
}

function nps(): void {
  const random = seeded(6);
  // Weekly survey scores: a dip to the 20s in 2025, 32 when the KR starts, rising after.
  const trend = curve([
    [0, 29],
    [6, 24],
    [12, 28],
    [21, 32],
    [23, 37],
    [30, 44],
    [47, 50],
  ]);
  const rows: string[] = [];
  // Surveys go out on Mondays; 2024-12-30 is the Monday of 2025's first ISO week.
  for (let t = Date.UTC(2024, 11, 30); t <= LAST; t += 7 * DAY) {
    rows.push(`${isoDate(t)},${(trend(monthIndex(t)) + (random() - 0.5) * 6).toFixed(1)}`);
  }
  write('nps.csv', 'week_of,nps', rows);
}

mrr();
signups();
churn();
unitEconomics();
bugs();
nps();
