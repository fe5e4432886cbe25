import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/app.ts';
import { openTestApp } from '../helpers/test-app.ts';
import { assertSchedulable } from '../../src/schedule/schedule-issues.ts';
import { tempDir } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config-folder.ts';

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('App.reloadOrKeep (SIGHUP in both modes)', () => {
  it('keeps the running catalog when the new one fails checkCatalog (a bad cron), and takes a good one', async () => {
    const { dir } = writeTestConfig();
    app = await openTestApp({ config: dir, db: path.join(tempDir(), 'reload.db'), logLevel: 'fatal' }, { checkCatalog: assertSchedulable });
    const running = app.catalog;

    const extra = (schedule: string) => `kpis:
  - id: ticking
    name: Ticking
    category: Growth
    interval: day
    timezone: UTC
    schedule: "${schedule}"
    source:
      connection: local
      query:
        date: { column: date }
        value: { column: amount, aggregate: sum }
`;
    writeFileSync(path.join(dir, 'extra.yaml'), extra('61 * * * *'));
    expect(await app.reloadOrKeep()).toBeUndefined();
    expect(app.catalog).toBe(running);
    expect(app.env.catalog).toBe(running);

    writeFileSync(path.join(dir, 'extra.yaml'), extra('*/5 * * * *'));
    const next = await app.reloadOrKeep();
    expect(next?.kpis.has('ticking')).toBe(true);
    expect(app.catalog).toBe(next);
  });
});
