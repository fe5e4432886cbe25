import { createRequire } from 'node:module';
import type Table from 'cli-table3';

/** A cli-table3 table; colours only on a terminal, so piped output and logs stay plain text. */
export function table(head: string[]): Table.Table {
  const plain = !process.stdout.isTTY;
  // Loaded on the first table: `start` and `validate` never draw one.
  const TableClass = createRequire(import.meta.url)('cli-table3') as typeof Table;
  return new TableClass({ head, ...(plain ? { style: { head: [], border: [] } } : {}) });
}
