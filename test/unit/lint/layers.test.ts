/**
 * `npm run lint` enforces the layers of src/ and forbids import cycles (.dependency-cruiser.mjs),
 * type-only imports included: a copy of src/ and the lint configuration fails the layer check once
 * a lower layer imports a higher one, or once two modules import each other, and names the files;
 * the unmodified copy passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

const REPO = resolve(__dirname, '../../..');
const LINT_FILES = ['src', '.dependency-cruiser.mjs', 'tsconfig.json', 'package.json'];
let tmp: string;

/** A copy of what the layer check reads, with `edits` (file → line appended) applied. */
function copy(name: string, edits: Record<string, string> = {}): string {
  const dir = join(tmp, name);
  for (const f of LINT_FILES) cpSync(join(REPO, f), join(dir, f), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  for (const [file, line] of Object.entries(edits)) appendFileSync(join(dir, file), `\n${line}\n`);
  return dir;
}

/** The layer check exactly as `npm run lint` runs it. */
const lintLayers = (dir: string) => execa('npm', ['run', '--silent', 'lint:layers'], { cwd: dir, reject: false, all: true });

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'md-layers-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('the layer check of npm run lint', () => {
  it('runs in npm run lint', () => {
    const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.lint).toContain('npm run --silent lint:layers');
  });

  let results: Record<'unmodified' | 'upward' | 'cycle' | 'redaction', Awaited<ReturnType<typeof lintLayers>>>;
  beforeAll(async () => {
    // the copies are checked at the same time (each run takes seconds)
    const [unmodified, upward, cycle, redaction] = await Promise.all([
      lintLayers(copy('unmodified')),
      // checks (pure) imports the effectful tracer
      lintLayers(copy('upward', { 'src/checks/finding.ts': "import type { TraceOptions } from '../probe/tracer.js';\nexport type Upward = TraceOptions;" })),
      // make.ts imports finding.ts, and now the other way round
      lintLayers(copy('cycle', { 'src/checks/finding.ts': "import type { FindingInput } from './make.js';\nexport type Cycle = FindingInput;" })),
      // the parser redacts (redaction belongs to the edges, in report/)
      lintLayers(copy('redaction', { 'src/trace/parser.ts': "export { redact } from '../report/redact.js';" })),
    ]);
    results = { unmodified, upward, cycle, redaction };
  }, 120_000);

  it('passes on the unmodified sources', () => {
    expect(results.unmodified.exitCode, results.unmodified.all).toBe(0);
    expect(results.unmodified.all).toContain('no dependency violations found');
  });

  it('fails when checks imports probe (a type-only import), naming both files', () => {
    expect(results.upward.exitCode).not.toBe(0);
    expect(results.upward.all).toContain('error layer-checks: src/checks/finding.ts → src/probe/tracer.ts');
    expect(results.upward.all).not.toContain('no-circular');
  });

  it('fails on a cycle inside one layer (type-only imports), naming its files', () => {
    expect(results.cycle.exitCode).not.toBe(0);
    expect(results.cycle.all).toMatch(/error no-circular: src\/checks\/finding\.ts → \n\s+src\/checks\/make\.ts →\n\s+src\/checks\/finding\.ts/);
    expect(results.cycle.all).not.toMatch(/error layer-/);
  });

  it('fails when trace imports report (the parser redacting), naming both files', () => {
    expect(results.redaction.exitCode).not.toBe(0);
    expect(results.redaction.all).toContain('error layer-trace: src/trace/parser.ts → src/report/redact.ts');
  });
});
