import { z } from 'zod';

/** Building blocks shared by the config schemas. */

export { ianaZone } from '../sdk/time-zone.ts';

export const id = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a lower-case id: letters, digits, "_" or "-", starting with a letter');

export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const duration = z.string().regex(/^\d+[mhdw]$/, 'a duration such as "90m", "36h", "2d" or "1w"');
