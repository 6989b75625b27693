// Bundles the CLI into one file, dist/mirror-doctor.mjs, that runs with any Node.js >= 20 and no
// node_modules: ink, react, execa, commander, smol-toml and grpc-js inside; react-devtools-core
// (an optional ink dependency for development only) replaced by an empty stub.
import { build } from 'esbuild';
import { chmodSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const repo = fileURLToPath(new URL('..', import.meta.url));
const out = join(repo, 'dist', 'mirror-doctor.mjs');
await build({
  entryPoints: [join(repo, 'src', 'cli', 'single-file.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  alias: { 'react-devtools-core': join(repo, 'scripts', 'lib', 'devtools-stub.mjs') },
  define: { 'process.env.NODE_ENV': '"production"' },
  // CommonJS dependencies bundled into ESM need a require() of their own
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __mdCreateRequire } from 'node:module';\nconst require = __mdCreateRequire(import.meta.url);",
  },
});
chmodSync(out, 0o755);
console.log(`dist/mirror-doctor.mjs: ${(statSync(out).size / 1024).toFixed(0)} KiB`);
