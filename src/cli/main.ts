#!/usr/bin/env node
/**
 * The kpi-sync command line. Commands live in ./commands, one a file, put together in
 * ./program.ts; what they share is built in src/app (the composition root).
 */
import { reportFatal } from './errors.ts';
import { buildProgram } from './program.ts';

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  reportFatal(error);
}
