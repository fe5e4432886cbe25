/**
 * The careful half of the scanner: records with a quote in them. One byte loop, no
 * `indexOf` calls (quoted fields are short, and a call costs more than the bytes).
 * Field offsets point into the data itself; the few fields that need unescaping (a
 * doubled quote, text after the closing quote) are compacted in place, and only once
 * the record is known to be complete, so an unfinished record is never modified
 * before the scanner carries it over to the next chunk.
 */

const LF = 10;
const CR = 13;

/** Field offsets of the current record, shared by the scanner's two paths. */
export class RecordFields {
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  /** Fields of the current record that need unescaping, and where their raw text ends. */
  compactFields = new Int32Array(64);
  rawEnds = new Int32Array(64);
  /** Set by readQuotedRecord: fields in the record, and line breaks inside its quotes. */
  count = 0;
  newlines = 0;

  /** Makes room for at least `fields` fields. */
  grow(fields = this.starts.length + 1): void {
    let size = this.starts.length;
    while (size < fields) size *= 2;
    this.starts = copyInto(new Int32Array(size), this.starts);
    this.ends = copyInto(new Int32Array(size), this.ends);
    this.compactFields = copyInto(new Int32Array(size), this.compactFields);
    this.rawEnds = copyInto(new Int32Array(size), this.rawEnds);
  }
}

function copyInto(target: Int32Array<ArrayBuffer>, source: Int32Array): Int32Array<ArrayBuffer> {
  target.set(source);
  return target;
}

/**
 * Reads the record at `pos` into `fields`. Returns the position after it, or -1 when
 * `data` ends inside it: more data may follow, or (when `final`) a quote is unclosed.
 * Text after a closing quote is kept, as spreadsheets do (`"a"b` reads `ab`); a quote
 * inside an unquoted field is an ordinary character.
 */
export function readQuotedRecord(data: Buffer, pos: number, final: boolean, delimiter: number, quote: number, fields: RecordFields): number {
  const len = data.length;
  // Letters and digits sort above these bytes: one comparison settles most of them.
  const quoteOrLf = Math.max(quote, LF);
  const delimiterOrLf = Math.max(delimiter, LF);
  let n = 0;
  let i = pos;
  let newlines = 0;
  let compact = 0;
  for (;;) {
    if (n === fields.starts.length) fields.grow();
    let j = i;
    if (j < len && data[j] === quote) {
      const open = ++j;
      let escaped = false;
      for (;;) {
        while (j < len) {
          const c = data[j]!;
          if (c <= quoteOrLf) {
            if (c === quote) break;
            if (c === LF) newlines++;
          }
          j++;
        }
        if (j + 1 >= len) {
          // The data ends at (or before) what may be the closing quote.
          if (!final || j >= len) return -1;
          break;
        }
        if (data[j + 1] !== quote) break;
        escaped = true;
        j += 2;
      }
      const close = j++;
      while (j < len) {
        const c = data[j]!;
        if (c <= delimiterOrLf && (c === delimiter || c === LF)) break;
        j++;
      }
      if (j >= len && !final) return -1;
      const textEnd = j < len && data[j] === LF && j > close + 1 && data[j - 1] === CR ? j - 1 : j;
      fields.starts[n] = open;
      fields.ends[n] = close;
      if (escaped || textEnd > close + 1) {
        fields.rawEnds[compact] = textEnd;
        fields.compactFields[compact++] = n;
      }
    } else {
      while (j < len) {
        const c = data[j]!;
        if (c <= delimiterOrLf && (c === delimiter || c === LF)) break;
        j++;
      }
      if (j >= len && !final) return -1;
      fields.starts[n] = i;
      fields.ends[n] = j < len && data[j] === LF && j > i && data[j - 1] === CR ? j - 1 : j;
    }
    n++;
    i = j + 1;
    if (j >= len || data[j] === LF) break;
  }
  for (let k = 0; k < compact; k++) unescapeField(data, fields, fields.compactFields[k]!, fields.rawEnds[k]!, quote);
  fields.count = n;
  fields.newlines = newlines;
  return Math.min(i, len);
}

/** Rewrites quoted field `field` in place: doubled quotes become one, trailing text joins it. */
function unescapeField(data: Buffer, fields: RecordFields, field: number, rawEnd: number, quote: number): void {
  const close = fields.ends[field]!;
  let w = fields.starts[field]!;
  for (let r = w; r < close; r++) {
    data[w++] = data[r]!;
    if (data[r] === quote) r++;
  }
  for (let r = close + 1; r < rawEnd; r++) data[w++] = data[r]!;
  fields.ends[field] = w;
}
