import { describe, expect, it } from 'vitest';
import { CsvScanner } from '../../../connectors/csv/scanner.ts';

interface Scanned {
  records: Array<{ line: number; fields: string[] }>;
  malformed: Array<{ line: number; reason: string }>;
}

/**
 * Feeds `input` in chunks of `chunk` bytes. Every chunk is a fresh copy that is wiped
 * right after `push`, as the file reader reuses its buffer: a scanner that kept a
 * reference to it would read garbage.
 */
function scan(
  input: string | Buffer,
  chunk = Number.POSITIVE_INFINITY,
  options: { delimiter?: string; quote?: string; maxRecordBytes?: number } = {},
): Scanned {
  const out: Scanned = { records: [], malformed: [] };
  const scanner = new CsvScanner(
    {
      delimiter: (options.delimiter ?? ',').charCodeAt(0),
      quote: (options.quote ?? '"').charCodeAt(0),
      maxRecordBytes: options.maxRecordBytes,
    },
    (bytes, starts, ends, count, line) => {
      const fields: string[] = [];
      for (let k = 0; k < count; k++) fields.push(bytes.toString('utf8', starts[k]!, ends[k]!));
      out.records.push({ line, fields });
    },
    (line, reason) => out.malformed.push({ line, reason }),
  );
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input, 'utf8');
  const step = Math.min(chunk, Math.max(bytes.length, 1));
  for (let offset = 0; offset < bytes.length; offset += step) {
    const piece = Buffer.from(bytes.subarray(offset, offset + step));
    scanner.push(piece);
    piece.fill(0xff);
  }
  scanner.finish();
  return out;
}

const fields = (s: Scanned): string[][] => s.records.map((r) => r.fields);

