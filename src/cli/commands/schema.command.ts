import type { Command } from 'commander';
import { builtIns } from '../../app/connector-registry.ts';
import { configJsonSchema } from '../../config/json-schema.ts';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of the config files, for editor autocompletion')
    .action(async () => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(await builtIns()), null, 2)}\n`);
    });
}
