export { UsageError } from '../errors.js'; // only for src/fleet/manifest.ts and src/cli/parse.ts until they import ../errors.js
