#!/usr/bin/env node
// Thin launcher: the CLI is TypeScript run by Node's built-in type stripping (Node >= 22.18 / 24).
import '../src/cli/main.ts';
