import { hostname } from 'node:os';
import type { Command } from 'commander';
import { wholeNumber } from '../options.ts';
import { outputOption, printJson, type OutputFormat } from '../output.ts';
import { unknownId } from '../../config/suggest.ts';
import { UsageError } from '../../sdk/errors.ts';
import type { AlertEvent } from '../../notify/alert-event.ts';
import { createDeliverers } from '../../notify/deliverers.ts';
import { requeueGone } from '../../notify/requeue-gone.ts';
import { describeTestOutcome, sendTestAlert, testAlertEvent } from '../../notify/test-alert.ts';
import type { OutboxStatus } from '../../store/store.ts';
import { withApp } from '../with-app.ts';
import { table } from '../table.ts';

const SHOWN: OutboxStatus[] = ['pending', 'failed', 'dead'];
const DAY_MS = 86_400_000;

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
        if (!opts.all) {
          // Silenced alerts need no action, so the list above leaves them out; say they exist.
          const since = Date.now() - DAY_MS;
          const silenced = (await app.store.listOutbox({ channel: 'alert', status: ['silenced'] })).filter((e) => Date.parse(e.createdAt) >= since).length;
          if (silenced > 0)
            process.stdout.write(
              `${silenced} alert(s) silenced in the last 24 h, recorded and not sent: \`kpi-sync alerts --all\` lists them, \`kpi-sync silence list\` shows the silences\n`,
            );
        }
        if (disabled.length > 0)
          process.stdout.write(`disabled destinations (answered 410 Gone): ${disabled.join(', ')} — re-enable with \`kpi-sync alerts enable NAME\`\n`);
      });
    });

  alerts
    .command('retry <id>')
    .description('queue a failed or dead-lettered alert again (same event id, so receivers can deduplicate)')
    .action(async (id: string, _opts, command: Command) => {
      await withApp(command, async (app) => {
        const entry = await app.store.getOutbox(id);
        if (entry?.channel !== 'alert') throw new UsageError(`no alert "${id}"; \`kpi-sync alerts\` lists them`);
        if (entry.status === 'delivered') throw new UsageError(`alert "${id}" was already delivered`);
        const now = new Date().toISOString();
        // A fresh createdAt restarts the maximum-age clock; the event id stays the receiver's idempotency key.
        await app.store.updateOutbox({ ...entry, status: 'pending', nextAttemptAt: now, createdAt: now });
        process.stdout.write(`queued ${id} for ${entry.destination}\n`);
      });
    });

  alerts
    .command('enable <destination>')
    .description('re-enable a destination that was disabled after answering 410 Gone, and requeue the alerts that failed with that 410')
    .action(async (name: string, _opts, command: Command) => {
      await withApp(command, async (app) => {
        if (!app.catalog.alerts.destinations.some((d) => d.name === name))
          throw unknownId(
            'destination',
            name,
            app.catalog.alerts.destinations.map((d) => d.name),
          );
        await app.store.setDestinationDisabled(name, undefined);
        const requeued = await requeueGone(app.store, name, new Date());
        const again =
          requeued.length > 0 ? `; requeued ${requeued.length} alert(s) that failed with 410 Gone (same event ids)` : '; no alert had failed with 410 Gone';
        process.stdout.write(`destination ${name} enabled${again}; held and requeued alerts go out on the next delivery pass\n`);
      });
    });

  alerts
    .command('test <destination>')
    .description('send a clearly marked test alert to a destination now, the way real alerts go, and print what happened')
    .action(async (name: string, _opts, command: Command) => {
      await withApp(command, async (app) => {
        const destinations = app.catalog.alerts.destinations;
        if (!destinations.some((d) => d.name === name))
          throw unknownId(
            'destination',
            name,
            destinations.map((d) => d.name),
          );
        // The registry the dispatcher uses, so the request is built, signed and sent exactly as a real alert's.
        const deliverer = createDeliverers({ destinations: destinations.filter((d) => d.name === name), targets: [] }).get(name)!;
        const disabled = (await app.store.disabledDestinations()).get(name);
        if (disabled)
          process.stdout.write(
            app.redactor.scrub(
              `note: ${name} is disabled since ${disabled.at} (${disabled.reason}); real alerts to it are held until \`kpi-sync alerts enable ${name}\`\n`,
            ),
          );
        const event = testAlertEvent({ destination: name, host: hostname(), now: new Date() });
        const outcome = await sendTestAlert(deliverer, event, new AbortController().signal);
        const line = app.redactor.scrub(`${describeTestOutcome(name, outcome)} (event ${event.id})\n`);
        if (outcome.result.outcome === 'delivered') process.stdout.write(line);
        else {
          process.stderr.write(line);
          process.exitCode = 1;
        }
      });
    });
}
