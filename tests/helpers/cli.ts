import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(new URL('../..', import.meta.url).pathname);
const MAIN = path.join(REPO, 'src/cli/main.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = 'kpi-sync-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs the real CLI in a child process (the Node running vitest, i.e. Node 24). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: REPO, env: { ...process.env, LOG_LEVEL: 'info', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A long-running Node process logging JSON lines on stdout, whose output can be awaited line by line. */
export class LoggedProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(script: string, args: string[], env: Record<string, string | undefined>) {
    this.child = spawn(process.execPath, [script, ...args], { cwd: REPO, env: { ...process.env, ...env } });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** JSON log lines written so far. */
  logs(): Record<string, unknown>[] {
    return this.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  async waitFor(predicate: (logs: Record<string, unknown>[]) => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.logs())) {
      if (Date.now() > deadline) throw new Error(`timed out; stdout:\n${this.stdout.slice(-4000)}\nstderr:\n${this.stderr.slice(-2000)}`);
      if (this.child.exitCode !== null)
        throw new Error(`exited ${this.child.exitCode}; stdout:\n${this.stdout.slice(-4000)}\nstderr:\n${this.stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** The real CLI, long-running (`start`, `worker`). */
export class CliProcess extends LoggedProcess {
  constructor(args: string[], env: Record<string, string> = {}) {
    // Port 0: parallel test files each get a free port for the operations server.
    super(MAIN, args, { LOG_LEVEL: 'info', KPI_SYNC_PORT: '0', ...env });
  }
}
