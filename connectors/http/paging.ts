import { BadResponseError, QueryError, type HttpResponse } from '../../src/sdk/index.ts';
import { withParam, type HttpSource, type RenderedRequest } from './client.ts';
import { compileJsonPath, type Expression } from './expression.ts';
import { readPicked, toNumber, type Point } from './map.ts';
import type { HttpQuery, Pagination } from './schema.ts';

/** Everything one value's requests picked, over every page. */
export interface Collected {
  numbers: number[];
  points: Point[];
  pages: number;
}

/**
 * Sends the request and, with `pagination`, follows the pages: the Link header's
 * rel="next" (RFC 8288 §3), a cursor read from each page, or page numbers. Each page's
 * picked values are collected; paging stops at `maxPages` with a QueryError rather than
 * hand back a partial total.
 */
export async function collect(source: HttpSource, first: RenderedRequest, query: HttpQuery, picker: Expression): Promise<Collected> {
  const paging = query.pagination;
  const collected: Collected = { numbers: [], points: [], pages: 0 };
  const cursorPath = paging?.type === 'cursor' ? compileJsonPath(paging.cursorPath, 'pagination.cursorPath') : undefined;
  const totalPath = paging?.type === 'page' && paging.totalPagesPath ? compileJsonPath(paging.totalPagesPath, 'pagination.totalPagesPath') : undefined;
  const seen = new Set<string>();
  let pageNumber = paging?.type === 'page' ? paging.start : 0;
  let request = paging?.type === 'page' ? withParam(first, paging.param, pageNumber, paging.in) : first;

  for (;;) {
    const response = await source.send(request);
    collected.pages += 1;
    const where = `${request.method} ${source.describe(request.url)}${paging ? ` (page ${collected.pages})` : ''}`;
    const picked = readPicked(await picker.evaluate(response.data), query.pick, `${where}: ${picker.source}`);
    if (picked.kind === 'numbers') collected.numbers.push(...picked.values);
    if (picked.kind === 'points') collected.points.push(...picked.points);
    if (collected.numbers.length > 0 && collected.points.length > 0) {
      throw new QueryError(`${where}: ${picker.source} picked numbers on one page and (instant, value) points on another`);
    }
    if (paging === undefined) return collected;

    let next: RenderedRequest | undefined;
    if (paging.type === 'link') {
      next = linkNext(response, request, source, seen);
    } else if (paging.type === 'cursor') {
      const cursor = readCursor(await cursorPath!.evaluate(response.data), where);
      if (cursor !== undefined) {
        if (seen.has(String(cursor))) throw new BadResponseError(`${where}: the next cursor was already followed; stopping to avoid a loop`);
        seen.add(String(cursor));
        next = withParam(first, paging.param, cursor, paging.in);
      }
    } else if (picked.kind !== 'nothing' && !(await lastPage(totalPath, response.data, pageNumber - paging.start + 1, where))) {
      pageNumber += 1;
      next = withParam(first, paging.param, pageNumber, paging.in);
    }
    if (next === undefined) return collected;
    if (collected.pages >= paging.maxPages) throw tooManyPages(paging, where);
    request = next;
  }
}

/** The Link header's rel="next" target, resolved against the request URL; refused off the base URL's origin, where credentials would follow. */
function linkNext(response: HttpResponse<unknown>, request: RenderedRequest, source: HttpSource, seen: Set<string>): RenderedRequest | undefined {
  const target = nextLink(response.headers.link);
  if (target === undefined) return undefined;
  const url = new URL(target, request.url).href;
  if (!source.sameOrigin(url)) {
    throw new BadResponseError(
      `${request.method} ${source.describe(request.url)}: the Link header's next page is on another origin; not sending the credentials there`,
    );
  }
  if (seen.has(url))
    throw new BadResponseError(`${request.method} ${source.describe(request.url)}: the next link was already followed; stopping to avoid a loop`);
  seen.add(url);
  return { ...request, url };
}

/**
 * The target of the first link whose `rel` includes `next` (RFC 8288 §3: `<uri>; rel="next"`,
 * rel a space-separated list, links separated by commas).
 */
export function nextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    for (const param of (match[2] ?? '').split(';')) {
      const rel = /^\s*rel\s*=\s*"?([^"]*)"?\s*$/i.exec(param)?.[1];
      if (rel?.toLowerCase().split(/\s+/).includes('next')) return match[1];
    }
  }
  return undefined;
}

function readCursor(value: unknown, where: string): string | number | undefined {
  if (value === undefined || value === null || value === '' || value === false) return undefined;
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw new BadResponseError(`${where}: the next cursor is ${Array.isArray(value) ? 'a list' : typeof value}, not a string or number`);
}

/** With a total-pages path: whether the page just read (1-based `read`) is the last one. */
async function lastPage(totalPath: Expression | undefined, body: unknown, read: number, where: string): Promise<boolean> {
  if (totalPath === undefined) return false;
  const total = await totalPath.evaluate(body);
  if (total === undefined || total === null) throw new BadResponseError(`${where}: ${totalPath.source} is missing from the page`);
  return read >= toNumber(total, `${where}: ${totalPath.source}`);
}

function tooManyPages(paging: Pagination, where: string): QueryError {
  return new QueryError(
    `${where}: more than ${paging.maxPages} pages; narrow the query (a shorter window, filters, a larger page size) or raise pagination.maxPages`,
  );
}
