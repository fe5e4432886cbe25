import type { Command } from 'commander';
import { wholeNumber } from '../options.ts';
import { outputOption, printJson, type OutputFormat } from '../output.ts';
import { unknownId } from '../../config/suggest.ts';
import { UsageError } from '../../sdk/errors.ts';
import type { AlertEvent } from '../../notify/alert-event.ts';
import type { OutboxStatus } from '../../store/store.ts';
import { withApp } from '../with-app.ts';
import { table } from '../table.ts';

const SHOWN: OutboxStatus[] = ['pending', 'failed', 'dead'];

export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('list alerts waiting for delivery, failed or dead-lettered (use --all to include delivered ones)')
    .option('--all', 'include delivered alerts')
    .option('-n, --limit <n>', 'how many (1–10000)', wholeNumber('--limit', 1, 10_000), 50)
    .addOption(outputOption())
    .action(async (opts: { all?: boolean; limit: number; output: OutputFormat }, command: Command) => {
      await withApp(command, async (app) => {
      const entries = await app.store.listOutbox({ channel: 'alert', limit: opts.limit, ...(opts.all ? {} : { status: SHOWN }) });
      if (opts.output === 'json') {
        // The outbox entries as stored; `payload` is the alert event exactly as destinations receive it.
        const marks = await app.store.disabledDestinations();
        const disabled = app.catalog.alerts.destinations.flatMap((d) => (marks.has(d.name) ? [{ name: d.name, ...marks.get(d.name)! }] : []));
        return printJson({ alerts: entries, disabledDestinations: disabled }, app.redactor);
      }
      const rows = table(['id', 'status', 'destination', 'KPI', 'transition', 'attempts', 'next / last', 'last error']);
      for (const entry of entries) {
        const event = entry.payload as AlertEvent;
        rows.push([
          entry.id,
          entry.status,
          entry.destination,
          event.kpi?.id ?? '',
          `${event.from} → ${event.to}${event.type === 'health.repeat' ? ' (repeat)' : ''}`,
          String(entry.attempts),
          entry.status === 'pending' ? entry.nextAttemptAt : (entry.deliveredAt ?? entry.lastAttemptAt ?? ''),
          (entry.lastStatus ? `${entry.lastStatus} ` : '') + (entry.lastError ?? '').slice(0, 80),
        ]);
      }
      const marks = await app.store.disabledDestinations();
      const disabled = app.catalog.alerts.destinations.map((d) => d.name).filter((name) => marks.has(name));
      process.stdout.write(app.redactor.scrub(entries.length > 0 ? `${rows.toString()}\n` : 'no alerts waiting, failed or dead-lettered\n'));
      if (disabled.length > 0) process.stdout.write(`disabled destinations (answered 410 Gone): ${disabled.join(', ')} — re-enable with \`kpi-sync alerts enable NAME\`\n`);
      });
    });

  alerts
    .command('retry <id>')
    .description('queue a failed or dead-lettered alert again (same event id, so receivers can deduplicate)')
    .action(async (id: string, _opts, command: Command) => {
      await withApp(command, async (app) => {
      const entry = await app.store.getOutbox(id);
      if (!entry || entry.channel !== 'alert') throw new UsageError(`no alert "${id}"; \`kpi-sync alerts\` lists them`);
      if (entry.status === 'delivered') throw new UsageError(`alert "${id}" was already delivered`);
      const now = new Date().toISOString();
      // A fresh createdAt restarts the maximum-age clock; the event id stays the receiver's idempotency key.
      await app.store.updateOutbox({ ...entry, status: 'pending', nextAttemptAt: now, createdAt: now });
      process.stdout.write(`queued ${id} for ${entry.destination}\n`);
      });
    });

  alerts
    .command('enable <destination>')
    .description('re-enable a destination that was disabled after answering 410 Gone')
    .action(async (name: string, _opts, command: Command) => {
      await withApp(command, async (app) => {
      if (!app.catalog.alerts.destinations.some((d) => d.name === name)) throw unknownId('destination', name, app.catalog.alerts.destinations.map((d) => d.name));
      await app.store.setDestinationDisabled(name, undefined);
      process.stdout.write(`destination ${name} enabled; held alerts go out on the next delivery pass\n`);
      });
    });
}