describe('CsvScanner', () => {
  it('splits plain lines and numbers them from 1', () => {
    const s = scan('a,b,c\n1,2,3\n4,5,6\n');
    expect(s.records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
      { line: 3, fields: ['4', '5', '6'] },
    ]);
    expect(s.malformed).toEqual([]);
  });

  it('reads CRLF like LF and a last line without a newline', () => {
    expect(fields(scan('a,b\r\n1,2\r\n3,4'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(fields(scan('a,b\r\n1,"2"\r\n'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('keeps a carriage return that is not part of a line end', () => {
    expect(fields(scan('a\rb,c\n'))).toEqual([['a\rb', 'c']]);
  });

  it('strips a UTF-8 BOM, even when it arrives one byte at a time', () => {
    const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('date,value\n2026-01-01,1\n')]);
    for (const chunk of [1, 2, 3, 4, 100]) {
      expect(fields(scan(input, chunk))[0]).toEqual(['date', 'value']);
    }
    expect(fields(scan(Buffer.from([0xef, 0xbb, 0xbf])))).toEqual([]);
  });

  it('skips empty lines but still counts them', () => {
    const s = scan('a,b\n\n1,2\r\n\r\n3,4\n');
    expect(s.records.map((r) => r.line)).toEqual([1, 3, 5]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(fields(scan(',a,,\n'))).toEqual([['', 'a', '', '']]);
  });

  it('reads quoted fields with delimiters, doubled quotes and newlines', () => {
    const s = scan('id,text,n\n1,"a, b",2\n2,"say ""hi""",3\n3,"two\nlines",4\n4,"",5\n5,x,6\n');
    expect(fields(s)).toEqual([
      ['id', 'text', 'n'],
      ['1', 'a, b', '2'],
      ['2', 'say "hi"', '3'],
      ['3', 'two\nlines', '4'],
      ['4', '', '5'],
      ['5', 'x', '6'],
    ]);
    // The record with a quoted newline starts on line 4 and the next one on line 6.
    expect(s.records.map((r) => r.line)).toEqual([1, 2, 3, 4, 6, 7]);
  });

  it('treats a quote inside an unquoted field as a character', () => {
    expect(fields(scan('a,5" screen,b\n'))).toEqual([['a', '5" screen', 'b']]);
  });

  it('keeps text after a closing quote, as spreadsheets do', () => {
    expect(fields(scan('"ab"cd,e\n"x"\r\n'))).toEqual([['abcd', 'e'], ['x']]);
  });

  it('gives the same records for every chunk size, across quoted newlines and CRLF', () => {
    const input = 'date,"note, long",amount\r\n2026-01-01,"line one\r\nline ""two""",1.5\r\n2026-01-02,plain,2\r\n"2026-01-03","",3\n2026-01-04,"x\n\ny",4';
    const expected = scan(input);
    expect(expected.records).toHaveLength(5);
    expect(expected.records[4]).toEqual({ line: 6, fields: ['2026-01-04', 'x\n\ny', '4'] });
    for (let chunk = 1; chunk <= input.length; chunk++) {
      expect(scan(input, chunk), `chunk ${chunk}`).toEqual(expected);
    }
  });

  it('supports other delimiters and a single-quote quote character', () => {
    expect(fields(scan("a;'b;c';d\n", 3, { delimiter: ';', quote: "'" }))).toEqual([['a', 'b;c', 'd']]);
    expect(fields(scan('a\tb|c\n', 2, { delimiter: '\t' }))).toEqual([['a', 'b|c']]);
    expect(fields(scan('a|b\tc\n', 2, { delimiter: '|' }))).toEqual([['a', 'b\tc']]);
  });

  it('handles records wider than its initial field arrays', () => {
    const wide = Array.from({ length: 300 }, (_, k) => String(k));
    const quoted = wide.map((f) => `"${f}"`);
    const s = scan(`${wide.join(',')}\n${quoted.join(',')}\n${wide.join(',')}\n`, 7);
    expect(fields(s)).toEqual([wide, wide, wide]);
  });

  it('reports an unclosed quote on its line and reads the lines after it', () => {
    const s = scan('a,b\n1,"oops\n2,3\n4,5\n');
    expect(s.malformed).toEqual([{ line: 2, reason: 'unclosed quote' }]);
    expect(s.records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['2', '3'] },
      { line: 4, fields: ['4', '5'] },
    ]);
  });

  it('gives up a runaway quoted record after maxRecordBytes instead of buffering the file', () => {
    const body = Array.from({ length: 200 }, (_, k) => `${k},x`).join('\n');
    const s = scan(`a,b\n1,"never closed\n${body}\n`, 16, { maxRecordBytes: 64 });
    expect(s.malformed[0]).toMatchObject({ line: 2, reason: expect.stringContaining('unclosed quote') });
    expect(s.records.at(-1)).toEqual({ line: 202, fields: ['199', 'x'] });
  });

  it('gives up a line longer than maxRecordBytes and goes on after its end', () => {
    const s = scan(`a,b\n${'x'.repeat(500)}\n1,2\n`, 16, { maxRecordBytes: 64 });
    expect(s.malformed).toEqual([{ line: 2, reason: 'line longer than 64 bytes' }]);
    expect(s.records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', '2'] },
    ]);
  });

  it('reads multi-byte UTF-8 split across chunks', () => {
    const input = 'name,city\nJosé,Zürich\n"Ærøskøbing, DK",Malmö\n';
    for (const chunk of [1, 2, 5]) {
      expect(fields(scan(input, chunk))).toEqual([
        ['name', 'city'],
        ['José', 'Zürich'],
        ['Ærøskøbing, DK', 'Malmö'],
      ]);
    }
  });

  it('reads back randomly generated CSV for random chunk sizes', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const alphabet = ['a', 'b', '1', ' ', ',', '"', '\n', '\r\n', 'é', ';'];
    const records: string[][] = [];
    let text = '';
    for (let r = 0; r < 300; r++) {
      const width = 2 + Math.floor(random() * 4);
      const record: string[] = [];
      const cells: string[] = [];
      for (let f = 0; f < width; f++) {
        let value = '';
        const length = Math.floor(random() * 6);
        for (let k = 0; k < length; k++) value += alphabet[Math.floor(random() * alphabet.length)];
        record.push(value);
        const mustQuote = /[",\r\n]/.test(value) || value.startsWith('"');
        cells.push(mustQuote || random() < 0.2 ? `"${value.replaceAll('"', '""')}"` : value);
      }
      records.push(record);
      text += cells.join(',') + (random() < 0.5 ? '\n' : '\r\n');
    }
    for (const chunk of [1, 3, 17, 256, 1 << 20]) {
      const s = scan(text, chunk);
      expect(s.malformed).toEqual([]);
      expect(fields(s)).toEqual(records);
    }
  });
});
