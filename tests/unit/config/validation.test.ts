import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectorRegistry } from '../../../src/config/catalog.ts';
import { ConfigValidationError, formatIssue } from '../../../src/config/issue.ts';
import { loadCatalog } from '../../../src/config/load.ts';
import { ConfigError } from '../../../src/sdk/errors.ts';
import { fakeConnector, registry } from '../../fixtures/config/fake-connector.ts';
import { loadIssues, places } from '../../fixtures/config/load-issues.ts';
import { removeConfig, writeConfig } from '../../fixtures/config/temp-config.ts';

let dir = '';
afterEach(async () => {
  await removeConfig(dir);
});

const CONNECTIONS = `connections:
  - id: crm
    type: fake
    url: https://crm.example.com
    token: tok
`;

function kr(id: string, kpi = 'mrr'): string {
  return `      - { id: ${id}, title: ${id}, kpi: ${kpi}, direction: increase, start: 1, target: 2, startDate: 2026-01-01, dueDate: 2026-03-31 }\n`;
}

describe('schema errors with file:line:column', () => {
  it('reports a typo in a key at the key, with a suggestion', async () => {
    dir = await writeConfig({ 'kpis.yaml': 'kpis:\n  - id: mrr\n    name: MRR\n    category: Growth\n    formula: "1"\n    helth:\n      band: { max: 3 }\n' });
    const { issues } = await loadIssues(dir);
    expect(issues.map(formatIssue)).toEqual(['kpis.yaml:6:5 kpis[0].helth: unknown key "helth"; did you mean "health"?']);
  });

  it('reports a wrong type with the offending value, as the documented example', async () => {
    dir = await writeConfig({
      'kpis.yaml': 'kpis:\n  - id: mrr\n    name: MRR\n    category: Growth\n    formula: "1"\n    health:\n      band:\n        max: 7,5\n',
    });
    const { issues } = await loadIssues(dir);
    expect(issues.map(formatIssue)).toEqual(['kpis.yaml:8:14 kpis[0].health.band.max: expected a number, got "7,5"']);
  });

  it('points at the parent map for a missing key', async () => {
    dir = await writeConfig({ 'kpis.yaml': 'kpis:\n  - id: mrr\n    category: Growth\n    formula: "1"\n' });
    const { issues } = await loadIssues(dir);
    expect(issues.map(formatIssue)).toEqual(['kpis.yaml:2:5 kpis[0].name: missing required key "name" (a string)']);
  });

  it('describes enums, ids, time zones and bounds in words', async () => {
    dir = await writeConfig({
      'kpis.yaml':
        'kpis:\n  - id: Mrr\n    name: ""\n    category: Growth\n    formula: "1"\n    interval: dayly\n    timezone: Europe/Olso\n    normalize: { round: 20 }\n',
    });
    const { issues } = await loadIssues(dir);
    expect(issues.map((issue) => `${issue.line}:${issue.column} ${issue.message}`)).toEqual([
      '2:9 expected a lower-case id: letters, digits, "_" or "-", starting with a letter, got "Mrr"',
      '3:11 must not be empty',
      '6:15 expected one of "day", "week", "month", "quarter", got "dayly"',
      '7:15 expected an IANA time zone such as "Europe/Oslo" or "UTC", got "Europe/Olso"',
      '8:25 expected 12 or less, got 20',
    ]);
  });

  it('reports every error of every file at once, sorted by file and line', async () => {
    dir = await writeConfig({
      'a.yaml': 'settings:\n  concurrency: 0\n  colour: red\n',
      'b.yaml': 'kpis:\n  - id: mrr\n    name: MRR\n    category: Growth\n',
      'c.yaml': 'objectives:\n  - id: grow\n    title: Grow\n    krs: []\n',
    });
    const { issues, error } = await loadIssues(dir);
    expect(places(issues)).toEqual(['a.yaml:2:16 settings.concurrency', 'a.yaml:3:3 settings.colour', 'b.yaml:2:5 kpis[0]', 'c.yaml:4:10 objectives[0].krs']);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('KS_ERR_CONFIG');
    expect(error.message.split('\n')[0]).toBe('invalid config: 4 errors');
    expect(error.message).toContain(`${path.join(dir, 'b.yaml')}:2:5 kpis[0]: a KPI needs exactly one of \`source\` or \`formula\``);
  });
});

describe('merging files', () => {
  it('reports duplicate ids within and across files, naming the first place', async () => {
    const kpi = (id: string) => `  - { id: ${id}, name: x, category: x, formula: "1" }\n`;
    dir = await writeConfig({ 'a.yaml': `kpis:\n${kpi('mrr')}${kpi('mrr')}`, 'b.yaml': `kpis:\n${kpi('arr')}${kpi('mrr')}` });
    const { issues } = await loadIssues(dir);
    expect(places(issues)).toEqual(['a.yaml:3:11 kpis[1].id', 'b.yaml:3:11 kpis[1].id']);
    expect(issues[0]?.message).toBe(`duplicate KPI id "mrr": already defined at ${path.join(dir, 'a.yaml')}:2:11`);
  });

  it('reports duplicate connection, objective and KR ids', async () => {
    dir = await writeConfig({
      'a.yaml': `${CONNECTIONS}kpis:\n  - { id: mrr, name: x, category: x, formula: "1" }\nobjectives:\n  - id: grow\n    title: Grow\n    krs:\n${kr('k1')}`,
      'b.yaml': `${CONNECTIONS}objectives:\n  - id: grow\n    title: Grow\n    krs:\n${kr('k1')}`,
    });
    const { issues } = await loadIssues(dir);
    expect(issues.map((issue) => `${issue.file} ${issue.path}: ${issue.message.split(':')[0]}`)).toEqual([
      'b.yaml connections[0].id: duplicate connection id "crm"',
      'b.yaml objectives[0].id: duplicate objective id "grow"',
      'b.yaml objectives[0].krs[0].id: duplicate KR id "k1"',
    ]);
  });

  it('allows settings in one file only', async () => {
    dir = await writeConfig({ 'a.yaml': 'settings: { concurrency: 2 }\n', 'b.yaml': 'settings:\n  runOnStart: false\n' });
    const { issues } = await loadIssues(dir);
    expect(issues.map(formatIssue)).toEqual([
      `b.yaml:1:1 settings: settings may appear in one file only; they are already in ${path.join(dir, 'a.yaml')}:1:11`,
    ]);
  });
});

