/**
 * Random CSV files and queries for the shared-scan equivalence test, from a seed:
 * every kind of cell the evaluator treats differently (bad and blank dates and
 * numbers, wrong-width rows, quoted fields across lines, spaces around filter
 * values, invalid UTF-8), every filter shape, aggregate and date format, and windows
 * in zones with DST, so a shared scan that departs from CsvEvaluator shows up.
 */
import type { TestContextOptions } from '../../helpers/connector-context.ts';

/** mulberry32: small, fast, and the same sequence everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Scenario {
  csv: Buffer;
  connection: Record<string, unknown>;
  queries: Array<{ query: Record<string, unknown>; context: TestContextOptions }>;
  chunkBytes: number;
  batchRows: number;
}

type Cell = string | Buffer;
type Column = { name: string; kind: 'date' | 'region' | 'channel' | 'amount' | 'customer' | 'note'; format?: DateFormat };
type DateFormat = 'iso' | 'dd.MM.yyyy' | 'MM/dd/yyyy' | 'dd/MM/yyyy' | 'epoch_s' | 'epoch_ms';

const FORMATS: DateFormat[] = ['iso', 'iso', 'iso', 'dd.MM.yyyy', 'MM/dd/yyyy', 'dd/MM/yyyy', 'epoch_s', 'epoch_ms'];
/** Near DST changes: Europe and US in March, Europe in October, Sydney in April, Chatham in September. */
const ANCHORS = ['2026-03-29', '2026-03-08', '2026-10-25', '2026-04-05', '2026-09-27', '2026-12-31'];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'America/Sao_Paulo', 'Pacific/Chatham'];
const INTERVALS = ['day', 'week', 'month', 'quarter'] as const;
const AGGREGATES = ['sum', 'avg', 'min', 'max', 'count', 'count_rows', 'count_distinct', 'last'] as const;
const REGIONS = [
  'EMEA',
  'AMER',
  'APAC',
  'LATAM',
  'NORDICS',
  'DACH',
  '',
  ' EMEA',
  'EMEA ',
  'emea',
  'a',
  'ab',
  'abc',
  'Ünï',
  'Enterprise plan',
  'Add-on: Audit log x',
  'x'.repeat(30),
  '5',
  '5.0',
  ' 5 ',
];
const CHANNELS = ['web', 'sales', 'partner', 'marketplace', '', 'Web', 'web ', 'w'];
const INVALID_UTF8 = Buffer.from([0x41, 0xff, 0x42]);
const SEPARATORS: Array<[string, string]> = [
  ['.', ''],
  ['.', ','],
  [',', '.'],
  [',', ' '],
  ['.', "'"],
  [',', ''],
];

