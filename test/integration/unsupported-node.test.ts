/**
 * On a real Node.js older than package.json "engines" (the "unsupported" releases of
 * scripts/node-versions, official binaries from the npm registry via scripts/node-bin), both
 * bin/mirror-doctor.js and the single file stop with the gate's one line and exit code 2: no
 * syntax or link error, no stack trace.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { execa } from 'execa';

const REPO = resolve(__dirname, '../..');
const VERSIONS = readFileSync(resolve(REPO, 'scripts/node-versions'), 'utf8')
  .split('\n')
  .map((l) => l.split(/\s+/))
  .filter(([role]) => role === 'unsupported')
  .map(([, v]) => v!);
const ENTRIES = { bin: resolve(REPO, 'bin/mirror-doctor.js'), 'single file': resolve(REPO, 'dist/mirror-doctor.mjs') };
const nodes: Record<string, string> = {};

describe('unsupported Node.js', () => {
  beforeAll(async () => {
    expect(existsSync(ENTRIES['single file']), 'run `npm run build` first').toBe(true);
    expect(VERSIONS.length).toBeGreaterThan(0);
    for (const v of VERSIONS) nodes[v] = (await execa(resolve(REPO, 'scripts/node-bin'), [v])).stdout;
  }, 300_000);

  for (const v of VERSIONS) {
    it.each(Object.entries(ENTRIES))(`Node.js ${v}: %s prints one line and exits 2`, async (_, entry) => {
      const r = await execa(nodes[v]!, [entry, 'check', '--offline'], { reject: false });
      expect(r.stderr).toBe(`mirror-doctor: Node.js v${v} is not supported: it needs Node.js 20.19 or newer (20, 22 and 24 are tested)`);
      expect(r.stdout).toBe('');
      expect(r.exitCode).toBe(2);
    });
  }
});
