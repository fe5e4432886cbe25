import { z } from 'zod';

/**
 * The Intercom search query object, as the search endpoints take it
 * (`single_filter_search_request` / `multiple_filter_search_request` in the API
 * description): a filter `{ field, operator, value }`, or a group
 * `{ operator: AND | OR, value: [filters or groups] }`. Checked for shape only: which
 * fields and operators each object accepts is Intercom's to say, and its 400 message
 * reaches the operator as a QueryError.
 */

/** Filter operators listed by `single_filter_search_request.operator`. */
export const FILTER_OPERATORS = ['=', '!=', 'IN', 'NIN', '<', '<=', '>', '>=', '~', '!~', '^', '$'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** "There's a limit of max 15 filters for each AND or OR group" (Search conversations/contacts/tickets). */
export const MAX_FILTERS_PER_GROUP = 15;

export type FilterValue = string | number | boolean | null | Array<string | number>;

export interface SearchFilter {
  field: string;
  operator: FilterOperator;
  value: FilterValue;
}

export interface SearchGroup {
  operator: 'AND' | 'OR';
  value: SearchQuery[];
}

export type SearchQuery = SearchFilter | SearchGroup;

const LIST_OPERATORS: ReadonlySet<string> = new Set(['IN', 'NIN']);

export const searchFilterSchema = z
  .strictObject({
    field: z.string().min(1).describe('A searchable field, e.g. created_at, state, statistics.time_to_admin_reply.'),
    operator: z.enum(FILTER_OPERATORS),
    value: z
      .union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number()]))])
      .describe('Compared with the field; may hold {{window.start_unix}} and the other window placeholders.'),
  })
  .superRefine((filter, ctx) => {
    const isList = Array.isArray(filter.value);
    if (LIST_OPERATORS.has(filter.operator) && !isList) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `operator ${filter.operator} takes a list of values` });
    } else if (!LIST_OPERATORS.has(filter.operator) && isList) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `operator ${filter.operator} takes one value; use IN or NIN for a list` });
    }
  });

/**
 * A filter or a group. `operator` tells them apart, so a mistake is reported against
 * the shape the operator implies rather than as "no form matched".
 */
export const searchQuerySchema: z.ZodType<SearchQuery> = z.lazy(() => z.discriminatedUnion('operator', [searchFilterSchema, searchGroupSchema]));

export const searchGroupSchema = z.strictObject({
  operator: z.enum(['AND', 'OR']),
  value: z
    .array(searchQuerySchema)
    .min(1, 'an AND/OR group needs at least one filter')
    .max(MAX_FILTERS_PER_GROUP, `Intercom allows at most ${MAX_FILTERS_PER_GROUP} filters in an AND/OR group`),
});
