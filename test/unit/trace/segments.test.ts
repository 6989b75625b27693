/**
 * The two-segment parse (src/trace/segments.ts) gives exactly the documents of the one-pass parse,
 * wherever the input is cut: when a checkpoint matches (the worker's documents are used from there
 * on) and when none does (the first parser reads everything). Also the parser changes it relies
 * on: a window that retires one group at a time, and dumped requests of an ended pull forgotten.
 */
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceParser } from '../../../src/trace/parser.js';
import { blocksOf, DaemonFactScan, parseTextInSegments } from '../../../src/trace/segments.js';
import type { TraceDoc } from '../../../src/trace/schema.js';
import { rng } from '../../helpers/rng.js';
// @ts-expect-error: a plain .mjs script helper, no types
import { generate } from '../../../scripts/lib/gen-daemon-log.mjs';

const LAB = join(import.meta.dirname, '../../fixtures/lab');

/** The one-pass parse, fed as the CLI feeds a file (blocks of whole lines, drained as it goes). */
function onePass(text: string): TraceDoc[] {
  const p = new TraceParser();
  const docs: TraceDoc[] = [];
  for (const b of blocksOf(text)) {
    p.feedText(b);
    docs.push(...p.drain());
  }
  return [...docs, ...p.end()];
}

/** Every lab fixture (ctr output of every mode, daemon logs), in a seeded random order, `rounds` times. */
function fixtureMix(rounds: number, seed: number): string {
  const files: string[] = [];
  for (const v of readdirSync(LAB))
    for (const sc of readdirSync(join(LAB, v))) {
      // the daemon's start-up log: plugin load errors, the CRI config, the version
      if (existsSync(join(LAB, v, sc, 'daemon-start.log'))) files.push(join(LAB, v, sc, 'daemon-start.log'));
      for (const run of readdirSync(join(LAB, v, sc), { withFileTypes: true }))
        if (run.isDirectory())
          for (const f of ['stderr.txt', 'stdout.txt', 'daemon.log']) {
            const p = join(LAB, v, sc, run.name, f);
            if (existsSync(p)) files.push(p);
          }
    }
  const r = rng(seed);
  const parts: string[] = [];
  for (let i = 0; i < rounds; i++) {
    const order = files.map((f) => [r(), f] as const).sort((a, b) => a[0] - b[0]);
    for (const [, f] of order) parts.push(readFileSync(f, 'utf8'));
  }
  return parts.join('\n');
}

let generated = '';
let dir = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'md-segments-'));
  await generate(join(dir, 'containerd.log'), 6 << 20, LAB);
  generated = readFileSync(join(dir, 'containerd.log'), 'utf8');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('two-segment parse', () => {
  it('a generated 6 MiB daemon log: the same documents at every cut, handed over at a checkpoint when one matches', () => {
    const want = JSON.stringify(onePass(generated));
    let matched = 0;
    let fellBack = 0;
    for (const frac of [0.05, 0.2, 0.37, 0.5, 0.64, 0.81, 0.97]) {
      const r = parseTextInSegments(generated, Math.floor(generated.length * frac));
      expect(JSON.stringify(r.docs), `cut at ${frac}`).toBe(want);
      if (r.matched) {
        matched++;
        expect(r.checkpoints).toContainEqual(r.matched);
      } else fellBack++;
    }
    // cuts early enough for the worker to fill its window meet at a checkpoint; the last ones cannot
    expect(matched).toBeGreaterThanOrEqual(5);
    expect(fellBack).toBeGreaterThanOrEqual(1);
  });

  it('every lab fixture mixed (ctr dumps, transfer mode, hosts.toml errors, daemon restarts): the same documents', () => {
    const text = fixtureMix(3, 11);
    const want = JSON.stringify(onePass(text));
    let matched = 0;
    for (const frac of [0.12, 0.3, 0.55]) {
      const r = parseTextInSegments(text, Math.floor(text.length * frac), {}, { warmupGroups: 440, count: 6, spacing: 400 });
      expect(JSON.stringify(r.docs), `cut at ${frac}`).toBe(want);
      if (r.matched) matched++;
    }
    expect(matched).toBeGreaterThanOrEqual(1);
  });

  it('a cut on an empty line, at the last line, and in a text with no newline after the cut', () => {
    const text = 'a\n\nb\n' + generated.slice(0, 200_000);
    for (const cut of [1, 2, 3, text.length - 1, text.length]) {
      expect(JSON.stringify(parseTextInSegments(text, cut).docs)).toBe(JSON.stringify(onePass(text)));
    }
  });

  it('the fact scan of the first segment: line count, plugin errors, CRI config_path and version, as the parser reads them', () => {
    const text = fixtureMix(1, 5);
    // a cut right after a CRI plugin load error (a later daemon start would clear it), the one
    // nearest after the middle (else the last)
    const pat = '`mirrors` cannot be set';
    const at = text.indexOf(pat, text.length >> 1) >= 0 ? text.indexOf(pat, text.length >> 1) : text.lastIndexOf(pat);
    expect(at).toBeGreaterThan(0);
    const cut = text.indexOf('\n', at) + 1;
    const scan = new DaemonFactScan();
    scan.add(Buffer.from(text.slice(0, cut), 'utf8'));
    const p = new TraceParser();
    for (const b of blocksOf(text.slice(0, cut))) p.feedText(b);
    expect(scan.lines).toBe(p.lines);
    expect(scan.facts()).toEqual(p.daemonFacts());
    expect(scan.facts().pluginErrors.length).toBeGreaterThan(0);
  });
});

