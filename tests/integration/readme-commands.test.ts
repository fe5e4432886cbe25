import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CommanderError, type Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.ts';
import { REPO, tempDir } from '../helpers/cli.ts';

/**
 * The commands the READMEs show must work as written: each names a real command with
 * options it has, and what is redirected into a file is what the file should hold.
 */

const DOCS = ['README.md', 'connectors/csv/README.md', 'connectors/jira/README.md', 'connectors/salesforce/README.md', 'connectors/intercom/README.md'];
const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');

interface Example {
  where: string;
  /** The line as written. */
  text: string;
  /** The arguments after `kpi-sync`. */
  args: string[];
}

/** Splits a shell word list, honouring quotes (enough for documentation lines). */
function words(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** How the READMEs invoke kpi-sync: through npm, the bin file or the installed command. */
const INVOCATION = /^(?:npm run(?: --silent| -s)? kpi-sync --|node bin\/kpi-sync\.js|npx kpi-sync|kpi-sync)(?:\s+|$)/;

/** The fenced code blocks of a Markdown text, with their language and first line number. */
function codeBlocks(text: string): { lang: string; line: number; body: string[] }[] {
  const blocks: { lang: string; line: number; body: string[] }[] = [];
  let open: { lang: string; line: number; body: string[] } | undefined;
  text.split('\n').forEach((line, i) => {
    const fence = /^```\s*(\S*)/.exec(line);
    if (fence && !open) open = { lang: fence[1]!, line: i + 2, body: [] };
    else if (fence && open) {
      blocks.push(open);
      open = undefined;
    } else open?.body.push(line);
  });
  return blocks;
}

/** Every kpi-sync command line in a shell (or unlabelled) block: comments, redirections and env assignments removed. */
function fencedCommands(file: string, text: string): Example[] {
  const found: Example[] = [];
  for (const block of codeBlocks(text).filter((b) => ['', 'sh', 'bash', 'shell', 'console'].includes(b.lang))) {
    block.body.forEach((raw, i) => {
      const line = raw
        .replace(/^\$\s+/, '')
        .replace(/\s#\s.*$/, '')
        .trim();
      for (const segment of line.split(/\s*(?:&&|\|\||;|\|)\s*/)) {
        const command = segment.replace(/^(?:[A-Z_]+=\S+\s+)+/, '').replace(/\s*\d?>>?\s*\S+/g, '');
        const match = INVOCATION.exec(command);
        if (match) found.push({ where: `${file}:${block.line + i}`, text: raw.trim(), args: words(command.slice(match[0].length)) });
      }
    });
  }
  return found;
}

/** Inline `kpi-sync …` spans outside code blocks: templates such as `kpi-sync check [CONNECTION] [--timeout MS]`. */
function inlineTemplates(file: string, text: string): Example[] {
  const inBlocks = new Set(codeBlocks(text).flatMap((b) => b.body.map((_, i) => b.line + i)));
  const prose = text
    .split('\n')
    .filter((_, i) => !inBlocks.has(i + 1) && !text.split('\n')[i]!.startsWith('```'))
    .join('\n');
  return [...prose.matchAll(/`([^`\n]*\bkpi-sync(?:\.js)? [^`\n]*)`/g)].flatMap((m) => {
    // In a table, `\|` separates alternatives; a bare `|` is a shell pipe, and what follows it is another program.
    const span = m[1]!
      .split(/(?<!\\)\|/)[0]!
      .replace(/^(?:[A-Z_]+=\S+\s+)+/, '')
      .trim();
    const match = INVOCATION.exec(span);
    if (!match) return [];
    return [{ where: `${file} \`${m[1]}\``, text: m[1]!, args: words(span.slice(match[0].length).replace(/\\\||\[|\]|\.\.\.|…/g, ' ')) }];
  });
}

const docs = DOCS.map((file) => ({ file, text: readFileSync(path.join(REPO, file), 'utf8') }));
const lines = docs.flatMap(({ file, text }) => fencedCommands(file, text));
const templates = docs.flatMap(({ file, text }) => inlineTemplates(file, text));

class Parsed extends Error {}

/** Parses `args` with the real program, running no action: undefined when commander accepts them, else why not. */
async function parseProblem(args: string[]): Promise<string | undefined> {
  const program = buildProgram();
  const quiet = (command: Command) => {
    command.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
    command.commands.forEach(quiet);
  };
  quiet(program);
  // preAction runs after commander checked the command, its options, their values and its arguments.
  program.hook('preAction', () => {
    throw new Parsed();
  });
  try {
    await program.parseAsync(args, { from: 'user' });
    return 'parsed, but names no command that runs';
  } catch (error) {
    if (error instanceof Parsed) return undefined;
    if (error instanceof CommanderError && ['commander.helpDisplayed', 'commander.version'].includes(error.code)) return undefined;
    return (error as Error).message;
  }
}

/** A template's words against the command it names: its subcommands, its options (and theirs), the global ones. */
function templateProblem(args: string[]): string | undefined {
  const program = buildProgram();
  const [name, ...rest] = args;
  const top = program.commands.find((c) => c.name() === name);
  if (!top) return `no command "${name}"`;
  const options = [top, ...top.commands, program].flatMap((c) => c.options);
  // Placeholders (ID, <connection>) stand for values; a lower-case word is a subcommand, or a value where one is taken.
  let current = top;
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (word.startsWith('-')) {
      const option = options.find((o) => o.long === word || o.short === word);
      if (!option && word !== '--help' && word !== '-h') return `"${name}" has no option ${word}`;
      if (option && (option.required || option.optional)) i += 1;
    } else if (/^[a-z]/.test(word)) {
      const sub = top.commands.find((c) => c.name() === word);
      if (sub) current = sub;
      else if (current.registeredArguments.length === 0) return `"${current.name()}" has no subcommand "${word}"`;
    }
  }
  return undefined;
}

describe('README command lines', () => {
  it('finds the examples to check', () => {
    expect(lines.length).toBeGreaterThanOrEqual(15);
    expect(templates.length).toBeGreaterThanOrEqual(15);
    expect(lines.map((l) => l.args[0])).toEqual(
      expect.arrayContaining(['run', 'status', 'history', 'backfill', 'schema', 'alerts', 'plan', 'pushes', 'start', 'worker']),
    );
  });

  it.each(lines.map((l) => [l.where, l]))('%s names a real command with valid options', async (_where, example) => {
    expect(await parseProblem((example as Example).args), (example as Example).text).toBeUndefined();
  });

  it.each(templates.map((t) => [t.where, t]))('%s names a real command and options', (_where, example) => {
    expect(templateProblem((example as Example).args), (example as Example).text).toBeUndefined();
  });

  it('catches a command or option that does not exist', async () => {
    expect(await parseProblem(['staus'])).toMatch(/unknown command 'staus'/);
    expect(await parseProblem(['history', '--kpi', 'mrr', '--form', '2026-01-01'])).toMatch(/unknown option '--form'/);
    expect(await parseProblem(['status', '-o', 'yaml'])).toMatch(/--output must be one of table, json/);
    expect(await parseProblem(['backfill'])).toMatch(/required option '-k, --kpi <id>' not specified/);
    expect(templateProblem(['alerts', 'resend', 'ID'])).toBe('"alerts" has no subcommand "resend"');
    expect(templateProblem(['check', '--deadline', 'MS'])).toBe('"check" has no option --deadline');
    expect(fencedCommands('x', '```sh\nKPI_SYNC_DB=x.db npm run --silent kpi-sync -- status -o json > s.json  # note\n```\n')[0]!.args).toEqual([
      'status',
      '-o',
      'json',
    ]);
  });

  it('documents every command in the Commands table', () => {
    const table = readme.slice(readme.indexOf('## Commands'), readme.indexOf('Global options'));
    for (const command of buildProgram().commands) expect(table, command.name()).toContain(`| \`kpi-sync ${command.name()}`);
  });

  it('every JSON example parses', () => {
    const blocks = [...readme.matchAll(/^```json\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(() => JSON.parse(block)).not.toThrow();
  });
});

describe('the schema command as the README writes it', () => {
  it('writes nothing but the JSON Schema into the file', async () => {
    const schemaLines = lines.filter((l) => l.args[0] === 'schema' && l.where.startsWith('README.md'));
    expect(schemaLines).toHaveLength(1);
    const written = schemaLines[0]!.text;
    const target = /\s>\s*(\S+)/.exec(written)?.[1];
    expect(target).toBe('config/kpi-sync.schema.json');
    // The line as written, through a shell, with only the target file moved out of the checkout.
    const file = path.join(tempDir('kpi-sync-readme-'), 'schema.json');
    await promisify(execFile)('sh', ['-c', written.replace(target!, JSON.stringify(file))], { cwd: REPO, timeout: 60_000 });
    const text = readFileSync(file, 'utf8');
    const schema = JSON.parse(text) as { $schema?: string; properties?: Record<string, unknown> };
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(['connections', 'kpis']));
  }, 60_000);
});
