import type { Command } from 'commander';
import { createApp, type App, type GlobalOptions } from './app.ts';

/** Runs a one-shot command with the app built from the global options, and always closes it. */
export async function withApp<T>(command: Command, work: (app: App) => Promise<T>): Promise<T> {
  const app = await createApp(command.optsWithGlobals<GlobalOptions>());
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
