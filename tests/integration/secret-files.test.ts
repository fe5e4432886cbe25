import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, tempDir, type CliResult } from '../helpers/cli.ts';

/**
 * The real CLI, killed if it outlives `killAfterMs`: before secret files were checked,
 * `validate` on a FIFO blocked in open() for ever, and a test must not leave that
 * process behind. The kill is a safety net, not the assertion.
 */
function runCliBounded(args: string[], killAfterMs: number): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO, 'src/cli/main.ts'), ...args], {
      cwd: REPO,
      env: { ...process.env, LOG_LEVEL: 'info' },
      timeout: killAfterMs,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('${file:} secrets that are not regular files', () => {
  it('validate refuses a FIFO at its line and exits 1 instead of waiting for a writer', async () => {
    const dir = tempDir('kpi-sync-fifo-');
    execFileSync('mkfifo', [path.join(dir, 'token')]);
    writeFileSync(
      path.join(dir, 'main.yaml'),
      `connections:
  - id: remote
    type: csv
    url: https://reports.example.com/daily.csv
    headers:
      Authorization: \${file:./token}
kpis:
  - id: remote_total
    name: Remote total
    category: Growth
    source:
      connection: remote
      query:
        value: { column: amount, aggregate: sum }
`,
    );
    const result = await runCliBounded(['validate', '--config', dir], 15_000);
    expect(result.signal, 'validate hung on the FIFO and was killed').toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `error: ${path.join(dir, 'main.yaml')}:6:22 connections[0].headers.Authorization: cannot read secret file "./token" (${path.join(dir, 'token')}): it is a named pipe (FIFO), not a regular file`,
    );
  });
});
