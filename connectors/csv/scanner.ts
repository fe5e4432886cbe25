/**
 * A byte-level CSV scanner (RFC 4180 plus the usual exports: CRLF or LF, a UTF-8
 * BOM, quotes that only matter at the start of a field). It is fed Buffers and
 * reports each record as field offsets into a byte array, so callers decode only
 * the few fields they need: creating a string per field is what makes general CSV
 * parsers slow.
 *
 * Unquoted lines (the bulk of real files) take a fast path: one byte loop finds the
 * delimiters and the newline, and offsets point straight into the chunk.
 * Lines with a quote byte take a careful path that unescapes in place and may
 * continue across chunk boundaries (a quoted newline in a 1-byte chunk is
 * fine). An unclosed quote costs one reported line, not the rest of the file.
 */

import { readQuotedRecord, RecordFields } from './quoted.ts';

/**
 * One record. `bytes` and the offset arrays are only valid during the call (they are
 * reused, and quoted fields are unescaped in place), so copy whatever you keep. Field
 * `k` is `bytes[starts[k], ends[k])`, already unquoted; `line` is the 1-based physical
 * line the record starts on.
 */
export type RecordHandler = (bytes: Buffer, starts: Int32Array, ends: Int32Array, fieldCount: number, line: number) => void;

/** A line that could not be read as a record at all (an unclosed quote, a runaway line). */
export type MalformedHandler = (line: number, reason: string) => void;

export interface ScannerOptions {
  /** Delimiter byte, e.g. 0x2c for ','. */
  delimiter: number;
  /** Quote byte, e.g. 0x22 for '"'. */
  quote: number;
  /** Longest record in bytes before it is given up as malformed. Default 8 MiB. */
  maxRecordBytes?: number;
}

const LF = 10;
const CR = 13;
const DEFAULT_MAX_RECORD = 8 * 1024 * 1024;

export class CsvScanner {
  private readonly delimiter: number;
  private readonly quote: number;
  private readonly maxRecordBytes: number;
  private readonly onRecord: RecordHandler;
  private readonly onMalformed: MalformedHandler;
  private readonly fields = new RecordFields();
  /** Bytes of an unfinished record, copied out of the caller's (reusable) chunk. */
  private carry: Buffer = Buffer.allocUnsafe(64 * 1024);
  private carryLen = 0;
  private bomChecked = false;
  /** After giving up a runaway line that had no newline yet: drop bytes up to the next one. */
  private skipping = false;
  /** Physical lines consumed so far. */
  private line = 0;

  constructor(options: ScannerOptions, onRecord: RecordHandler, onMalformed: MalformedHandler) {
    this.delimiter = options.delimiter;
    this.quote = options.quote;
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD;
    this.onRecord = onRecord;
    this.onMalformed = onMalformed;
  }

