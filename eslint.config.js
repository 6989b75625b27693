// `npm run lint` runs this after tsc and dependency-cruiser (.dependency-cruiser.mjs: layers and
// cycles): typescript-eslint's recommended rules on every TypeScript and JavaScript file.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // what .gitignore leaves out, and recorded fixtures
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.lab/', 'test/fixtures/'] },
  tseslint.configs.recommended,
  {
    // TEMPORARY, for files being rewritten elsewhere; delete once they pass without it.
    // src/probe/tracer.ts: ctrArgs's `let mode` is never reassigned.
    files: ['src/probe/tracer.ts'],
    rules: { 'prefer-const': 'off' },
  },
  {
    // TEMPORARY, for a file being rewritten elsewhere: its `type Obj = Record<string, any>` walks
    // parsed YAML documents; then an inline disable with that reason, or a typed walk.
    files: ['test/unit/fleet/manifest.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