export function scenario(seed: number): Scenario {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const chance = (p: number): boolean => random() < p;
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));

  const [decimal, thousands] = pick(SEPARATORS);
  const delimiter = pick([',', ';', '\t', '|']);
  const header = chance(0.75);
  const anchor = Date.parse(`${pick(ANCHORS)}T00:00:00Z`);
  const columns: Column[] = [
    { name: 'date', kind: 'date', format: pick(FORMATS) },
    { name: 'region', kind: 'region' },
    { name: 'channel', kind: 'channel' },
    { name: 'amount', kind: 'amount' },
    { name: 'customer', kind: 'customer' },
  ];
  if (chance(0.5)) columns.push({ name: 'note', kind: 'note' });
  if (chance(0.3)) columns.push({ name: 'booked', kind: 'date', format: pick(FORMATS) });
  columns.sort(() => random() - 0.5);

  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const dateCell = (format: DateFormat, ms: number): Cell => {
    if (chance(0.04)) return pick(['', ' ', 'n/a', '2026-02-30', '31.02.2026', 'x'.repeat(200), '2026-13-01', '12/40/2026']);
    if (chance(0.05)) format = pick(FORMATS);
    const d = new Date(ms);
    const [y, mo, da, h, mi, s, msec] = [
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    ];
    const time = chance(0.5) ? '' : ` ${pad(h)}:${pad(mi)}${chance(0.5) ? `:${pad(s)}${chance(0.3) ? `.${pad(msec, 3)}` : ''}` : ''}`;
    switch (format) {
      case 'iso': {
        const day = `${y}-${pad(mo)}-${pad(da)}`;
        if (time === '') return chance(0.1) ? ` ${day} ` : day;
        const withT = `${day}${chance(0.5) ? 'T' : ' '}${time.trim()}`;
        return chance(0.4) ? `${withT}${pick(['Z', '+02:00', '-05:00', '+0530', '+13'])}` : withT;
      }
      case 'dd.MM.yyyy':
        return `${chance(0.3) ? da : pad(da)}.${pad(mo)}.${y}${time}`;
      case 'MM/dd/yyyy':
        return `${chance(0.3) ? mo : pad(mo)}/${pad(da)}/${y}${time}`;
      case 'dd/MM/yyyy':
        return `${pad(da)}/${chance(0.3) ? mo : pad(mo)}/${y}${time}`;
      case 'epoch_s':
        return chance(0.2) ? (ms / 1000 + 0.25).toString() : String(Math.floor(ms / 1000));
      case 'epoch_ms':
        return String(ms);
    }
  };
  const numberText = (value: number, digits: number): string => {
    const [whole, fraction] = Math.abs(value).toFixed(digits).split('.');
    const grouped = thousands && chance(0.5) ? whole!.replace(/\B(?=(\d{3})+(?!\d))/g, thousands) : whole!;
    return `${value < 0 ? '-' : chance(0.05) ? '+' : ''}${grouped}${fraction ? decimal + fraction : ''}`;
  };
  const amountCell = (): Cell => {
    const r = random();
    if (r < 0.06) return pick(['', '  ', '\t']);
    if (r < 0.1)
      return pick(['n/a', '12abc', '1.2.3', '-', 'z'.repeat(170), '1,234.56', '1.234,56', "1'234.5", '1 234,5', '1e3', '12345678901234567890', ' 42 ', '0']);
    if (r < 0.12) return INVALID_UTF8;
    return numberText((random() - 0.3) * 10 ** int(0, 7), int(0, 3));
  };
  const cell = (column: Column, ms: number): Cell => {
    switch (column.kind) {
      case 'date':
        return dateCell(column.format!, ms);
      case 'region':
        return chance(0.03) ? INVALID_UTF8 : pick(REGIONS);
      case 'channel':
        return pick(CHANNELS);
      case 'amount':
        return amountCell();
      case 'customer':
        return chance(0.06) ? pick(['', ' ', '\t']) : `${chance(0.1) ? ' ' : ''}C${int(1, 25)}${chance(0.05) ? '\t' : ''}`;
      case 'note':
        return pick(['', 'plain', `has${delimiter}delimiter`, 'say "hi"', 'two\nlines', 'crlf\r\ninside', '"', 'ünïcode']);
    }
  };
  const quoteIfNeeded = (value: Cell): Buffer => {
    if (Buffer.isBuffer(value)) return value;
    const needs = value.includes(delimiter) || value.includes('"') || value.includes('\n') || value.includes('\r') || chance(0.03);
    return Buffer.from(needs ? `"${value.replaceAll('"', '""')}"` : value, 'utf8');
  };

  const eol = chance(0.3) ? '\r\n' : '\n';
  const lines: Buffer[] = [];
  if (header) lines.push(Buffer.from(columns.map((c) => c.name).join(delimiter)));
  const rows = chance(0.05) ? 0 : int(1, 300);
  const sorted = chance(0.6);
  let ms = anchor - 40 * 86_400_000;
  for (let k = 0; k < rows; k++) {
    ms = sorted ? ms + int(0, 1) * int(0, 30 * 3_600_000) : anchor + int(-45 * 24, 45 * 24) * 3_600_000 + int(0, 3_599_999);
    const late = sorted && chance(0.05) ? int(1, 3) * 86_400_000 : 0;
    let cells = columns.map((c) => quoteIfNeeded(cell(c, ms - late)));
    if (chance(0.03)) cells = chance(0.5) ? cells.slice(0, -1) : [...cells, Buffer.from('extra')];
    if (chance(0.02)) lines.push(Buffer.alloc(0));
    lines.push(Buffer.concat(cells.flatMap((c, i) => (i === 0 ? [c] : [Buffer.from(delimiter), c]))));
  }
  if (chance(0.05)) lines.push(Buffer.from(`x${delimiter}"unclosed`));
  let csv = Buffer.concat(lines.flatMap((line, i) => (i === lines.length - 1 && chance(0.3) ? [line] : [line, Buffer.from(eol)])));
  if (chance(0.1)) csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), csv]);
  if (chance(0.03)) csv = Buffer.alloc(0);

  const ref = (column: Column | string): string | number => {
    if (typeof column === 'string') return header ? column : 99;
    const position = columns.indexOf(column) + 1;
    if (!header || chance(0.2)) return position;
    return chance(0.1) ? ` ${column.name.toUpperCase()} ` : column.name;
  };
  const byKind = (kind: Column['kind']): Column => columns.find((c) => c.kind === kind)!;
  const filter = (): Record<string, unknown> => {
    const region = { column: ref(byKind('region')) };
    switch (int(0, 11)) {
      case 0:
        return { ...region, equals: pick([...REGIONS, 'ZZZ']) };
      case 1:
        return { ...region, in: Array.from({ length: int(1, 12) }, () => pick([...REGIONS, 'Missing value', 'Q'])) };
      case 2:
        return { column: ref(byKind('channel')), notEquals: pick(CHANNELS) };
      case 3:
        return { column: ref(byKind('channel')), in: Array.from({ length: int(1, 3) }, () => pick(CHANNELS)) };
      case 4:
        return { ...region, ...pick([{ equals: 5 }, { in: ['EMEA', 5] }, { notEquals: 5 }]) };
      case 5:
        return { column: ref(byKind('amount')), ...pick([{ min: int(-100, 100) }, { max: int(-100, 1000) }, { min: -50, max: 5000 }]) };
      case 6:
        return { column: ref(byKind('amount')), equals: pick(['n/a', '', '0', 0]) };
      case 7:
        return { ...region, equals: 'EMEA', notEquals: pick(['AMER', 'EMEA']) };
      case 8:
        return { ...region, equals: '5', min: 1 };
      case 9:
        return { ...region, in: ['\uFFFD', 'A\uFFFDB', 'EMEA'] };
      case 10:
        return { column: ref(byKind('date')), equals: pick(['', 'n/a', '2026-03-29']) };
      default:
        return { column: ref(byKind('customer')), in: ['C1', 'C2', 'C3', ' C4'] };
    }
  };
  const query = (): Record<string, unknown> => {
    const aggregate = pick(AGGREGATES);
    const dateColumn = pick(columns.filter((c) => c.kind === 'date'));
    const date = chance(0.8) ? { column: chance(0.03) ? ref('nope') : ref(dateColumn), format: chance(0.85) ? dateColumn.format : pick(FORMATS) } : undefined;
    const valueKind =
      aggregate === 'count_distinct' ? pick(['customer', 'region', 'amount'] as const) : chance(0.9) ? 'amount' : pick(['region', 'customer', 'date'] as const);
    const column = aggregate === 'count_rows' && chance(0.6) ? undefined : ref(byKind(valueKind));
    return {
      ...(date ? { date } : {}),
      value: { ...(column === undefined ? {} : { column }), aggregate },
      filter: Array.from({ length: pick([0, 0, 1, 1, 1, 2, 3]) }, filter),
    };
  };
  const context = (): TestContextOptions => {
    const options = { timeZone: pick(ZONES), interval: pick(INTERVALS) };
    const day = (offset: number): string => new Date(anchor + offset * 86_400_000).toISOString().slice(0, 10);
    if (chance(0.4)) return { ...options, at: new Date(anchor + int(-40, 40) * 86_400_000 + int(0, 86_399_999)).toISOString() };
    const start = int(-60, 20);
    return { ...options, span: { start: day(start), end: day(start + int(1, 90)) } };
  };

  return {
    csv,
    connection: { path: 'data.csv', delimiter, header, decimal, thousands },
    queries: Array.from({ length: int(2, 14) }, () => ({ query: query(), context: context() })),
    chunkBytes: pick([7, 64, 1000, 512 * 1024]),
    batchRows: pick([1, 3, 17, 64, 4096]),
  };
}
