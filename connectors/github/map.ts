import { BadResponseError, describeValue } from '../../src/sdk/index.ts';

/**
 * GitHub JSON → numbers, pure. Shapes per GitHub's REST API description: the
 * `search/issues-and-pull-requests` answer { total_count, incomplete_results, items:
 * issue-search-result-item[] } (a pull request's item has `pull_request.merged_at`),
 * `deployment` and `deployment-status` arrays, `rate-limit-overview`.
 */

export interface SearchPage {
  totalCount: number;
  /** GitHub's search timed out and the count may be short (https://docs.github.com/rest/search/search#timeouts-and-incomplete-results). */
  incomplete: boolean;
  items: Record<string, unknown>[];
}

export function readSearchPage(body: unknown, where: string): SearchPage {
  if (!isRecord(body)) throw new BadResponseError(`${where}: expected a search result, got ${describeValue(body)}`);
  const total = body.total_count;
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 0)
    throw new BadResponseError(`${where}: the answer has no total_count${total === undefined ? '' : ` (got ${describeValue(total)})`}`);
  if (!Array.isArray(body.items)) throw new BadResponseError(`${where}: "items" is ${describeValue(body.items)}, not a list`);
  return { totalCount: total, incomplete: body.incomplete_results === true, items: body.items.filter(isRecord) };
}

/** Hours from a pull request's `created_at` to its `pull_request.merged_at`; undefined for an unmerged or unreadable item. */
export function leadTimeHours(item: Record<string, unknown>): number | undefined {
  const pull = isRecord(item.pull_request) ? item.pull_request : undefined;
  const created = typeof item.created_at === 'string' ? Date.parse(item.created_at) : Number.NaN;
  const merged = pull && typeof pull.merged_at === 'string' ? Date.parse(pull.merged_at) : Number.NaN;
  if (Number.isNaN(created) || Number.isNaN(merged) || merged < created) return undefined;
  return (merged - created) / 3_600_000;
}

/** The median (middle value, or the mean of the two middle ones) or the mean; undefined for no values. */
export function statistic(values: readonly number[], kind: 'median' | 'mean'): number | undefined {
  if (values.length === 0) return undefined;
  if (kind === 'mean') return values.reduce((a, b) => a + b, 0) / values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface Deployment {
  id: number;
  createdAt: number;
}

/** A page of `GET /repos/{owner}/{repo}/deployments`: each deployment's id and creation instant. */
export function readDeployments(body: unknown, where: string): Deployment[] {
  if (!Array.isArray(body)) throw new BadResponseError(`${where}: expected a list of deployments, got ${describeValue(body)}`);
  return body.map((item, i) => {
    const createdAt = isRecord(item) && typeof item.created_at === 'string' ? Date.parse(item.created_at) : Number.NaN;
    if (!isRecord(item) || typeof item.id !== 'number' || Number.isNaN(createdAt)) {
      throw new BadResponseError(`${where}: deployment #${i + 1} has no id or created_at`);
    }
    return { id: item.id, createdAt };
  });
}

/** Whether any status of a deployment (`deployment-status` list) is `success`. */
export function hasSuccessStatus(body: unknown, where: string): boolean {
  if (!Array.isArray(body)) throw new BadResponseError(`${where}: expected a list of deployment statuses, got ${describeValue(body)}`);
  return body.some((status) => isRecord(status) && status.state === 'success');
}

/** Whether a `Link` header offers a next page (https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api). */
export function hasNextPage(link: string | undefined): boolean {
  return link !== undefined && /<[^>]*>;\s*rel="?next"?/.test(link);
}

/**
 * A window bound as a search date: UTC with an explicit offset, to the second
 * (`2026-10-31T23:00:00+00:00`), the form GitHub's search syntax documents
 * (https://docs.github.com/search-github/getting-started-with-searching-on-github/understanding-the-search-syntax#query-for-dates).
 */
export function searchInstant(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

/** `start..last` for [start, end): search ranges include both ends, so the last second inside the window ends it. */
export function searchRange(startIso: string, endIso: string): string {
  const start = Date.parse(startIso);
  const end = Date.parse(endIso);
  return `${searchInstant(Math.ceil(start / 1000) * 1000)}..${searchInstant(Math.ceil(end / 1000) * 1000 - 1000)}`;
}

/** Who the token is, from GET /rate_limit: the core and search budgets left. */
export function describeRateLimit(body: unknown): string {
  const resources = isRecord(body) && isRecord(body.resources) ? body.resources : {};
  const budget = (name: string) => {
    const r = resources[name];
    return isRecord(r) && typeof r.remaining === 'number' && typeof r.limit === 'number' ? `${name} ${r.remaining}/${r.limit}` : undefined;
  };
  const parts = [budget('core'), budget('search')].filter(Boolean);
  return parts.length > 0 ? `${parts.join(', ')} requests left` : 'rate limits not reported';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
