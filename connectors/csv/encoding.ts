import type { CsvConnection } from './schema.ts';

/**
 * The scanner reads UTF-8 bytes. Other encodings are decoded with the platform's
 * TextDecoder (streaming, so a character split across chunks survives) and re-encoded
 * as UTF-8: slower than the UTF-8 path, but no extra dependency. A UTF-16 BOM is
 * dropped by the decoder; a UTF-8 BOM by the scanner.
 */
export async function* toUtf8(chunks: AsyncIterable<Buffer>, encoding: CsvConnection['encoding'], onRawBytes: (n: number) => void): AsyncGenerator<Buffer> {
  if (encoding === 'utf8') {
    for await (const chunk of chunks) {
      onRawBytes(chunk.length);
      yield chunk;
    }
    return;
  }
  if (encoding === 'latin1') {
    // ISO-8859-1 proper: every byte is the code point of the same number. (The WHATWG
    // decoder labelled "latin1" is windows-1252, which differs in 0x80-0x9F.)
    for await (const chunk of chunks) {
      onRawBytes(chunk.length);
      yield Buffer.from(chunk.toString('latin1'), 'utf8');
    }
    return;
  }
  const decoder = new TextDecoder(encoding === 'utf16le' ? 'utf-16le' : 'windows-1252');
  for await (const chunk of chunks) {
    onRawBytes(chunk.length);
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield Buffer.from(text, 'utf8');
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield Buffer.from(rest, 'utf8');
}
