/**
 * mirror-doctor's version, from package.json (the only place it is written). The esbuild bundles
 * (dist/app and the single file, which runs with no package.json beside it) get it baked in by
 * scripts/lib/esbuild-common.mjs; the tsc-built modules and the tests read ../package.json, which
 * is the checkout's from both src/ and dist/.
 */
import { createRequire } from 'node:module';

/** Replaced by package.json's version in the esbuild bundles (esbuild `define`); undefined elsewhere. */
declare const __MIRROR_DOCTOR_VERSION__: string | undefined;

export const VERSION: string =
  typeof __MIRROR_DOCTOR_VERSION__ === 'string'
    ? __MIRROR_DOCTOR_VERSION__
    : (createRequire(import.meta.url)('../package.json') as { version: string }).version;
