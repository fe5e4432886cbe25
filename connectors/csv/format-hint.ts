import { numberFormat, parseNumber, type NumberFormat } from './numbers.ts';

/** The separators a CSV export may use, as `decimal`/`thousands` settings. */
const CANDIDATES: { decimal: '.' | ','; thousands: '' | ',' | '.' | ' ' | "'" }[] = [
  { decimal: '.', thousands: ',' },
  { decimal: ',', thousands: '.' },
  { decimal: ',', thousands: '' },
  { decimal: ',', thousands: ' ' },
  { decimal: '.', thousands: "'" },
  { decimal: '.', thousands: '' },
];

/**
 * When a cell is not a number with the connection's separators but is one with other
 * separators, says which settings would read it: the usual cause of a US export read
 * as plain numbers ("1,387.79") or a German one read as English ("1.387,79").
 */
export function numberFormatHint(cell: Uint8Array, configured: { decimal: string; thousands: string }): string | undefined {
  for (const candidate of CANDIDATES) {
    if (candidate.decimal === configured.decimal && candidate.thousands === configured.thousands) continue;
    const format: NumberFormat = numberFormat(candidate.decimal, candidate.thousands);
    if (Number.isNaN(parseNumber(cell, 0, cell.length, format))) continue;
    const settings = [`decimal: "${candidate.decimal}"`, ...(candidate.thousands === '' ? [] : [`thousands: "${candidate.thousands}"`])];
    return `the rejected numbers look like they use ${candidate.thousands === '' ? 'no thousands separator' : `"${candidate.thousands}" for thousands`} and "${candidate.decimal}" for decimals: set ${settings.join(' and ')} on the connection`;
  }
  return undefined;
}
