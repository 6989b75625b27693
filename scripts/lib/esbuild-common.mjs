// esbuild options shared by the two bundles of the CLI (scripts/build-app.mjs and
// scripts/build-single-file.mjs): Node 20 ESM, react-devtools-core (an optional ink dependency for
// development only) replaced by an empty stub, React's production build, package.json's version
// baked in (src/version.ts; the single file runs with no package.json beside it), and a require()
// for the CommonJS dependencies bundled into ESM.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));

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
  define: { 'process.env.NODE_ENV': '"production"', __MIRROR_DOCTOR_VERSION__: JSON.stringify(version) },
};

export const requireBanner = "import { createRequire as __mdCreateRequire } from 'node:module';\nconst require = __mdCreateRequire(import.meta.url);";
