#!/usr/bin/env node
// Launcher for the bundled CLI. `npm run build` produces dist/cli.mjs.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  console.error(`hybrid-dhm: ${cli} is missing; run \`npm run build\` in the package folder first`);
  process.exit(1);
}
await import(pathToFileURL(cli).href);
