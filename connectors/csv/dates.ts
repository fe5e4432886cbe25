import { parseNumber, type NumberFormat } from './numbers.ts';
import type { DateFormat } from './schema.ts';

/**
 * Date cells read from bytes. A cell is a *local* date or wall time (no offset: it
 * means that date in the KPI's zone) or an *instant* (an offset, 'Z', or an epoch).
 * The difference matters for bucketing: a local date's period depends only on the
 * date, so it can be cached per date; an instant needs the zone's rules.
 */

/** A wall time in the KPI's zone. */
export const LOCAL = 1;
/** An exact instant. */
export const INSTANT = 2;
/** A date without a time: the whole day in the KPI's zone, however long its first hour. */
export const LOCAL_DATE = 3;

/** The parse result, reused from row to row so the hot loop allocates nothing. */
export class DateCell {
  /** LOCAL_DATE, LOCAL or INSTANT. */
  kind = 0;
  /** Local cells: year * 10000 + month * 100 + day. */
  dateKey = 0;
  /** Local cells: the wall time as if it were UTC, in ms. Instants: epoch ms. */
  ms = 0;
}

/** Fills `out` and returns true, or returns false when the field is not a date in this format. */
export type DateParser = (bytes: Uint8Array, start: number, end: number, out: DateCell) => boolean;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAY_MS = 86_400_000;
const EPOCH_FORMAT: NumberFormat = { decimal: 46, thousands: -1 };

