#!/usr/bin/env node
// The kpi-sync command. Written for any Node, so an unsupported one gets one clear
// line instead of a syntax or module error: the version check runs before the CLI is
// loaded (a static import would be evaluated first).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`kpi-sync needs Node.js 22.18 or newer (Node 24 LTS recommended); this is Node ${process.versions.node}.\n`);
  process.exit(1);
}
// An installed package runs the JavaScript build; a git checkout runs the TypeScript
// sources through Node's type stripping.
const { existsSync } = await import('node:fs');
const built = new URL('../dist/src/cli/main.js', import.meta.url);
await import(existsSync(built) ? built.href : new URL('../src/cli/main.ts', import.meta.url).href);
