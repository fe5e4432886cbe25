import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { PACKAGE_VERSION } from '../../app/package-info.ts';
import { UsageError } from '../../sdk/errors.ts';
import { connectorFiles } from '../scaffold/connector-files.ts';

/** npm's rules for a package name (lower case, URL-safe, optionally scoped), which is also the connector's type. */
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

export function registerConnector(program: Command): void {
  const connector = program.command('connector').description('write a connector of your own');
  connector
    .command('new <name>')
    .description('scaffold a connector package NAME (its npm name is its type): schema, check, fetch, README, and a test that runs the conformance suite')
    .option('--dir <folder>', 'where to create the package folder', '.')
    .action((name: string, opts: { dir: string }) => {
      if (!PACKAGE_NAME.test(name) || name.length > 214)
        throw new UsageError(`"${name}" is not an npm package name: lower case letters, digits, "-", "." and "_", optionally @scope/name`);
      const target = path.resolve(opts.dir, name.replace(/^@[^/]+\//, ''));
      if (existsSync(target)) throw new UsageError(`${target} already exists; pick another name or --dir`);
      for (const [file, content] of Object.entries(connectorFiles(name, PACKAGE_VERSION))) {
        mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
        writeFileSync(path.join(target, file), content);
      }
      process.stdout.write(`created ${target}\nnext: cd ${path.relative(process.cwd(), target) || '.'} && npm install && npm test\n`);
    });
}
