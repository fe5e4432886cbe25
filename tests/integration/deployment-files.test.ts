import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.ts';
import { ensurePromtool } from '../setup/promtool.ts';

/**
 * Docker cannot run here, so the deployment files are checked by reading them: the
 * invariants the README promises (pinned images, Postgres waited for, the port
 * published, every worker scraped), and Prometheus's own checker on its config.
 */
const read = (file: string) => readFileSync(path.join(REPO, file), 'utf8');
const dockerfile = read('Dockerfile');
// Compose resolves YAML merge keys (`<<: *kpi-sync`); so must the parser.
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<
    string,
    {
      image?: string;
      build?: string;
      ports?: string[];
      depends_on?: Record<string, { condition: string }> | string[];
      environment?: Record<string, string>;
      secrets?: string[];
      volumes?: string[];
      healthcheck?: unknown;
      command?: string[];
    }
  >;
  secrets: Record<string, { file: string }>;
};
const prometheusYml = parse(read('deploy/prometheus/prometheus.yml')) as {
  rule_files: string[];
  scrape_configs: { authorization: { credentials_file: string }; dns_sd_configs: { names: string[]; port: number }[] }[];
};
const DIGEST = /@sha256:[0-9a-f]{64}$/;

describe('Dockerfile', () => {
  it('pins its base image by digest and says how to refresh it', () => {
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(image).toMatch(DIGEST);
    expect(dockerfile.match(/^FROM (\S+)/gm)).toEqual(['FROM ${NODE_IMAGE}', 'FROM ${NODE_IMAGE}']);
    expect(dockerfile).toContain('docker buildx imagetools inspect');
  });

  it('builds with the steps CI proves and runs the JavaScript build, listening on every interface', () => {
    expect(dockerfile).toMatch(/RUN npm ci\n/);
    expect(dockerfile).toContain('npm run typecheck && npm run build && npm prune --omit=dev');
    expect(dockerfile).toContain('COPY --from=build /app/dist ./dist');
    expect(dockerfile).toMatch(/KPI_SYNC_HOST=0\.0\.0\.0/);
    for (const [, source] of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const file of source!.split(' ')) expect(existsSync(path.join(REPO, file)), `${file} is copied but missing`).toBe(true);
    }
  });
});

describe('docker-compose.yml', () => {
  const services = compose.services;
  const kpiSync = ['scheduler', 'worker'];

  it('pins every image by digest', () => {
    for (const [name, service] of Object.entries(services)) if (service.image && !service.build) expect(service.image, name).toMatch(DIGEST);
  });

  it('starts the scheduler and workers only once Postgres and Redis answer their health checks', () => {
    expect(services.postgres!.healthcheck).toBeDefined();
    expect(services.redis!.healthcheck).toBeDefined();
    for (const name of kpiSync) {
      expect(services[name]!.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
      expect(services[name]!.environment!.DATABASE_URL).toMatch(/^postgres:\/\/kpi_sync:.*@postgres:5432\/kpi_sync$/);
    }
  });

  it("publishes the scheduler's port and gives every kpi-sync process the token as a secret", () => {
    expect(services.scheduler!.ports).toEqual(['127.0.0.1:8787:8787']);
    for (const name of kpiSync) {
      expect(services[name]!.secrets).toEqual(['kpi_sync_token']);
      expect(services[name]!.environment!.KPI_SYNC_TOKEN_FILE).toBe('/run/secrets/kpi_sync_token');
    }
  });

  it('lets Prometheus scrape every scheduler and worker with the token, and load the rules', () => {
    const [job] = prometheusYml.scrape_configs;
    expect(job!.dns_sd_configs[0]!.names.sort()).toEqual(kpiSync);
    expect(job!.dns_sd_configs[0]!.port).toBe(8787);
    expect(job!.authorization.credentials_file).toBe('/run/secrets/kpi_sync_token');
    expect(services.prometheus!.secrets).toEqual(['kpi_sync_token']);
    const mounts = services.prometheus!.volumes!;
    expect(mounts).toContain('./deploy/prometheus/kpi-sync.rules.yml:/etc/prometheus/kpi-sync.rules.yml:ro');
    expect(prometheusYml.rule_files).toEqual(['/etc/prometheus/kpi-sync.rules.yml']);
  });
});

describe('deploy/prometheus/prometheus.yml', () => {
  let promtool: string;
  beforeAll(async () => {
    promtool = await ensurePromtool();
  }, 600_000);

  it('passes promtool check config (with the compose mounts pointed at the repo)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kpi-sync-prometheus-'));
    const token = path.join(dir, 'kpi_sync_token');
    writeFileSync(token, 'test-token\n');
    const config = read('deploy/prometheus/prometheus.yml')
      .replace('/etc/prometheus/kpi-sync.rules.yml', path.join(REPO, 'deploy/prometheus/kpi-sync.rules.yml'))
      .replace('/run/secrets/kpi_sync_token', token);
    writeFileSync(path.join(dir, 'prometheus.yml'), config);
    const result = spawnSync(promtool, ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/SUCCESS: .*prometheus\.yml is valid prometheus config file syntax/);
  });
});
