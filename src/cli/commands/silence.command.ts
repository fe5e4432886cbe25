import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { App } from '../../app/app.ts';
import { unknownId } from '../../config/suggest.ts';
import { parseDuration } from '../../domain/periods.ts';
import { matcherText } from '../../notify/silences.ts';
import { UsageError } from '../../sdk/errors.ts';
import type { Silence } from '../../store/store.ts';
import { table } from '../table.ts';
import { withApp } from '../with-app.ts';

/** `silence list` shows silences still active and those that ended within this long. */
const RECENT_MS = 86_400_000;

interface AddOptions {
  kpi?: string;
  category?: string;
  for?: string;
  reason?: string;
  by?: string;
}

export function registerSilence(program: Command): void {
  const silence = program
    .command('silence')
    .description("mute alerts about a KPI or a category for a while (Alertmanager's silences): they are recorded as silenced, not sent");

  silence
    .command('add')
    .description('silence the alerts of one KPI (--kpi) or of every KPI in a category (--category), from now for --for')
    .option('--kpi <id>', 'the KPI whose alerts to silence')
    .option('--category <name>', 'silence every KPI of this category')
    .option('--for <duration>', 'how long: a number and m, h, d or w ("90m", "2h", "1d")')
    .option('--reason <text>', 'why: shown by `silence list` and kept on every alert it silences')
    .option('--by <name>', 'who is silencing (default: $USER)')
    .action(async (opts: AddOptions, command: Command) => {
      const { durationMs, reason } = checkAdd(opts);
      await withApp(command, async (app) => {
        const matcher = matcherOf(app, opts);
        const now = new Date();
        const added: Silence = {
          id: `sil_${randomBytes(4).toString('hex')}`,
          matcher,
          startsAt: now.toISOString(),
          endsAt: new Date(now.getTime() + durationMs).toISOString(),
          reason,
          createdBy: opts.by?.trim() || whoAmI(),
        };
        await app.store.addSilence(added);
        process.stdout.write(
          app.redactor.scrub(
            `silenced ${matcherText(matcher)} until ${added.endsAt} (${opts.for}): ${added.id}\n` +
              `alerts about it are recorded as silenced, not sent; KR pushes still go out. End it early with \`kpi-sync silence remove ${added.id}\`\n`,
          ),
        );
      });
    });

  silence
    .command('list')
    .description('silences that are active or ended in the last 24 hours: what they match, until when, who added them and why')
    .action(async (_opts, command: Command) => {
      await withApp(command, async (app) => {
        const now = Date.now();
        const silences = await app.store.listSilences({ endsAfter: new Date(now - RECENT_MS).toISOString() });
        if (silences.length === 0) {
          process.stdout.write('no silences active or ended in the last 24 hours\n');
          return;
        }
        const rows = table(['id', 'matches', 'state', 'from', 'until', 'by', 'reason']);
        for (const s of silences) rows.push([s.id, matcherText(s.matcher), stateOf(s, now), s.startsAt, s.endsAt, s.createdBy, s.reason]);
        process.stdout.write(app.redactor.scrub(`${rows.toString()}\n`));
      });
    });

  silence
    .command('remove <id>')
    .description('end a silence now; it stays in `silence list` for a day as removed')
    .action(async (id: string, _opts, command: Command) => {
      await withApp(command, async (app) => {
        const at = new Date().toISOString();
        const ended = await app.store.removeSilence(id, at);
        if (!ended) {
          const recent = await app.store.listSilences({ endsAfter: new Date(Date.parse(at) - RECENT_MS).toISOString() });
          throw unknownId(
            'silence',
            id,
            recent.map((s) => s.id),
          );
        }
        const what = matcherText(ended.matcher);
        if (ended.removedAt === at) process.stdout.write(`removed ${id}: alerts about ${what} are sent again from now\n`);
        else process.stdout.write(`silence ${id} (${what}) had already ended at ${ended.endsAt}; nothing changed\n`);
      });
    });
}

/** Everything that can be checked before the config and the store are opened. */
function checkAdd(opts: AddOptions): { durationMs: number; reason: string } {
  if (Boolean(opts.kpi) === Boolean(opts.category)) throw new UsageError('silence add needs exactly one of --kpi ID or --category NAME');
  if (!opts.for) throw new UsageError('silence add needs --for, how long it lasts ("2h", "90m", "1d")');
  let durationMs: number;
  try {
    durationMs = parseDuration(opts.for);
  } catch {
    throw new UsageError(`--for: not a duration: "${opts.for}" (expected a number and m, h, d or w, such as "90m", "2h", "1d")`);
  }
  if (durationMs <= 0) throw new UsageError(`--for must be longer than 0; got "${opts.for}"`);
  const reason = opts.reason?.trim();
  if (!reason) throw new UsageError('silence add needs --reason: say why, for whoever wonders where the alerts went');
  return { durationMs, reason };
}

/** The KPI or category, known to the config in force (with did-you-mean when not). */
function matcherOf(app: App, opts: AddOptions): Silence['matcher'] {
  if (opts.kpi) {
    if (!app.catalog.kpis.has(opts.kpi)) throw unknownId('KPI', opts.kpi, app.catalog.kpis.keys());
    return { kpi: opts.kpi };
  }
  const categories = new Set([...app.catalog.kpis.values()].map((kpi) => kpi.category));
  if (!categories.has(opts.category!)) throw unknownId('category', opts.category!, categories);
  return { category: opts.category! };
}

function stateOf(silence: Silence, nowMs: number): string {
  if (Date.parse(silence.endsAt) > nowMs) return Date.parse(silence.startsAt) > nowMs ? 'pending' : 'active';
  return silence.removedAt ? 'removed' : 'expired';
}

function whoAmI(): string {
  try {
    return process.env.USER || userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
