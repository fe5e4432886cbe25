import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerStart } from '../../src/cli/commands/start.command.ts';
import { registerWorker } from '../../src/cli/commands/worker.command.ts';
import { runCli } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config-folder.ts';

let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = { REDIS_URL: process.env.REDIS_URL, DATABASE_URL: process.env.DATABASE_URL };
  delete process.env.REDIS_URL;
  delete process.env.DATABASE_URL;
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function program(): Command {
  return new Command('kpi-sync').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
}

describe('queue mode: CLI wiring', () => {
  it('kpi-sync worker without REDIS_URL refuses, pointing at embedded mode', async () => {
    const cli = program();
    registerWorker(cli);
    await expect(cli.parseAsync(['node', 'kpi-sync', 'worker'])).rejects.toThrow(/needs REDIS_URL .*run `kpi-sync start`/);
  });

  it('kpi-sync worker --concurrency takes a whole number from 1 to 1000 only', async () => {
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    const cli = program();
    registerWorker(cli);
    await expect(cli.parseAsync(['node', 'kpi-sync', 'worker', '--concurrency', '0'])).rejects.toThrow(
      /--concurrency must be a whole number from 1 to 1000; got "0"/,
    );
  });

  it('--role takes scheduler, worker and all, and needs queue mode for anything but all', async () => {
    const cli = program();
    registerStart(cli);
    await expect(cli.parseAsync(['node', 'kpi-sync', 'start', '--role', 'boss'])).rejects.toThrow(/Allowed choices are all, scheduler, worker/);
    await expect(cli.parseAsync(['node', 'kpi-sync', 'start', '--role', 'scheduler'])).rejects.toThrow(/--role scheduler needs queue mode \(set REDIS_URL\)/);
  });

  it('queue mode keeps its data in Postgres: without DATABASE_URL it refuses at start, with one clear line', async () => {
    const { dir } = writeTestConfig();
    const result = await runCli(['start', '--config', dir], { REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: '', KPI_SYNC_PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'KS_ERR_CONFIG: queue mode keeps its data in Postgres: set DATABASE_URL (or settings.store.url) to a postgres:// URL; SQLite is for embedded mode only',
    );
  });
});
