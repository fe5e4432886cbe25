const EMPTY = Buffer.alloc(0);

/**
 * The record's bytes and a DataView over them, renewed only when the scanner hands
 * over another buffer. Extracting a batch's columns mostly asks "is this cell the same
 * as that one" (a filter value, the date of the row before): a DataView reads an
 * unaligned 32-bit word in one step, where a byte loop takes four.
 */
export class CellView {
  bytes: Buffer = EMPTY;
  view: DataView = new DataView(EMPTY.buffer, EMPTY.byteOffset, 0);

  set(bytes: Buffer): void {
    if (bytes === this.bytes) return;
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}
