import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { runParse } from '../../../src/cli/parse.js';
import { readLogLines } from '../../../src/probe/log-source.js';
import { parseTraceText, validateTraceDoc } from '../../../src/trace/index.js';
import { redactTraceDoc } from '../../../src/report/redact-trace.js';
// @ts-expect-error: a plain JavaScript module of the benchmark scripts
import { generate } from '../../../scripts/lib/gen-daemon-log.mjs';
import { captureCliOutput } from '../../helpers/capture-output.js';

const LAB = join(import.meta.dirname, '../../fixtures/lab');
const tmp = mkdtempSync(join(tmpdir(), 'md-parse-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, data: string | Buffer) => {
  const p = join(tmp, name);
  writeFileSync(p, data);
  return p;
};

const cli = captureCliOutput();

const run = (...args: string[]) => main(['node', 'mirror-doctor', 'parse', ...args]);

describe('mirror-doctor parse', () => {
  const stderr404 = join(LAB, '1.7/mirror-404/ctr-hosts-dir/stderr.txt');

  it('text timeline and verdict; exit 1 when the pull failed', async () => {
    expect(await run(stderr404)).toBe(1);
    expect(cli.out).toMatch(/127\.0\.0\.1:5102 \(mirror\): 404 not-found/);
    expect(cli.out).toMatch(/Verdict: FAILURE/);
  });

  it('--json prints a JSON array of valid documents', async () => {
    expect(await run(join(LAB, '1.7/mirror-ok/ctr-hosts-dir/stderr.txt'), '--json')).toBe(0);
    const docs = JSON.parse(cli.out);
    expect(Array.isArray(docs)).toBe(true);
    expect(docs).toHaveLength(1);
    expect(validateTraceDoc(docs[0])).toEqual([]);
    expect(docs[0].result).toBe('success');
  });

  it('--json writes one compact document per line inside the array', async () => {
    expect(await run(join(LAB, '1.7/mirror-404/cri/daemon.log'), '--json')).toBe(1);
    const lines = cli.out.trimEnd().split('\n');
    expect(lines[0]).toBe('[');
    expect(lines[lines.length - 1]).toBe(']');
    const docs = lines.slice(1, -1).map((l, i, a) => JSON.parse(i < a.length - 1 ? l.replace(/,$/, '') : l));
    expect(docs.length).toBeGreaterThan(0);
    expect(docs).toEqual(JSON.parse(cli.out));
  });

  it('--ref filters', async () => {
    await run(stderr404, '--json', '--ref', 'nginx:1.27');
    expect(JSON.parse(cli.out)).toEqual([]);
  });

  it('gzip input by magic bytes (no .gz name needed)', async () => {
    const p = file('log.bin', gzipSync(readFileSync(stderr404)));
    expect(await run(p, '--json')).toBe(1);
    expect(JSON.parse(cli.out)[0].attempts).toHaveLength(2);
  });

  it('stdin with -', async () => {
    const code = await runParse('-', { json: true }, { stdout: (s) => void (cli.out += s), stdin: Readable.from([readFileSync(stderr404)]) });
    expect(code).toBe(1);
    expect(JSON.parse(cli.out)[0].ref).toBe('docker.io/library/mirror-doctor-demo:1.0');
  });

  it('never echoes the real basic-auth credentials of the fixture', async () => {
    await run(join(LAB, '2.1/basic-auth/ctr-hosts-dir-user/stderr.txt'));
    await run(join(LAB, '2.1/basic-auth/ctr-hosts-dir-user/stderr.txt'), '--json');
    expect(cli.out).not.toContain(Buffer.from('labuser:labpass').toString('base64'));
    expect(cli.out).not.toMatch(/[\x00-\x08\x0e-\x1f]/); // no binary blob bytes
  });

  const malformed: [string, () => string, RegExp][] = [
    ['binary', () => file('bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3, 0, 0])), /binary data/],
    ['truncated gzip', () => file('t.gz', gzipSync(Buffer.from('time="x" level=info msg=resolving\n'.repeat(5000))).subarray(0, 200)), /gzip data is truncated/],
    ['corrupt gzip', () => file('c.gz', Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(64, 0x41)])), /gzip data is (corrupt|truncated)/],
    ['5 MB single line', () => file('long', 'x'.repeat(5 * 1024 * 1024)), /line 1 is longer than 1024 KiB/],
    ['5 MB line after normal lines', () => file('long2', 'a\nb\n' + 'y'.repeat(5 * 1024 * 1024) + '\n'), /line 3 is longer/],
    ['non-UTF-8', () => file('latin1', Buffer.concat([Buffer.from('time="x" level=info msg="caf'), Buffer.from([0xe9]), Buffer.from('"\n')])), /not UTF-8/],
    ['missing file', () => join(tmp, 'nope.log'), /no such file/],
    ['a directory', () => tmp, /is a directory/],
  ];
  for (const [name, make, msg] of malformed) {
    it(`malformed input: ${name} → clear message, exit 2`, async () => {
      expect(await run(make())).toBe(2);
      expect(cli.err).toMatch(/^mirror-doctor: /);
      expect(cli.err).toMatch(msg);
      expect(cli.err).not.toMatch(/at .*\.js:\d+/); // no stack trace
    });
  }

  it('a named pipe is read as a stream (as `parse <(zcat log.gz)` is): the same output as the file', async () => {
    expect(await run(stderr404)).toBe(1);
    const fromFile = cli.out;
    cli.out = '';
    const pipe = join(tmp, 'pipe');
    execFileSync('mkfifo', [pipe]);
    // the writer opens the pipe in another process, as a shell's process substitution does
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', stderr404, pipe], { stdio: 'ignore' });
    const written = new Promise((r) => writer.once('exit', r)); // it may end before the parse does
    expect(await run(pipe)).toBe(1);
    expect(cli.err).toBe('');
    expect(cli.out).toBe(fromFile);
    expect(await written).toBe(0);
  });

  it('a summary comes first: pulls, their verdicts counted, the hosts asked; then each pull, dated', async () => {
    // recorded pulls (meta.json): mirror-ok CRI pair (one via the mirror, one missing: failed),
    // the 404 mirror's ctr pull (failed), the working mirror's ctr pull
    const input = ['1.7/mirror-ok/cri-concurrent/daemon.log', '1.7/mirror-404/ctr-hosts-dir/stderr.txt', '1.7/mirror-ok/ctr-hosts-dir/stderr.txt'].map((f) => readFileSync(join(LAB, f), 'utf8')).join('');
    expect(await run(file('four-pulls.log', input))).toBe(1);
    const out = cli.out;
    const summary = out.slice(0, out.indexOf('\nPull 1: '));
    const pulls = out.slice(summary.length + 1).split(/\n(?=Pull \d+: )/);
    const times = pulls.map((p) => /^Pull \d+: .*; at (\S+)\]$/m.exec(p)?.[1] as string).sort((a, b) => Date.parse(a) - Date.parse(b));
    expect(new Set(times).size).toBe(4);
    expect(summary.split('\n')[0]).toBe(`Summary: 4 pulls, ${times[0]} to ${times[3]}`);
    expect(summary).toMatch(/^ {2}2 mirror used$/m);
    expect(summary).toMatch(/^ {2}0 fell back \(a mirror was tried, another host served\)$/m);
    expect(summary).toMatch(/^ {2}2 failed$/m);
    expect(summary).not.toMatch(/incomplete|without a mirror/);
    const failed = pulls.filter((p) => p.includes('  Verdict: FAILURE')).map((p) => /^Pull (\d+)/.exec(p)?.[1]);
    expect(failed).toHaveLength(2);
    expect(summary).toMatch(new RegExp(`^ {2}failed: pull ${failed.join(', ')}$`, 'm'));
    expect(summary).toMatch(/^ {2}mirrors: {3}127\.0\.0\.1:5101 +asked by 3 pulls, served 2$/m);
    expect(summary).toMatch(/^ {13}127\.0\.0\.1:5102 +asked by 1 pull, served 0$/m);
    expect(summary).toMatch(/^ {2}upstreams: registry-1\.docker\.io +asked by 2 pulls, served 0$/m);
    expect(summary.split('\n').length).toBeLessThan(24); // one screen
    expect(pulls).toHaveLength(4);
  });

  it('input with no log line at all (prose, empty) is unusable: exit 2, one line, no output', async () => {
    const prose = file('notes.txt', 'The mirror stopped working on Tuesday.\nWe restarted containerd, no change.\n');
    for (const args of [[prose], [prose, '--json'], [file('empty.log', '')]]) {
      cli.out = '';
      cli.err = '';
      expect(await run(...args)).toBe(2);
      expect(cli.out).toBe('');
      expect(cli.err).toMatch(/^mirror-doctor: .*(has no log lines \(\d lines, none from ctr, containerd or journald\)|is empty: no log lines to read)\n/);
      expect(cli.err.split('\n').filter((l) => l.trim()).length).toBeLessThanOrEqual(2);
    }
  });

  it('a real containerd log without a pull is not unusable: exit 0, "No image pull found"', async () => {
    const start = join(LAB, '1.7/mirror-404/daemon-start.log');
    expect(await run(start)).toBe(0);
    expect(cli.out).toMatch(/^No image pull found in the input/);
    expect(cli.err).toBe('');
    cli.out = '';
    expect(await run(start, '--json')).toBe(0);
    expect(JSON.parse(cli.out)).toEqual([]);
    // the same behind journald's prefix (as `journalctl -u containerd` prints it)
    const lines = readFileSync(start, 'utf8').split('\n').filter((l) => l.startsWith('time='));
    const journal = file('journal.txt', lines.map((l) => `Nov 27 23:38:29 node1 containerd[812]: ${l}\n`).join(''));
    cli.out = '';
    expect(await run(journal)).toBe(0);
    expect(cli.out).toMatch(/^No image pull found/);
  });

  it('a hosts.toml error with no pull after it is named, not dropped (containerd#10144 posted that one line)', async () => {
    // containerd 1.7.15's line as the thread posted it (journald), and 2.1's from the lab's daemon log
    const v17 = 'Apr 29 09:40:50 guettli-1-28-v0-sha containerd[9471]: time="2024-04-29T09:40:50.644139847Z" level=error msg="failed to decode hosts.toml" error="failed to parse TOML: (4, 3): was expecting token =, but got \\"[\\" instead"\n';
    const v21 = readFileSync(join(LAB, '2.1/toml-syntax-error/cri/daemon.log'), 'utf8').split('\n').find((l) => l.includes('msg="failed to decode /'))!;
    expect(v21).toBeTruthy();
    for (const [text, dir, error] of [
      [v17, '', 'failed to parse TOML: (4, 3): was expecting token =, but got "[" instead'],
      [`${v21}\n`, ' (/tmp/mirror-doctor-lab/certs.d/docker.io)', "toml: expected ']' to close table name"],
    ]) {
      cli.out = '';
      expect(await run(file('toml-error.log', text as string))).toBe(0);
      expect(cli.out).toBe(`No image pull found in the input (no resolver, --http-dump, ctr or CRI pull lines).\n! hosts.toml not parsed${dir}: ${error}: containerd ignores it, so pulls of that registry ask no mirror\n`);
    }
  });

  // the file is read in 1 MiB chunks and fed in 64 KiB pieces, each followed by a drain: the output
  // is the same as from one feed of the whole text
  it('a log of many chunks: the same documents as one feed, and a blank line between every two pulls', async () => {
    const log = join(tmp, 'pulls-3mib.log');
    await generate(log, 3 * 2 ** 20, LAB, 7, 'pulls');
    const whole = parseTraceText(readFileSync(log, 'utf8'));
    expect(whole.length).toBeGreaterThan(500);
    cli.out = '';
    await run(log, '--json');
    expect(JSON.parse(cli.out)).toEqual(JSON.parse(JSON.stringify(whole.map(redactTraceDoc))));
    cli.out = '';
    await run(log);
    const text = cli.out.split('\n');
    const heads = text.flatMap((l, i) => (/^Pull [0-9]+: /.test(l) ? [i] : []));
    expect(heads).toHaveLength(whole.length);
    for (const i of heads) expect(text[i - 1], text[i]).toBe('');
  });

  it('--help shows examples', async () => {
    expect(await main(['node', 'mirror-doctor', 'parse', '--help'])).toBe(0);
    expect(cli.out + cli.err).toMatch(/Examples:/);
    expect(cli.out + cli.err).toMatch(/journalctl -u containerd/);
  });

  it('log-source streams lines lazily (first line before the rest is read)', async () => {
    const p = file('many', Array.from({ length: 100000 }, (_, i) => `line ${i}`).join('\n'));
    const it = readLogLines(p)[Symbol.asyncIterator]();
    expect((await it.next()).value).toBe('line 0');
    await it.return?.(undefined);
  });
});
