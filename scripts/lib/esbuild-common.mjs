// esbuild options shared by the two bundles of the CLI (scripts/build-app.mjs and
// scripts/build-single-file.mjs): Node 20 ESM, react-devtools-core (an optional ink dependency for
// development only) replaced by an empty stub, React's production build, and a require() for the
// CommonJS dependencies bundled into ESM.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../..', import.meta.url));

export const common = {
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
};

export const requireBanner = "import { createRequire as __mdCreateRequire } from 'node:module';\nconst require = __mdCreateRequire(import.meta.url);";
