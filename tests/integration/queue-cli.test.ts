import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerWorker } from '../../src/cli/commands/worker.command.ts';
import { addRoleOption, parseRole, queueModeRequested } from '../../src/cli/queue-mode.ts';

let savedUrl: string | undefined;
beforeEach(() => {
  savedUrl = process.env.REDIS_URL;
  delete process.env.REDIS_URL;
});
afterEach(() => {
  if (savedUrl === undefined) delete process.env.REDIS_URL;
  else process.env.REDIS_URL = savedUrl;
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
    await expect(cli.parseAsync(['node', 'kpi-sync', 'worker', '--concurrency', '0'])).rejects.toThrow(/--concurrency must be a whole number from 1 to 1000; got "0"/);
  });

  it('--role accepts scheduler, worker and all (the default), and nothing else', async () => {
    const roles: string[] = [];
    const cli = program();
    addRoleOption(cli.command('start').action((opts: { role: string }) => void roles.push(parseRole(opts.role))));
    await cli.parseAsync(['node', 'kpi-sync', 'start']);
    await cli.parseAsync(['node', 'kpi-sync', 'start', '--role', 'scheduler']);
    expect(roles).toEqual(['all', 'scheduler']);
    await expect(cli.parseAsync(['node', 'kpi-sync', 'start', '--role', 'boss'])).rejects.toThrow(/Allowed choices are all, scheduler, worker/);
    expect(() => parseRole('boss')).toThrow(/--role must be one of all, scheduler, worker/);
  });

  it('queue mode is on exactly when REDIS_URL is set', () => {
    expect(queueModeRequested({})).toBe(false);
    expect(queueModeRequested({ REDIS_URL: '' })).toBe(false);
    expect(queueModeRequested({ REDIS_URL: 'redis://redis:6379' })).toBe(true);
  });
});
