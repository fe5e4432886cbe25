import type { CheckContext, CheckResult } from '../../src/sdk/index.ts';
import { createSqlClient } from './client.ts';
import type { SqlConnection } from './schema.ts';

/**
 * `kpi-sync check`: logs in on a connection of its own, reads the server's version
 * and the user, and looks for write privileges. A user that can write passes, with
 * a warning in the log and in the detail: KPI queries only read, and a read-only
 * role (README) makes a wrong or hostile query harmless.
 */
export async function checkConnection(connection: SqlConnection, ctx: CheckContext): Promise<CheckResult> {
  const client = createSqlClient({ settings: connection, baseDir: ctx.baseDir, signal: ctx.signal, logger: ctx.logger, unpooled: true });
  const { target } = client;
  const facts = await client.session(async (run) => {
    if (target.dialect === 'postgres') return (await import('./postgres-driver.ts')).inspectPostgres(run);
    return (await import('./mysql-driver.ts')).inspectMysql(run);
  });
  const where = `${facts.version} at ${target.label} as ${facts.user}, ${target.ssl === 'disable' ? 'without TLS' : `TLS ${target.ssl}`}`;
  if (facts.writes.length === 0) return { detail: `${where}; read-only: no write privileges found` };
  const writes = facts.writes.slice(0, 5).join('; ') + (facts.writes.length > 5 ? `; and ${facts.writes.length - 5} more` : '');
  ctx.logger.warn(
    { database: target.label, user: facts.user, writes: facts.writes.slice(0, 20) },
    'this sql connection can write; use a read-only role (see the sql connector README)',
  );
  return { detail: `${where}; WARNING: this user can write (${writes}); KPI queries only read: use a read-only role (see the sql connector README)` };
}