describe('parser state the hand-over relies on', () => {
  it('a transfer-mode pull is joined with its daemon half wherever the window retires groups', () => {
    // 2.x transfer mode: ctr's side (dump) and the daemon's side (resolver lines) of one pull
    const t = join(LAB, '2.1', 'mirror-ok');
    const client = readFileSync(join(t, 'ctr-hosts-dir', 'stderr.txt'), 'utf8').trimEnd();
    const daemon = readFileSync(join(t, 'ctr-hosts-dir', 'daemon.log'), 'utf8').trimEnd();
    const one = onePass(`${client}\n${daemon}`);
    expect(one).toHaveLength(1);
    expect(one[0]?.source.joined).toBe(true);
    // the same pair after 0…450 other pulls: joined every time (batches of the old window split some pairs)
    const filler = 'time="2026-11-27T23:00:00.000000000Z" level=info msg="PullImage \\"x:1\\""\ntime="2026-11-27T23:00:00.000000001Z" level=info msg="PullImage \\"x:1\\" returns image reference \\"sha256:aa\\""';
    for (const n of [0, 349, 350, 351, 399, 400, 401, 450]) {
      const docs = onePass([...Array(n).fill(filler), client, daemon, ...Array(100).fill(filler)].join('\n'));
      expect(docs, `after ${n} pulls`).toHaveLength(n + 101);
      expect(docs[n]?.source.joined, `after ${n} pulls`).toBe(true);
    }
  });

  it("a dumped request of a pull that ended is not answered by the next pull's response", () => {
    // ctr 1.6 without --hosts-dir: the request to registry-1.docker.io is dumped, never answered (no DNS), ctr fails
    // (without --debug: the dump is all there is, so its responses decide the attempts)
    const noDebug = (f: string) =>
      readFileSync(f, 'utf8')
        .trimEnd()
        .split('\n')
        .filter((l) => !l.includes('level=debug'))
        .join('\n');
    const failed = noDebug(join(LAB, '1.6', 'basic-auth', 'ctr-no-hosts-dir', 'stderr.txt'));
    const ok = noDebug(join(LAB, '1.6', 'mirror-ok', 'ctr-hosts-dir', 'stderr.txt'));
    const alone = onePass(ok);
    const after = onePass(`${failed}\n${ok}`);
    expect(after).toHaveLength(2);
    expect(after[0]?.result).toBe('failure');
    expect(after[0]?.attempts.map((a) => a.status)).toEqual([null]);
    expect(alone[0]?.attempts.every((a) => a.status === 200)).toBe(true);
    const strip = (d: TraceDoc | undefined) => JSON.stringify({ ...d, lines: null, attempts: d?.attempts.map((a) => ({ ...a, line: null })) });
    expect(strip(after[1])).toBe(strip(alone[0]));
  });
});
