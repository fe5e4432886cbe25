/**
 * The built-in connectors. The composition root (src/cli) reads this list; extra
 * connectors come from npm packages named as a connection `type`.
 */
import type { Connector } from '../src/sdk/index.ts';
import csv from './csv/index.ts';
import intercom from './intercom/index.ts';
import jira from './jira/index.ts';
import salesforce from './salesforce/index.ts';

export const builtInConnectors: Connector[] = [csv, salesforce, jira, intercom];
