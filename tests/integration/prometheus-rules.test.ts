import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/server/metrics.ts';
import { REPO } from '../helpers/cli.ts';
import { ensurePromtool } from '../setup/promtool.ts';

const DIR = path.join(REPO, 'deploy/prometheus');
const RULES = path.join(DIR, 'kpi-sync.rules.yml');
const TESTS = path.join(DIR, 'kpi-sync.rules.test.yml');

interface Rule {
  alert: string;
  expr: string;
}

const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
let promtool: string;

// Installing Prometheus (first run on a fresh machine) takes longer than a hook may.
beforeAll(async () => {
  promtool = await ensurePromtool();
}, 600_000);

function run(...args: string[]) {
  return spawnSync(promtool, args, { cwd: DIR, encoding: 'utf8', timeout: 60_000 });
}

describe('deploy/prometheus/kpi-sync.rules.yml', () => {
  it('passes promtool check rules', () => {
    const result = run('check', 'rules', RULES);
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('fires, and stays quiet, when its unit tests say (promtool test rules)', () => {
    const result = run('test', 'rules', TESTS);
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  });

  it('has a unit test, firing and quiet, for every alert', () => {
    const tests = (parse(readFileSync(TESTS, 'utf8')) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] }).tests.flatMap(
      (t) => t.alert_rule_test,
    );
    for (const { alert } of rules) {
      const cases = tests.filter((t) => t.alertname === alert);
      expect(
        cases.some((t) => t.exp_alerts.length > 0),
        `${alert} never fires in the tests`,
      ).toBe(true);
      expect(
        cases.some((t) => t.exp_alerts.length === 0),
        `${alert} is never shown quiet in the tests`,
      ).toBe(true);
    }
  });

  it('reads only series kpi-sync exports (or Prometheus itself writes)', () => {
    const exported = new Set(
      createMetrics()
        .registry.getMetricsAsArray()
        .map((m) => m.name),
    );
    const used = new Set(rules.flatMap((r) => [...r.expr.matchAll(/\b(kpi_[a-z_]+|kr_[a-z_]+)\b/g)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThan(3);
    for (const name of used) expect(exported, `${name} is not a kpi-sync metric`).toContain(name);
  });
});