function daysIn(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function digit(bytes: Uint8Array, i: number): number {
  const d = bytes[i]! - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

function digits(bytes: Uint8Array, i: number, count: number, end: number): number {
  if (i + count > end) return -1;
  let value = 0;
  for (let k = 0; k < count; k++) {
    const d = digit(bytes, i + k);
    if (d < 0) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** Reads optional 'HH:mm[:ss[.fff]]' at i; returns ms into the day, or -1. Sets `timeEnd`. */
let timeEnd = 0;
function readTime(bytes: Uint8Array, i: number, end: number): number {
  const hour = digits(bytes, i, 2, end);
  if (hour < 0 || hour > 23 || bytes[i + 2] !== 58) return -1;
  const minute = digits(bytes, i + 3, 2, end);
  if (minute < 0 || minute > 59) return -1;
  i += 5;
  let second = 0;
  let milli = 0;
  if (i < end && bytes[i] === 58) {
    second = digits(bytes, i + 1, 2, end);
    if (second < 0 || second > 59) return -1;
    i += 3;
    if (i < end && (bytes[i] === 46 || bytes[i] === 44)) {
      i++;
      let scale = 100;
      const from = i;
      for (; i < end && digit(bytes, i) >= 0; i++) {
        milli += digit(bytes, i) * scale;
        scale /= 10;
      }
      if (i === from || i - from > 9) return -1;
      milli = Math.floor(milli);
    }
  }
  timeEnd = i;
  return hour * 3_600_000 + minute * 60_000 + second * 1000 + milli;
}

function trimStart(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && bytes[start] === 32) start++;
  return start;
}

function trimEnd(bytes: Uint8Array, start: number, end: number): number {
  while (end > start && bytes[end - 1] === 32) end--;
  return end;
}

/** `timeMs` is -1 for a date without a time. */
function setLocal(out: DateCell, year: number, month: number, day: number, timeMs: number): boolean {
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  out.kind = timeMs < 0 ? LOCAL_DATE : LOCAL;
  if (timeMs < 0) timeMs = 0;
  out.dateKey = year * 10000 + month * 100 + day;
  out.ms = daysFromCivil(year, month, day) * DAY_MS + timeMs;
  return true;
}

/**
 * The last plain date read and its ms: files are mostly sorted, so most rows repeat it.
 * The ms are a pure function of the date, so concurrent reads may share this.
 */
let lastKey = -1;
let lastKeyMs = 0;

/** 'YYYY-MM-DD', optionally 'T' or ' ' and a time, optionally 'Z' or ±HH[:mm]. */
function parseIso(bytes: Uint8Array, start: number, end: number, out: DateCell): boolean {
  if (end - start === 10 && bytes[start + 4] === 45 && bytes[start + 7] === 45) {
    // The common plain 'YYYY-MM-DD', read without the general path's calls.
    const y0 = bytes[start]! - 48;
    const y1 = bytes[start + 1]! - 48;
    const y2 = bytes[start + 2]! - 48;
    const y3 = bytes[start + 3]! - 48;
    const m0 = bytes[start + 5]! - 48;
    const m1 = bytes[start + 6]! - 48;
    const d0 = bytes[start + 8]! - 48;
    const d1 = bytes[start + 9]! - 48;
    // `>>> 0` makes a negative difference huge, so one comparison per digit checks both ends.
    if (y0 >>> 0 > 9 || y1 >>> 0 > 9 || y2 >>> 0 > 9 || y3 >>> 0 > 9 || m0 >>> 0 > 9 || m1 >>> 0 > 9 || d0 >>> 0 > 9 || d1 >>> 0 > 9) return false;
    const key = (y0 * 1000 + y1 * 100 + y2 * 10 + y3) * 10000 + (m0 * 10 + m1) * 100 + d0 * 10 + d1;
    if (key !== lastKey) {
      if (!setLocal(out, y0 * 1000 + y1 * 100 + y2 * 10 + y3, m0 * 10 + m1, d0 * 10 + d1, -1)) return false;
      lastKey = key;
      lastKeyMs = out.ms;
      return true;
    }
    out.kind = LOCAL_DATE;
    out.dateKey = key;
    out.ms = lastKeyMs;
    return true;
  }
  return parseIsoGeneral(bytes, start, end, out);
}

/** Date-times, offsets, surrounding spaces, and everything that is not a date. Kept apart so the fast path above stays small enough to inline. */
function parseIsoGeneral(bytes: Uint8Array, start: number, end: number, out: DateCell): boolean {
  start = trimStart(bytes, start, end);
  end = trimEnd(bytes, start, end);
  const year = digits(bytes, start, 4, end);
  const month = digits(bytes, start + 5, 2, end);
  const day = digits(bytes, start + 8, 2, end);
  if (year < 0 || month < 0 || day < 0 || bytes[start + 4] !== 45 || bytes[start + 7] !== 45) return false;
  let i = start + 10;
  if (i === end) return setLocal(out, year, month, day, -1);
  const sep = bytes[i];
  if (sep !== 84 && sep !== 116 && sep !== 32) return false;
  const time = readTime(bytes, i + 1, end);
  if (time < 0 || !setLocal(out, year, month, day, time)) return false;
  i = timeEnd;
  if (i === end) return true;
  let offsetMin: number;
  const sign = bytes[i];
  if ((sign === 90 || sign === 122) && i + 1 === end) {
    offsetMin = 0;
  } else if (sign === 43 || sign === 45) {
    const oh = digits(bytes, i + 1, 2, end);
    if (oh < 0 || oh > 23) return false;
    i += 3;
    let om = 0;
    if (i < end) {
      if (bytes[i] === 58) i++;
      om = digits(bytes, i, 2, end);
      if (om < 0 || om > 59 || i + 2 !== end) return false;
    }
    offsetMin = (sign === 45 ? -1 : 1) * (oh * 60 + om);
  } else {
    return false;
  }
  out.kind = INSTANT;
  out.ms -= offsetMin * 60_000;
  return true;
}

/** d.M.yyyy, M/d/yyyy or d/M/yyyy (one or two digits for day and month), optionally ' HH:mm[:ss]'. */
function dayMonthYear(separator: number, monthFirst: boolean): DateParser {
  return (bytes, start, end, out) => {
    start = trimStart(bytes, start, end);
    end = trimEnd(bytes, start, end);
    let i = start;
    const parts = [0, 0];
    for (let p = 0; p < 2; p++) {
      const a = digit(bytes, i);
      if (a < 0) return false;
      const b = digit(bytes, i + 1);
      parts[p] = b >= 0 ? a * 10 + b : a;
      i += b >= 0 ? 2 : 1;
      if (bytes[i] !== separator) return false;
      i++;
    }
    const year = digits(bytes, i, 4, end);
    if (year < 0) return false;
    i += 4;
    const month = monthFirst ? parts[0]! : parts[1]!;
    const day = monthFirst ? parts[1]! : parts[0]!;
    if (i === end) return setLocal(out, year, month, day, -1);
    if (bytes[i] !== 32 && bytes[i] !== 84) return false;
    const time = readTime(bytes, i + 1, end);
    return time >= 0 && timeEnd === end && setLocal(out, year, month, day, time);
  };
}

function epoch(scale: number): DateParser {
  return (bytes, start, end, out) => {
    const value = parseNumber(bytes, start, end, EPOCH_FORMAT);
    if (!Number.isFinite(value)) return false;
    out.kind = INSTANT;
    out.ms = Math.round(value * scale);
    return true;
  };
}

export function dateParser(format: DateFormat): DateParser {
  switch (format) {
    case 'iso':
      return parseIso;
    case 'dd.MM.yyyy':
      return dayMonthYear(46, false);
    case 'dd/MM/yyyy':
      return dayMonthYear(47, false);
    case 'MM/dd/yyyy':
      return dayMonthYear(47, true);
    case 'epoch_s':
      return epoch(1000);
    case 'epoch_ms':
      return epoch(1);
  }
}
