/**
 * `npm run bench`: runs every benchmark module in this folder, in one process run,
 * and prints one JSON object with all figures. Modules export
 * `run(): Promise<Record<string, unknown>>`. Pass names to run a subset:
 * `npm run bench -- csv store`.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const here = path.dirname(new URL(import.meta.url).pathname);
const only = new Set(process.argv.slice(2));
const modules = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()
  .filter((f) => only.size === 0 || only.has(f.replace('.bench.ts', '')));

const results: Record<string, unknown> = {
  machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30) },
};
for (const file of modules) {
  const name = file.replace('.bench.ts', '');
  const started = performance.now();
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { run: () => Promise<Record<string, unknown>> };
  process.stderr.write(`bench: ${name}…\n`);
  results[name] = { ...(await mod.run()), benchSeconds: Math.round((performance.now() - started) / 100) / 10 };
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
