#!/usr/bin/env node
// Thin shim: the real entry point is the built CLI (npm run build): the bundle in dist/app/ (one
// file per command, loaded on demand; starts faster), else the plain compiled modules in dist/cli/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const candidates = [new URL('../dist/app/main.js', import.meta.url), new URL('../dist/cli/main.js', import.meta.url)];
const entry = candidates.find((u) => existsSync(fileURLToPath(u)));
if (!entry) {
  process.stderr.write('mirror-doctor: not built yet; run `npm run build` in ' + fileURLToPath(new URL('..', import.meta.url)) + '\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
