/**
 * `MIRROR_DOCTOR_PARSE_THREADS=2 mirror-doctor parse BIG --json` (a worker thread parses the second
 * half, src/cli/parse-split.ts) prints byte for byte what the one-thread parse prints, with the
 * same exit code, from every build: bin/ (dist/app, where the worker script is its own file), the
 * plain tsc modules and the single file (which starts itself as the worker). Its temporary file
 * is gone afterwards, also when the reader of its output stops early.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
// @ts-expect-error: a plain .mjs script helper, no types
import { generate } from '../../scripts/lib/gen-daemon-log.mjs';

const REPO = resolve(__dirname, '../..');
const LAB = join(REPO, 'test/fixtures/lab');
const BUILDS = {
  bin: join(REPO, 'bin/mirror-doctor.js'),
  'single file': join(REPO, 'dist/mirror-doctor.mjs'),
};
let dir: string;
let tmp: string;
let log: string;

describe('parse on two threads', () => {
  beforeAll(async () => {
    for (const f of Object.values(BUILDS)) expect(existsSync(f), 'run `npm run build` first').toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'md-threads-'));
    tmp = join(dir, 'tmp');
    log = join(dir, 'containerd.log');
    await generate(log, 18 << 20, LAB, 7);
    // and ctr output with --http-dump of every mode after it, so the worker's half has dumps too
    for (const v of ['1.6', '1.7', '2.1'])
      for (const sc of readdirSync(join(LAB, v)))
        for (const run of ['ctr-hosts-dir', 'ctr-no-hosts-dir', 'cri']) {
          for (const f of ['stderr.txt', 'daemon.log']) {
            const p = join(LAB, v, sc, run, f);
            if (existsSync(p)) appendFileSync(log, readFileSync(p));
          }
        }
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // TMPDIR: a fresh folder, so that what the parse leaves there can be seen
  const parse = async (cli: string, threads: string, tmpFolder: string, ...extra: string[]) => {
    rmSync(tmpFolder, { recursive: true, force: true });
    mkdirSync(tmpFolder, { recursive: true });
    return execa(process.execPath, [cli, 'parse', log, '--json', ...extra], {
      reject: false,
      encoding: 'buffer',
      maxBuffer: 1 << 30,
      env: { ...process.env, MIRROR_DOCTOR_PARSE_THREADS: threads, TMPDIR: tmpFolder, MIRROR_DOCTOR_TIMELINE: join(dir, `timeline-${threads}.jsonl`) },
    });
  };
  /** The timeline of the last parse with `threads` (and forgets it). */
  const timeline = (threads: string): { event: string; youngMiB?: number }[] => {
    const f = join(dir, `timeline-${threads}.jsonl`);
    const tl = existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; youngMiB?: number }) : [];
    rmSync(f, { force: true });
    return tl;
  };
  /** The timeline events of the last parse with `threads` (and forgets them). */
  const events = (threads: string): string[] => timeline(threads).map((e) => e.event);

  for (const [name, cli] of Object.entries(BUILDS)) {
    it(`${name}: the same bytes and exit code as on one thread, and no file left behind`, async () => {
      const one = await parse(cli, '1', tmp);
      const alone = timeline('1');
      expect(alone.map((e) => e.event)).not.toContain('parse: at the cut');
      // on one thread the young generation went to two 32 MiB semi-spaces and no further
      // (src/cli/parse.ts, sizeGarbage): pull groups die young instead of being copied to old space
      expect(alone.find((e) => e.event === 'parse: young generation grown')?.youngMiB).toBe(32);
      expect(alone.find((e) => e.event === 'parse: input ended')?.youngMiB).toBe(32);
      const two = await parse(cli, '2', tmp);
      // the worker's documents were used (not a fall-back to one thread)
      const over = timeline('2').find((e) => e.event === 'parse: handed over');
      expect(over).toBeDefined();
      // this thread's young generation stayed small: the worker's start undid sizeGarbage's
      // setting, which is applied again (without that, it grows to 32 MiB on this log)
      expect(over?.youngMiB).toBeGreaterThan(0);
      expect(over?.youngMiB).toBeLessThanOrEqual(16);
      expect(two.exitCode, String(two.stderr)).toBe(one.exitCode);
      expect([0, 1]).toContain(one.exitCode);
      expect(Buffer.compare(Buffer.from(two.stdout as Uint8Array), Buffer.from(one.stdout as Uint8Array))).toBe(0);
      expect(JSON.parse(Buffer.from(two.stdout as Uint8Array).toString("utf8")).length).toBeGreaterThan(1000);
      expect(readdirSync(tmp)).toEqual([]);
    }, 120_000);
  }

  it('the tsc build (dist/cli, the worker script beside it) too', async () => {
    const runner = join(dir, 'run-dist-cli.mjs');
    writeFileSync(runner, `const { main } = await import(${JSON.stringify(join(REPO, 'dist/cli/main.js'))});\nprocess.exitCode = await main(process.argv);\n`);
    const one = await parse(runner, '1', tmp);
    const two = await parse(runner, '2', tmp);
    expect(events('2')).toContain('parse: handed over');
    expect(two.exitCode, String(two.stderr)).toBe(one.exitCode);
    expect(Buffer.compare(Buffer.from(two.stdout as Uint8Array), Buffer.from(one.stdout as Uint8Array))).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  }, 120_000);

  it('--ref: the same documents of that image, counted alike on both threads', async () => {
    const one = await parse(BUILDS.bin, '1', tmp, '--ref', 'mirror-doctor-demo:1.0');
    const two = await parse(BUILDS.bin, '2', tmp, '--ref', 'mirror-doctor-demo:1.0');
    expect(events('2')).toContain('parse: handed over');
    expect(two.exitCode).toBe(one.exitCode);
    expect(Buffer.compare(Buffer.from(two.stdout as Uint8Array), Buffer.from(one.stdout as Uint8Array))).toBe(0);
    const docs = JSON.parse(Buffer.from(one.stdout as Uint8Array).toString('utf8')) as { ref: string }[];
    expect(docs.length).toBeGreaterThan(100);
    expect(docs.every((d) => d.ref.endsWith('mirror-doctor-demo:1.0'))).toBe(true);
  }, 120_000);

  it('no checkpoint to meet at (no pull in the worker\'s part): the main thread reads on alone, same output', async () => {
    const quiet = join(dir, 'quiet-tail.log');
    await generate(quiet, 9 << 20, LAB, 3);
    const noise = 'time="2026-11-27T23:59:59.000000000Z" level=debug msg="remove content" key="sha256:0000000000000000000000000000000000000000000000000000000000000000"\n';
    appendFileSync(quiet, noise.repeat(Math.ceil((10 << 20) / noise.length)));
    const run = (threads: string) =>
      execa(process.execPath, [BUILDS.bin, 'parse', quiet, '--json'], {
        reject: false,
        encoding: 'buffer',
        maxBuffer: 1 << 30,
        env: { ...process.env, MIRROR_DOCTOR_PARSE_THREADS: threads, TMPDIR: tmp, MIRROR_DOCTOR_TIMELINE: join(dir, `timeline-${threads}.jsonl`) },
      });
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const one = await run('1');
    const two = await run('2');
    expect(events('2')).toContain('parse: no hand-over');
    expect(two.exitCode).toBe(one.exitCode);
    expect(Buffer.compare(Buffer.from(two.stdout as Uint8Array), Buffer.from(one.stdout as Uint8Array))).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  }, 120_000);

  it('a worker lost after the hand-over: the main thread parses again and prints the rest, same output', async () => {
    const one = await parse(BUILDS.bin, '1', tmp);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const two = await execa(process.execPath, [BUILDS.bin, 'parse', log, '--json'], {
      reject: false,
      encoding: 'buffer',
      maxBuffer: 1 << 30,
      env: { ...process.env, MIRROR_DOCTOR_PARSE_THREADS: '2', MIRROR_DOCTOR_FAULT: 'parse-worker-after-checkpoints', TMPDIR: tmp, MIRROR_DOCTOR_TIMELINE: join(dir, 'timeline-2.jsonl') },
    });
    const ev = events('2');
    expect(ev).toContain('parse: handed over');
    expect(ev).not.toContain('parse worker: done');
    expect(two.exitCode, String(two.stderr)).toBe(one.exitCode);
    expect(Buffer.compare(Buffer.from(two.stdout as Uint8Array), Buffer.from(one.stdout as Uint8Array))).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  }, 120_000);

  it('a reader that stops early (| head): a quiet exit, the temporary file removed', async () => {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const r = await execa('sh', ['-c', `"${process.execPath}" "${BUILDS.bin}" parse "${log}" --json | head -c 1000 > /dev/null`], {
      reject: false,
      env: { ...process.env, MIRROR_DOCTOR_PARSE_THREADS: '2', TMPDIR: tmp },
    });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(readdirSync(tmp)).toEqual([]);
  }, 120_000);
});
