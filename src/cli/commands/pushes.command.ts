import type { Command } from 'commander';
import { wholeNumber } from '../options.ts';
import { outputOption, printJson, type OutputFormat } from '../output.ts';
import { UsageError } from '../../sdk/errors.ts';
import type { PushPayload } from '../../notify/targets/push-payload.ts';
import type { OutboxStatus } from '../../store/store.ts';
import { withApp } from '../with-app.ts';
import { formatPercent } from '../../app/format.ts';
import { table } from '../table.ts';

const SHOWN: OutboxStatus[] = ['pending', 'held', 'failed', 'dead'];

export function registerPushes(program: Command): void {
  const pushes = program
    .command('pushes')
    .description('list KR pushes waiting, held by the guard, failed or dead-lettered (--all for delivered too)')
    .option('--all', 'include delivered pushes')
    .option('-n, --limit <n>', 'how many (1–10000)', wholeNumber('--limit', 1, 10_000), 50)
    .addOption(outputOption())
    .action(async (opts: { all?: boolean; limit: number; output: OutputFormat }, command: Command) => {
      await withApp(command, async (app) => {
        const entries = await app.store.listOutbox({ channel: 'push', limit: opts.limit, ...(opts.all ? {} : { status: SHOWN }) });
        // The outbox entries as stored; `payload` is the KR push (value, progress, period, note) as targets receive it.
        if (opts.output === 'json') return printJson({ pushes: entries }, app.redactor);
        const rows = table(['id', 'status', 'target', 'KR', 'value', 'progress', 'period', 'attempts', 'note / last error']);
        for (const entry of entries) {
          const push = entry.payload as PushPayload;
          rows.push([
            entry.id,
            entry.status,
            entry.destination,
            push.kr,
            String(push.value),
            formatPercent(push.progress),
            push.period.slice(0, 10),
            String(entry.attempts),
            (entry.lastStatus ? `${entry.lastStatus} ` : '') + (entry.lastError ?? '').slice(0, 90),
          ]);
        }
        process.stdout.write(app.redactor.scrub(entries.length > 0 ? `${rows.toString()}\n` : 'no KR pushes waiting, held, failed or dead-lettered\n'));
      });
    });

  pushes
    .command('approve <id>')
    .description('release a push the guard held (or re-queue a failed one); it goes out on the next delivery pass')
    .action(async (id: string, _opts, command: Command) => {
      await withApp(command, async (app) => {
        const entry = await app.store.getOutbox(id);
        if (entry?.channel !== 'push') throw new UsageError(`no KR push "${id}"; \`kpi-sync pushes\` lists them`);
        if (entry.status === 'delivered') throw new UsageError(`push "${id}" was already delivered`);
        const now = new Date().toISOString();
        await app.store.updateOutbox({ ...entry, status: 'pending', createdAt: now, nextAttemptAt: now, lastError: `approved ${now}` });
        process.stdout.write(`released ${id} to ${entry.destination}\n`);
      });
    });
}
