// Bundles the CLI for bin/mirror-doctor.js into dist/app/: main.js plus chunks that load on demand
// (each command, ink and react only when used). One bundle starts faster than hundreds of
// separately resolved modules (execa alone takes ~100 ms to resolve and load from node_modules).
// Chunks sit next to main.js, so every module is two folders below the checkout, as in src/ and
// dist/cli/ (fleet manifest finds dist/mirror-doctor.mjs that way).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { common, repo, requireBanner } from './lib/esbuild-common.mjs';

// an argument builds into that folder instead, emptied first (the tests build it into a temporary one)
const outdir = process.argv[2] ? resolve(process.argv[2]) : join(repo, 'dist', 'app');
rmSync(outdir, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: [join(repo, 'src', 'cli', 'main.ts')],
  outdir,
  splitting: true,
  chunkNames: '[name]-[hash]',
  banner: { js: requireBanner },
});
