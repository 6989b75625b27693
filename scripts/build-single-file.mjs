// Bundles the CLI into one file, dist/mirror-doctor.mjs, that runs with any Node.js the version gate
// (bin/node-version-gate.js) lets through and no node_modules: ink, react, execa, commander,
// smol-toml and grpc-js inside; react-devtools-core (an optional ink dependency for development
// only) replaced by an empty stub. Also writes dist/mirror-doctor.mjs.sha256 (`sha256sum -c` format).
//
// The gate is the file's first statement; for it to run, an old Node.js must first parse and link
// the whole file. So the syntax is lowered to what Node.js 14.8 parses (top-level await, which
// yoga-layout and ink use, is the floor: Node.js 12 fails to parse the file), and Node's built-in
// modules are loaded with require() instead of named ESM imports, which fail to link on an old
// Node.js that lacks one of the names (e.g. `events.addAbortListener`, Node.js 20.5).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, join, relative, resolve } from 'node:path';
import { common, repo, requireBanner } from './lib/esbuild-common.mjs';

const builtins = new Set(builtinModules);
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!builtins.has(name)) return undefined;
      // the stub's own require() stays a require() of the bare name (node: in require() is Node.js 14.18+)
      if (args.namespace === 'builtin-by-require') return { path: name, external: true };
      return { path: name, namespace: 'builtin-by-require' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin-by-require' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

const gate = readFileSync(join(repo, 'bin', 'node-version-gate.js'), 'utf8');
// an argument writes it elsewhere (the tests build it into a temporary folder)
const out = process.argv[2] ? resolve(process.argv[2]) : join(repo, 'dist', 'mirror-doctor.mjs');
await build({
  ...common,
  target: 'node14.8',
  plugins: [builtinsByRequire],
  entryPoints: [join(repo, 'src', 'cli', 'single-file.ts')],
  outfile: out,
  banner: { js: `#!/usr/bin/env node\n${gate}${requireBanner}` },
});
chmodSync(out, 0o755);
const data = readFileSync(out);
writeFileSync(`${out}.sha256`, `${createHash('sha256').update(data).digest('hex')}  ${basename(out)}\n`);
console.error(`${relative(process.cwd(), out)}: ${(statSync(out).size / 1024).toFixed(0)} KiB`);
