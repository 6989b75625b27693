/**
 * The launcher the fleet manifest ships in its ConfigMap (key `launch.mjs`) next to the compressed
 * single-file build. It runs in the pod with the image's `node`, so it is plain JavaScript that
 * needs nothing but Node.js's own modules (zlib, crypto). Kept in its own file so that tests can
 * run it exactly as the pod does.
 */

/** ConfigMap keys (and file names in the mounted ConfigMap folder). */
export const LAUNCHER_KEY = 'launch.mjs';
export const BUNDLE_KEY = 'mirror-doctor.mjs.br';
export const BUNDLE_SHA256_KEY = 'mirror-doctor.mjs.sha256';

export const LAUNCHER_SOURCE = `// mirror-doctor launcher: node launch.mjs <mirror-doctor arguments>
// Unpacks the single-file build shipped next to this file (brotli; checked against its SHA-256)
// into $TMPDIR and runs it in this process with the given arguments: the report (JSON) goes to
// stdout, anything else to stderr.
// MIRROR_DOCTOR_AFTER=sleep (DaemonSet): afterwards keep the pod alive, so its log stays readable
//   and the pod never restarts (no crash loop, no second run).
// MIRROR_DOCTOR_AFTER=exit (Job): exit 0 when check ran (its exit code 0 = no error finding,
//   1 = an error finding; the verdict is in the report), else mirror-doctor's code (2 = could not run).
// MIRROR_DOCTOR_DONE_FILE: written at the end with check's exit code (the readiness probe).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const say = (line) => process.stderr.write(\`mirror-doctor launcher: \${line}\\n\`);
let code = 2;
try {
  const bundle = brotliDecompressSync(readFileSync(join(here, '${BUNDLE_KEY}')));
  const want = readFileSync(join(here, '${BUNDLE_SHA256_KEY}'), 'utf8').trim();
  const got = createHash('sha256').update(bundle).digest('hex');
  if (got !== want) throw new Error(\`the unpacked build has SHA-256 \${got}, the ConfigMap says \${want}\`);
  const file = join(mkdtempSync(join(tmpdir(), 'mirror-doctor-')), 'mirror-doctor.mjs');
  writeFileSync(file, bundle, { mode: 0o400 });
  process.argv[1] = file;
  await import(pathToFileURL(file).href);
  const exit = Number(process.exitCode ?? 0);
  code = Number.isInteger(exit) ? exit : 2;
} catch (e) {
  say(e instanceof Error ? e.message : String(e));
  code = 2;
}
if (code > 1) say(\`mirror-doctor exited with code \${code} (it could not run; the reason is above)\`);
try {
  writeFileSync(process.env.MIRROR_DOCTOR_DONE_FILE || join(tmpdir(), 'mirror-doctor.done'), \`\${code}\\n\`);
} catch (e) {
  say(\`cannot write the done file: \${e instanceof Error ? e.message : String(e)}\`);
}
if (process.env.MIRROR_DOCTOR_AFTER === 'sleep') {
  process.exitCode = 0;
  const stop = () => process.exit(0);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  setInterval(() => {}, 2 ** 31 - 1);
} else {
  const result = code === 0 || code === 1 ? 0 : code;
  process.exitCode = result;
  // a handle left open must not keep a finished Job running
  setTimeout(() => process.exit(result), 5000).unref();
}
`;
