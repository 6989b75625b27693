// `npm run lint` runs this after tsc and dependency-cruiser (.dependency-cruiser.mjs: layers and
// cycles): typescript-eslint's recommended rules on every TypeScript and JavaScript file.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // what .gitignore leaves out, and recorded fixtures
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.lab/', 'test/fixtures/'] },
  tseslint.configs.recommended,
);
