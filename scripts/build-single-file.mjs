// Bundles the CLI into one file, dist/mirror-doctor.mjs, that runs with any Node.js >= 20 and no
// node_modules: ink, react, execa, commander, smol-toml and grpc-js inside; react-devtools-core
// (an optional ink dependency for development only) replaced by an empty stub.
import { build } from 'esbuild';
import { chmodSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { common, repo, requireBanner } from './lib/esbuild-common.mjs';

// an argument writes it elsewhere (the tests build it into a temporary folder)
const out = process.argv[2] ? resolve(process.argv[2]) : join(repo, 'dist', 'mirror-doctor.mjs');
await build({
  ...common,
  entryPoints: [join(repo, 'src', 'cli', 'single-file.ts')],
  outfile: out,
  banner: { js: `#!/usr/bin/env node\n${requireBanner}` },
});
chmodSync(out, 0o755);
console.log(`${relative(process.cwd(), out)}: ${(statSync(out).size / 1024).toFixed(0)} KiB`);
