/**
 * Degenerate inputs through the built CLI (bin/mirror-doctor.js), each under 200 MiB of peak RSS
 * (measured by /usr/bin/time -v, the way scripts/bench-parse does): one endless pull, the same
 * line over and over in a small gzip, a million pulls that never end, a config.toml of tiny
 * tables, and `fleet collect` of /dev/zero and of an endless standard input. Each ends with a
 * stated partial result (the document says what it did not keep) or one line and exit 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module of the test helpers
import { endlessPulls, identicalLinesGz, onePull, tinyTablesToml } from '../helpers/degenerate-inputs.mjs';

const repo = join(import.meta.dirname, '../..');
const CLI = join(repo, 'bin/mirror-doctor.js');
const TIME = '/usr/bin/time';
const LIMIT_MIB = 200;
const dir = mkdtempSync(join(tmpdir(), 'md-bounded-memory-'));
const files = {
  onePull: join(dir, 'one-pull.log'),
  identical: join(dir, 'identical.log.gz'),
  endless: join(dir, 'endless-pulls.log'),
  root: join(dir, 'node'),
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  peakMiB: number;
}

/** Runs `sh -c` with the CLI under /usr/bin/time at `@CLI`; the CLI's exit code, output and peak RSS. */
function measured(shell: string, stdoutFile?: string): Run {
  const timeOut = join(dir, `time-${Math.random().toString(36).slice(2)}.txt`);
  const cmd = shell.replace('@CLI', `${TIME} -v -o ${timeOut} ${process.execPath} ${CLI}`);
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env: { ...process.env, NO_COLOR: '1' } });
  const report = readFileSync(timeOut, 'utf8');
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
  const exit = /Exit status: (\d+)/.exec(report);
  expect(rss, report).not.toBeNull();
  return {
    status: exit ? Number(exit[1]) : r.status,
    stdout: stdoutFile ? readFileSync(stdoutFile, 'utf8') : r.stdout,
    stderr: r.stderr,
    peakMiB: Math.round(Number(rss![1]) / 1024),
  };
}

interface Doc {
  result: string;
  attempts: unknown[];
  warnings: string[];
  dropped: { attempts: number; warnings: number; hostsTomlErrors: number } | null;
}

const docsOf = (text: string) => JSON.parse(text) as Doc[];

beforeAll(async () => {
  expect(existsSync(join(repo, 'dist/app')), 'run `npm run build` first').toBe(true);
  expect(existsSync(TIME), 'these tests need /usr/bin/time (Debian package time)').toBe(true);
  await onePull(files.onePull, 150 * 2 ** 20);
  await identicalLinesGz(files.identical, 600 * 2 ** 20);
  await endlessPulls(files.endless, 1_000_000);
  mkdirSync(join(files.root, 'etc/containerd'), { recursive: true });
  await tinyTablesToml(join(files.root, 'etc/containerd/config.toml'), 9.9 * 2 ** 20);
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`parse of degenerate logs stays under ${LIMIT_MIB} MiB`, () => {
  it('a 150 MiB log that is one pull: its first attempts, and how many more were not kept', () => {
    const out = join(dir, 'one-pull.json');
    const r = measured(`@CLI parse ${files.onePull} --json > ${out}`, out);
    expect(r.status, r.stderr).toBe(0);
    const docs = docsOf(r.stdout);
    expect(docs).toHaveLength(1);
    const d = docs[0]!;
    expect(d.result).toBe('incomplete');
    expect(d.attempts.length).toBe(2000);
    expect(d.dropped?.attempts).toBeGreaterThan(100_000);
    expect(d.warnings.some((w) => w.startsWith(`not kept, to bound memory: ${d.dropped!.attempts} more attempts`))).toBe(true);
    expect(r.peakMiB).toBeLessThan(LIMIT_MIB);
  }, 120_000);

  it('a small gzip of 600 MiB of one line repeated', () => {
    expect(statSync(files.identical).size).toBeLessThan(8 * 2 ** 20);
    const out = join(dir, 'identical.json');
    const r = measured(`@CLI parse ${files.identical} --json > ${out}`, out);
    expect(r.status, r.stderr).toBe(0);
    const docs = docsOf(r.stdout);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.dropped?.attempts).toBeGreaterThan(1_000_000);
    expect(r.peakMiB).toBeLessThan(LIMIT_MIB);
  }, 180_000);

  it('a million CRI pulls that never end: a document each', () => {
    // half a GB of JSON: counted as it streams by, the second line (the first document) kept
    const first = join(dir, 'endless-first.json');
    const r = measured(`@CLI parse ${files.endless} --json | awk 'NR == 2 { print > "${first}" } END { print NR }'`);
    expect(r.status, r.stderr).toBe(0);
    expect(Number(r.stdout)).toBe(1_000_000 + 2);
    const d = JSON.parse(readFileSync(first, 'utf8').replace(/,\n$/, '')) as Doc;
    expect(d.result).toBe('incomplete');
    expect(d.dropped).toBeNull();
    expect(r.peakMiB).toBeLessThan(LIMIT_MIB);
  }, 180_000);
});

describe(`check and fleet collect of degenerate files stay under ${LIMIT_MIB} MiB`, () => {
  it('a 9.9 MiB config.toml of tiny tables: not analysed, and the report says why', () => {
    const r = measured(`@CLI check --root ${files.root} --offline --json`);
    expect([0, 1], r.stderr).toContain(r.status);
    expect(r.stdout).toContain('holds more than 50000 TOML tables, keys and values; not a containerd config (not analysed)');
    expect(r.peakMiB).toBeLessThan(LIMIT_MIB);
  }, 120_000);

  it('fleet collect /dev/zero: one line, exit 2', () => {
    const r = measured('@CLI fleet collect /dev/zero');
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('mirror-doctor: /dev/zero is a binary file, not a report or a log');
    expect(r.peakMiB).toBeLessThan(LIMIT_MIB);
  }, 60_000);

  it('fleet collect of an endless standard input: one line, exit 2', () => {
    const r = measured("yes 'not a report, and it never ends' | @CLI fleet collect -");
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('mirror-doctor: standard input is more than 64 MiB; a report or pod log is far smaller (nothing of it was used)');
    expect(r.peakMiB).toBeLessThan(LIMIT_MIB);
  }, 60_000);
});
