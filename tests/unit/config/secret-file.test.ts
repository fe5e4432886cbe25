import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { open, type realpath, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/issue.ts';
import { loadCatalog } from '../../../src/config/load.ts';
import { readSecretFile, SECRET_FILE_MAX_BYTES, SecretFileProblem } from '../../../src/config/secret-file.ts';
import { registry } from '../../fixtures/config/fake-connector.ts';
import { loadIssues } from '../../fixtures/config/load-issues.ts';
import { rejection } from '../../helpers/rejection.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kpi-sync-secret-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A fresh folder under tmp, so tests do not share names. */
function folder(): string {
  const dir = path.join(tmp, `case-${++n}`);
  mkdirSync(dir);
  return dir;
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

function config(dir: string, reference: string): void {
  writeFileSync(path.join(dir, 'a.yaml'), `connections:\n  - id: crm\n    type: fake\n    url: https://crm.example.com\n    token: \${file:${reference}}\n`);
}

describe('readSecretFile', () => {
  it('reads a regular file', async () => {
    const file = path.join(folder(), 'token');
    writeFileSync(file, 'tok-123\n');
    expect(await readSecretFile(file)).toBe('tok-123\n');
  });

  it('follows symlinks, as Kubernetes secret mounts need (..data/ → timestamped folder)', async () => {
    const dir = folder();
    mkdirSync(path.join(dir, '..2026_01_01'));
    writeFileSync(path.join(dir, '..2026_01_01', 'token'), 'mounted-token');
    symlinkSync('..2026_01_01', path.join(dir, '..data'));
    symlinkSync('..data/token', path.join(dir, 'token'));
    expect(await readSecretFile(path.join(dir, 'token'))).toBe('mounted-token');
  });

  it('refuses a named pipe without opening it (opening would block until a writer came)', async () => {
    const fifo = path.join(folder(), 'pipe');
    mkfifo(fifo);
    const error = await rejection<Error>(readSecretFile(fifo));
    expect(error).toBeInstanceOf(SecretFileProblem);
    expect(error.message).toBe('it is a named pipe (FIFO), not a regular file');
  });

  it('refuses a symlink to a named pipe', async () => {
    const dir = folder();
    mkfifo(path.join(dir, 'pipe'));
    symlinkSync('pipe', path.join(dir, 'token'));
    expect((await rejection<Error>(readSecretFile(path.join(dir, 'token')))).message).toBe('it is a named pipe (FIFO), not a regular file');
  });

  it('refuses a folder, a socket and a character device', async () => {
    const dir = folder();
    expect((await rejection<Error>(readSecretFile(dir))).message).toBe('it is a folder, not a regular file');
    expect((await rejection<Error>(readSecretFile('/dev/zero'))).message).toBe('it is a character device, not a regular file');
    const socket = path.join(dir, 's.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      expect((await rejection<Error>(readSecretFile(socket))).message).toBe('it is a socket, not a regular file');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a file over the cap, naming its size and the cap; a file at the cap is read', async () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'big'), Buffer.alloc(SECRET_FILE_MAX_BYTES + 1, 'a'));
    writeFileSync(path.join(dir, 'fits'), Buffer.alloc(SECRET_FILE_MAX_BYTES, 'a'));
    expect((await rejection<Error>(readSecretFile(path.join(dir, 'big')))).message).toBe(
      'it is 65537 bytes, more than the 65536-byte (64 KiB) limit for a secret file',
    );
    expect(await readSecretFile(path.join(dir, 'fits'))).toHaveLength(SECRET_FILE_MAX_BYTES);
  });

  it('keeps the fs error code of a missing file', async () => {
    expect(await rejection(readSecretFile(path.join(folder(), 'nope')))).toMatchObject({ code: 'ENOENT' });
  });

  it('gives up on a read that does not finish within its deadline (a hung network mount)', async () => {
    let calls = 0;
    const hung = {
      realpath: (() => {
        calls += 1;
        return new Promise(() => {});
      }) as unknown as typeof realpath,
      stat,
      open,
    };
    const error = await rejection<Error>(readSecretFile('/mnt/nfs/token', { timeoutMs: 50, fs: hung }));
    expect(error).toBeInstanceOf(SecretFileProblem);
    expect(error.message).toBe('reading it took longer than 50 ms (a hung network mount?)');
    expect(calls).toBe(1);
  });
});

describe('${file:} secrets in the config', () => {
  it('a FIFO is a config error naming the file, line, reference and what it is', async () => {
    const dir = folder();
    mkfifo(path.join(dir, 'pipe'));
    config(dir, './pipe');
    const { issues } = await loadIssues(dir);
    expect(issues.map(formatIssue)).toEqual([
      `a.yaml:5:12 connections[0].token: cannot read secret file "./pipe" (${path.join(dir, 'pipe')}): it is a named pipe (FIFO), not a regular file`,
    ]);
    expect(issues[0]?.code).toBe('KS_ERR_SECRET_MISSING');
  });

  it('a folder and an oversized file are config errors too', async () => {
    const dir = folder();
    mkdirSync(path.join(dir, 'secrets'));
    config(dir, 'secrets');
    expect((await loadIssues(dir)).issues[0]?.message).toMatch(/^cannot read secret file "secrets" \(.*\): it is a folder, not a regular file$/);
    writeFileSync(path.join(dir, 'big'), Buffer.alloc(100_000, 'x'));
    config(dir, 'big');
    expect((await loadIssues(dir)).issues[0]?.message).toMatch(/: it is 100000 bytes, more than the 65536-byte \(64 KiB\) limit for a secret file$/);
  });

  it('a symlink to a regular file resolves', async () => {
    const dir = folder();
    const elsewhere = folder();
    writeFileSync(path.join(elsewhere, 'token.txt'), 'linked-secret-value\n');
    symlinkSync(path.join(elsewhere, 'token.txt'), path.join(dir, 'token'));
    config(dir, 'token');
    const catalog = await loadCatalog(dir, { connectors: registry, env: {} });
    expect(catalog.connections.get('crm')?.settings).toMatchObject({ token: 'linked-secret-value' });
    expect(catalog.secrets).toContain('linked-secret-value');
  });
});
