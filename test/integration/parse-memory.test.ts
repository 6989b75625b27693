/**
 * What `parse` of a big log costs in memory, on the Node.js that runs the tests (CI runs this on
 * each tested release: the V8 flags that size the young generation behave differently between
 * V8 versions). A log of pulls grows the young generation to 32 MiB in one step and no further; a
 * busy node's log, where pulls are rare, never grows it. Peak RSS from the process itself.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module of the benchmark scripts
import { generate } from '../../scripts/lib/gen-daemon-log.mjs';

const repo = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'md-parse-memory-'));
const logs = { pulls: join(dir, 'pulls.log'), busy: join(dir, 'busy-node.log') };

interface Mark {
  event: string;
  youngMiB?: number;
  maxRssMiB?: number;
}

function parse(entry: string, file: string): Mark[] {
  const timeline = join(dir, `timeline-${Math.random().toString(36).slice(2)}.jsonl`);
  const r = spawnSync(process.execPath, [entry, 'parse', file, '--json'], { env: { ...process.env, MIRROR_DOCTOR_TIMELINE: timeline }, stdio: ['ignore', 'ignore', 'pipe'] });
  expect([0, 1], String(r.stderr)).toContain(r.status);
  return readFileSync(timeline, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Mark);
}

beforeAll(async () => {
  const fixtures = join(repo, 'test/fixtures/lab');
  await generate(logs.pulls, 24 * 2 ** 20, fixtures, 3, 'pulls');
  await generate(logs.busy, 24 * 2 ** 20, fixtures, 3, 'busy-node');
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// the single file compiles its whole 3 MiB bundle at start: ~20 MiB more on Node.js 24
describe.each([
  ['bin/mirror-doctor.js', join(repo, 'bin/mirror-doctor.js'), 100],
  ['the single file', join(repo, 'dist/mirror-doctor.mjs'), 120],
])(`parse of a 24 MiB log on Node.js ${process.version}, %s`, (_name, entry, busyRss) => {
  it('a log of pulls: the young generation grows once, to 32 MiB, and stays there', () => {
    const marks = parse(entry, logs.pulls);
    const grown = marks.filter((m) => m.event === 'parse: young generation grown');
    expect(grown).toHaveLength(1);
    expect(grown[0]?.youngMiB).toBeGreaterThanOrEqual(32);
    expect(grown[0]?.youngMiB).toBeLessThanOrEqual(34);
    expect(marks.find((m) => m.event === 'parse: input ended')?.youngMiB).toBe(grown[0]?.youngMiB);
    expect(marks.find((m) => m.event === 'parse: input ended')?.maxRssMiB).toBeLessThan(150);
  });

  it(`a busy node's log: the young generation keeps its first size, under ${busyRss} MiB in all`, () => {
    const marks = parse(entry, logs.busy);
    expect(marks.some((m) => m.event === 'parse: young generation grown')).toBe(false);
    const end = marks.find((m) => m.event === 'parse: input ended');
    expect(end?.youngMiB).toBeLessThan(32);
    expect(end?.maxRssMiB).toBeLessThan(busyRss);
  });
});