  /**
   * Scans a chunk. Quoted fields are unescaped in place, so the chunk's bytes may
   * change; the caller may reuse the chunk once this returns.
   */
  push(chunk: Uint8Array): void {
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!this.bomChecked) {
      if (this.carryLen + data.length < 3) {
        this.appendCarry(data, 0, data.length);
        return;
      }
      if (this.carryLen > 0) {
        data = Buffer.concat([this.carry.subarray(0, this.carryLen), data]);
        this.carryLen = 0;
      }
      data = this.stripBom(data);
    }
    if (this.carryLen > 0) {
      // Finish the record cut by the previous chunk on its own, so the bulk of this
      // chunk is scanned in place instead of being copied behind the carry.
      const nl = data.indexOf(LF);
      if (nl === -1) {
        this.appendCarry(data, 0, data.length);
        if (this.carryLen > this.maxRecordBytes) {
          const view = this.carry.subarray(0, this.carryLen);
          this.keep(view, this.scan(view, false));
        }
        return;
      }
      this.appendCarry(data, 0, nl + 1);
      const carried = this.carry.subarray(0, this.carryLen);
      this.carryLen = 0;
      const rest = this.scan(carried, false);
      data = data.subarray(nl + 1);
      if (rest < carried.length) {
        // A quoted record runs on past that newline: rare enough to pay for one copy.
        data = Buffer.concat([carried.subarray(rest), data]);
      }
    }
    this.keep(data, this.scan(data, false));
  }

  /** Scans what is left: a last line without a newline, or an unclosed quote to report. */
  finish(): void {
    let data = this.carry.subarray(0, this.carryLen);
    this.carryLen = 0;
    if (!this.bomChecked) data = this.stripBom(data);
    if (data.length > 0) this.scan(data, true);
  }

  private stripBom(data: Buffer): Buffer {
    this.bomChecked = true;
    return data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? data.subarray(3) : data;
  }

  /** Keeps data[from, end) as the carry: the start of an unfinished record. `data` may be a view of the carry. */
  private keep(data: Buffer, from: number): void {
    this.carryLen = 0;
    // Buffer#copy is memmove: fine when `data` overlaps the carry.
    if (from < data.length) this.appendCarry(data, from, data.length);
  }

  private appendCarry(data: Buffer, from: number, to: number): void {
    const need = this.carryLen + (to - from);
    if (need > this.carry.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.carry.length * 2));
      this.carry.copy(bigger, 0, 0, this.carryLen);
      this.carry = bigger;
    }
    data.copy(this.carry, this.carryLen, from, to);
    this.carryLen = need;
  }

  /** Scans `data` and returns where the unfinished record (if any) starts. */
  private scan(data: Buffer, final: boolean): number {
    const len = data.length;
    let pos = 0;
    if (this.skipping) {
      const nl = data.indexOf(LF);
      if (nl === -1) return len;
      this.skipping = false;
      pos = nl + 1;
    }
    const quote = this.quote;
    // Position of the next quote byte at or after `pos`; -1 when there is none left in `data`.
    let nextQuote = -2;
    while (pos < len) {
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = data.indexOf(quote, pos);
      pos = this.plainLines(data, pos, nextQuote === -1 ? len : nextQuote);
      if (pos >= len) break;
      if (nextQuote !== -1) {
        // The line at `pos` has a quote before its newline (or has no newline yet).
        const next = this.quotedRecord(data, pos, final);
        if (next < 0) break;
        pos = next;
        continue;
      }
      // No newline left: the last line of the file, or the start of one the next chunk ends.
      if (!final) {
        if (len - pos > this.maxRecordBytes) {
          this.onMalformed(++this.line, `line longer than ${this.maxRecordBytes} bytes`);
          this.skipping = true;
          pos = len;
        }
        break;
      }
      this.plainLine(data, pos, len);
      pos = len;
    }
    return pos;
  }

  /**
   * The fast path: every complete line that ends before `limit` (the next quote byte)
   * is split in place. Returns the start of the first line it did not take.
   */
  private plainLines(data: Buffer, pos: number, limit: number): number {
    const delimiter = this.delimiter;
    const highest = Math.max(delimiter, LF);
    const onRecord = this.onRecord;
    const fields = this.fields;
    let starts = fields.starts;
    let ends = fields.ends;
    let line = this.line;
    for (;;) {
      // One pass finds the delimiters and the newline: cheaper than an indexOf call per
      // line. No capacity check in the loop either (it costs a fifth of the scan):
      // typed-array writes past the end are dropped, and such a line is redone.
      let n = 0;
      let fieldStart = pos;
      let i = pos;
      for (; i < limit; i++) {
        const c = data[i]!;
        // Letters and digits are above both ',' and LF: one comparison settles them.
        if (c > highest) continue;
        if (c === delimiter) {
          starts[n] = fieldStart;
          ends[n] = i;
          n++;
          fieldStart = i + 1;
        } else if (c === LF) {
          break;
        }
      }
      if (i >= limit) break;
      line++;
      let end = i;
      if (end > pos && data[end - 1] === CR) end--;
      if (end > pos) {
        if (n >= starts.length) {
          fields.grow(n + 1);
          starts = fields.starts;
          ends = fields.ends;
          line--;
          continue;
        }
        starts[n] = fieldStart;
        ends[n] = end;
        this.line = line;
        onRecord(data, starts, ends, n + 1, line);
      }
      pos = i + 1;
    }
    this.line = line;
    return pos;
  }

  /** The last line of the input, which has no newline (and no quote). */
  private plainLine(data: Buffer, pos: number, end: number): void {
    const line = ++this.line;
    if (end > pos && data[end - 1] === CR) end--;
    if (end === pos) return;
    const fields = this.fields;
    let n = 0;
    let fieldStart = pos;
    for (let i = pos; i < end; i++) {
      if (data[i] === this.delimiter) {
        if (n === fields.starts.length - 1) fields.grow(n + 2);
        fields.starts[n] = fieldStart;
        fields.ends[n] = i;
        n++;
        fieldStart = i + 1;
      }
    }
    fields.starts[n] = fieldStart;
    fields.ends[n] = end;
    this.onRecord(data, fields.starts, fields.ends, n + 1, line);
  }

  /** The record at `pos` has a quote somewhere. Returns the position after it, or -1 to wait for more data. */
  private quotedRecord(data: Buffer, pos: number, final: boolean): number {
    const fields = this.fields;
    const next = readQuotedRecord(data, pos, final, this.delimiter, this.quote, fields);
    if (next < 0) return this.incomplete(data, pos, final);
    const line = ++this.line;
    this.line += fields.newlines;
    this.onRecord(data, fields.starts, fields.ends, fields.count, line);
    return next;
  }

  /** The record at `pos` is cut off: wait for more data, or give its first line up. */
  private incomplete(data: Buffer, pos: number, final: boolean): number {
    if (!final && data.length - pos <= this.maxRecordBytes) return -1;
    this.onMalformed(++this.line, final ? 'unclosed quote' : `unclosed quote (record longer than ${this.maxRecordBytes} bytes)`);
    // Resume on the next physical line: one bad quote should not swallow the rest of the file.
    const nl = data.indexOf(LF, pos);
    if (nl === -1) {
      if (!final) this.skipping = true;
      return data.length;
    }
    return nl + 1;
  }
}
