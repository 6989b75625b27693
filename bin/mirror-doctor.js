#!/usr/bin/env node
// Thin shim: the real entry point is the built CLI (npm run build): the bundle in dist/app/ (one
// file per command, loaded on demand; starts faster), else the plain compiled modules in dist/cli/.
// No top-level await here (nor other syntax Node.js 12 cannot parse), so that an old Node.js reaches
// the version gate, imported first, instead of a syntax error.
import './node-version-gate.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const candidates = [new URL('../dist/app/main.js', import.meta.url), new URL('../dist/cli/main.js', import.meta.url)];
const entry = candidates.find((u) => existsSync(fileURLToPath(u)));
if (!entry) {
  process.stderr.write('mirror-doctor: not built yet; run `npm run build` in ' + fileURLToPath(new URL('..', import.meta.url)) + '\n');
  process.exit(2);
}
import(entry.href)
  .then(({ main }) => main(process.argv))
  .then((code) => {
    process.exitCode = code;
  });
