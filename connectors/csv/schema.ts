import { allowLinkLocalSetting, linkLocalCheck, secret, secureUrlProblem, z } from '../../src/sdk/index.ts';

/**
 * The CSV connector's settings. These schemas are the only description of them:
 * the types below are inferred, and README.md shows every key with an example.
 */

function checkUrl(text: string, ctx: z.RefinementCtx): void {
  const problem = secureUrlProblem(text);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem === 'not a URL' ? problem : `${problem} (or a local file in \`path\`)` });
    return;
  }
  const url = new URL(text);
  if (url.username || url.password) {
    // The URL is not a secret field, so credentials in it would end up in logs.
    ctx.addIssue({ code: 'custom', message: 'put credentials in `headers` (a secret), not in the URL' });
  }
}

export const connectionSchema = z
  .strictObject({
    path: z.string().min(1).optional().describe('A CSV file or a folder of them; relative paths resolve against the config file folder.'),
    url: z.string().superRefine(checkUrl).optional().describe('An https URL serving the CSV (plain http only on loopback).'),
    headers: z
      .record(z.string(), secret('a request header value, e.g. "Bearer ${CSV_TOKEN}"'))
      .optional()
      .describe('Request headers for `url` sources, e.g. Authorization. Values are secrets.'),
    delimiter: z.enum([',', '\t', ';', '|']).default(',').describe('Field separator.'),
    quote: z.enum(['"', "'"]).default('"').describe('Quote character; a doubled quote inside quotes is a literal quote.'),
    header: z.boolean().default(true).describe('The first row names the columns. When false, columns are 1-based numbers.'),
    encoding: z.enum(['utf8', 'latin1', 'windows-1252', 'utf16le']).default('utf8').describe('Text encoding of the file.'),
    decimal: z.enum(['.', ',']).default('.').describe('Decimal separator in numbers.'),
    thousands: z.enum(['', ',', '.', ' ', "'"]).default('').describe('Thousands separator in numbers ("" = none).'),
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['url']))
  .superRefine((conn, ctx) => {
    if ((conn.path === undefined) === (conn.url === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a CSV connection needs exactly one of `path` (file or folder) or `url`' });
    }
    if (conn.headers !== undefined && conn.url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['headers'], message: '`headers` only apply to `url` sources' });
    }
    if (conn.thousands === conn.decimal) {
      ctx.addIssue({ code: 'custom', path: ['thousands'], message: `thousands separator and decimal separator are both "${conn.decimal}"` });
    }
  });

/** A column by header name, or by 1-based position (the only way when `header` is false). */
const columnRef = z.union([z.string().min(1), z.int().min(1)]);

const scalar = z.union([z.string(), z.number()]);

export const dateFormats = ['iso', 'dd.MM.yyyy', 'MM/dd/yyyy', 'dd/MM/yyyy', 'epoch_s', 'epoch_ms'] as const;
export const aggregates = ['sum', 'avg', 'min', 'max', 'count', 'count_rows', 'count_distinct', 'last'] as const;

const filterSchema = z
  .strictObject({
    column: columnRef,
    equals: scalar.optional(),
    notEquals: scalar.optional(),
    in: z.array(scalar).min(1).optional(),
    min: z.number().optional().describe('Inclusive.'),
    max: z.number().optional().describe('Inclusive.'),
  })
  .refine((f) => f.equals !== undefined || f.notEquals !== undefined || f.in !== undefined || f.min !== undefined || f.max !== undefined, {
    message: 'a filter needs at least one of equals, notEquals, in, min, max',
  });

export const querySchema = z.strictObject({
  file: z.string().min(1).optional().describe('The file inside the connection folder (or relative to the URL).'),
  date: z
    .strictObject({
      column: columnRef,
      format: z.enum(dateFormats).default('iso'),
    })
    .optional()
    .describe('The column that places each row in a period. Without it every row belongs to the window.'),
  value: z
    .strictObject({
      column: columnRef.optional(),
      aggregate: z.enum(aggregates),
    })
    .refine((v) => v.column !== undefined || v.aggregate === 'count_rows', {
      message:
        'value.column is required unless aggregate is count_rows (count counts the rows whose value column parses; count_rows counts every row that passes the filters)',
      path: ['column'],
    }),
  filter: z.array(filterSchema).default([]).describe('Rows must match every filter.'),
});

export type CsvConnection = z.infer<typeof connectionSchema>;
export type CsvQuery = z.infer<typeof querySchema>;
export type CsvFilter = CsvQuery['filter'][number];
export type ColumnRef = z.infer<typeof columnRef>;
export type DateFormat = (typeof dateFormats)[number];
export type CsvAggregate = (typeof aggregates)[number];