describe('references and connectors', () => {
  it('rejects an unknown connector type, listing the known ones', async () => {
    dir = await writeConfig({ 'a.yaml': 'connections:\n  - id: crm\n    type: fakee\n' });
    const { issues } = await loadIssues(dir);
    expect(issues.map(formatIssue)).toEqual([
      'a.yaml:3:11 connections[0].type: unknown connector type "fakee" (did you mean "fake"?); known types: fake, other; a connector from npm must be installed and listed in settings.connectors',
    ]);
  });

  it('passes settings.connectors to the registry and reports a connector that fails to load', async () => {
    const asked: unknown[] = [];
    const failing: ConnectorRegistry = async (type, context) => {
      asked.push([type, context.packages]);
      if (type === 'kpi-sync-acme') throw new Error('Cannot find package "kpi-sync-acme"');
      return type === 'fake' ? fakeConnector : undefined;
    };
    dir = await writeConfig({ 'a.yaml': 'settings:\n  connectors: [kpi-sync-acme]\nconnections:\n  - id: acme\n    type: kpi-sync-acme\n' });
    const error = await loadCatalog(dir, { connectors: failing, env: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).issues.map((issue) => issue.message)).toEqual([
      'cannot load connector "kpi-sync-acme": Cannot find package "kpi-sync-acme"',
    ]);
    expect(asked).toEqual([['kpi-sync-acme', ['kpi-sync-acme']]]);
  });

  it("validates connection settings with the connector's schema, paths inside the connection", async () => {
    dir = await writeConfig({ 'a.yaml': 'connections:\n  - id: crm\n    type: fake\n    url: not a url\n    tokn: x\n' });
    const { issues } = await loadIssues(dir);
    expect(issues.map(formatIssue)).toEqual([
      'a.yaml:2:5 connections[0].token: missing required key "token" (a string)',
      'a.yaml:4:10 connections[0].url: expected a valid url, got "not a url"',
      'a.yaml:5:5 connections[0].tokn: unknown key "tokn"; did you mean "token"?',
    ]);
  });

  it("checks source.connection and validates each query with its connector's querySchema", async () => {
    dir = await writeConfig({
      'a.yaml': `${CONNECTIONS}kpis:\n  - id: mrr\n    name: x\n    category: x\n    source: { connection: crn, query: { metric: mrr } }\n  - id: arr\n    name: x\n    category: x\n    source:\n      connection: crm\n      query: { metric: arr }\n`,
    });
    const { issues } = await loadIssues(dir);
    expect(issues.map(formatIssue)).toEqual([
      'a.yaml:10:27 kpis[0].source.connection: unknown connection "crn"; did you mean "crm"?',
      'a.yaml:16:24 kpis[1].source.query.metric: expected one of "ltv", "cac", "mrr", "churn", got "arr"; did you mean "mrr"?',
    ]);
  });

  it('does not report references to an item that is itself invalid', async () => {
    dir = await writeConfig({
      'a.yaml': 'connections:\n  - id: crm\n    type: fake\n    url: https://x.example.com\n',
      'b.yaml': `kpis:\n  - { id: mrr, name: x, category: x, source: { connection: crm, query: { metric: mrr } } }\n  - { id: arr, name: x, category: x, formula: "mrr * 12", colour: red }\nobjectives:\n  - id: grow\n    title: Grow\n    krs:\n${kr('k1', 'arr')}`,
    });
    const { issues } = await loadIssues(dir);
    expect(places(issues)).toEqual(['a.yaml:2:5 connections[0].token', 'b.yaml:3:59 kpis[1].colour']);
  });

  it('checks that KRs reference a defined KPI', async () => {
    dir = await writeConfig({
      'a.yaml': `kpis:\n  - { id: mrr, name: x, category: x, formula: "1" }\nobjectives:\n  - id: grow\n    title: Grow\n    krs:\n${kr('k1', 'mmr')}`,
    });
    const { issues } = await loadIssues(dir);
    expect(issues.map(formatIssue)).toEqual(['a.yaml:7:35 objectives[0].krs[0].kpi: unknown KPI "mmr"; did you mean "mrr"?']);
  });

  it('warns (without failing) when an objective has more than five KRs', async () => {
    const krs = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'].map((id) => kr(id)).join('');
    dir = await writeConfig({
      'a.yaml': `kpis:\n  - { id: mrr, name: x, category: x, formula: "1" }\nobjectives:\n  - id: grow\n    title: Grow\n    krs:\n${krs}`,
    });
    const catalog = await loadCatalog(dir, { connectors: registry, env: {} });
    expect(catalog.krs.size).toBe(6);
    expect(catalog.warnings.map(formatIssue)).toEqual([
      `${path.join(dir, 'a.yaml')}:6:5 objectives[0].krs: warning: objective "grow" has 6 KRs; more than 5 dilutes focus`,
    ]);
  });
});
