import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import github from '../../../connectors/github/index.ts';
import { searchQuery } from '../../../connectors/github/metrics.ts';

const { connectionSchema, querySchema } = github;

function messages(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }): string[] {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('github connectionSchema', () => {
  it('defaults: api.github.com (no baseUrl), API version 2022-11-28, 10 pages', () => {
    expect(connectionSchema.parse({ token: 'ghp_x' })).toEqual({
      token: 'ghp_x',
      apiVersion: '2022-11-28',
      timeoutMs: 30_000,
      maxPages: 10,
      maxBackfillPeriods: 400,
    });
  });

  it('accepts a GitHub Enterprise Server base URL and trims its slash', () => {
    expect(connectionSchema.parse({ token: 'ghp_x', baseUrl: 'https://ghe.example.com/api/v3/' }).baseUrl).toBe('https://ghe.example.com/api/v3');
  });

  it('refuses plain http off loopback, link-local hosts without the opt-in, unknown versions and keys', () => {
    expect(messages(connectionSchema.safeParse({ token: 'ghp_x', baseUrl: 'http://ghe.example.com/api/v3' }))[0]).toContain(
      'plain http is only allowed for loopback',
    );
    expect(messages(connectionSchema.safeParse({ token: 'ghp_x', baseUrl: 'https://[fd00:ec2::254]/' }))[0]).toMatch(/^baseUrl: .*allowLinkLocal/);
    expect(messages(connectionSchema.safeParse({ token: 'ghp_x', apiVersion: '2024-01-01' }))[0]).toMatch(/^apiVersion: /);
    expect(messages(connectionSchema.safeParse({ token: 'ghp_x', owner: 'acme' }))[0]).toContain('Unrecognized key');
    expect(messages(connectionSchema.safeParse({}))[0]).toMatch(/^token: /);
  });

  it('marks the token write-only in the JSON Schema', () => {
    const json = z.toJSONSchema(connectionSchema, { io: 'input' }) as { properties: Record<string, { writeOnly?: boolean }> };
    expect(json.properties.token?.writeOnly).toBe(true);
  });
});

describe('github querySchema', () => {
  it('takes a repo or an org, not both and not neither', () => {
    expect(querySchema.parse({ metric: 'merged_prs', repo: 'acme/widgets' })).toEqual({ metric: 'merged_prs', repo: 'acme/widgets' });
    expect(messages(querySchema.safeParse({ metric: 'merged_prs' }))).toEqual(['repo: give exactly one of repo (owner/name) or org']);
    expect(messages(querySchema.safeParse({ metric: 'issues_opened', repo: 'acme/widgets', org: 'acme' }))).toEqual([
      'repo: give exactly one of repo (owner/name) or org',
    ]);
  });

  it('checks the repo and org shapes and names the field', () => {
    expect(messages(querySchema.safeParse({ metric: 'merged_prs', repo: 'widgets' }))).toEqual(['repo: owner/name, e.g. octocat/hello-world']);
    expect(messages(querySchema.safeParse({ metric: 'merged_prs', org: 'acme corp' }))).toEqual(['org: an organisation or user login, e.g. octocat']);
  });

  it('deployments need a repo and take no org; lead time defaults to the median', () => {
    expect(messages(querySchema.safeParse({ metric: 'deployments', org: 'acme' }))).toEqual([
      'repo: deployments are listed per repository: give repo (owner/name)',
      'org: deployments take a repo, not an org',
    ]);
    expect(querySchema.parse({ metric: 'deployments', repo: 'a/b' })).toEqual({ metric: 'deployments', repo: 'a/b', state: 'any' });
    expect(querySchema.parse({ metric: 'pr_lead_time', repo: 'a/b' })).toMatchObject({ statistic: 'median' });
  });

  it('refuses qualifiers spanning lines and unknown metrics', () => {
    expect(messages(querySchema.safeParse({ metric: 'merged_prs', repo: 'a/b', qualifiers: 'label:x\nis:open' }))).toEqual([
      'qualifiers: one line of search qualifiers',
    ]);
    expect(messages(querySchema.safeParse({ metric: 'stars', repo: 'a/b' }))[0]).toMatch(/^metric: /);
  });

  it('builds the search query from scope, kind, window and qualifiers', () => {
    const window = { start: '2026-11-01T00:00:00.000Z', end: '2026-11-02T00:00:00.000Z' };
    expect(searchQuery(querySchema.parse({ metric: 'issues_closed', org: 'acme', qualifiers: 'label:bug' }) as never, window)).toBe(
      'org:acme is:issue closed:2026-11-01T00:00:00+00:00..2026-11-01T23:59:59+00:00 label:bug',
    );
  });
});
