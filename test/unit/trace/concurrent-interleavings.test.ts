/**
 * Two CRI pulls, each recorded alone by the lab (<series>/<scenario>/cri-concurrent/alone-1.log
 * and alone-2.log: real containerd 1.6, 1.7 and 2.1 lines), interleaved in 300 seeded random
 * orders that keep each pull's own order, as two goroutines' lines can reach the log, and with
 * runs of unrelated lines between them as on a busy node (the daemon's own `loading plugin` lines,
 * up to 200 at a time). Each document must be what the pull gives alone: the lines of one pull
 * that name no image (a host, a hosts folder) must not end up in the other's.
 *
 * Where both pulls go through the same hosts with the same answers (mirror-404), their
 * `trying next host` lines are the same text; when the one asked second is answered first, a line
 * can only be given by guess, and the other pull then shows that host twice (the second time as
 * implied). There each document must still hold every attempt of its pull alone, and the rest of
 * it exactly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceText, type TraceDoc } from '../../../src/trace/index.js';
import { rng } from '../../helpers/rng.js';

const LAB = join(import.meta.dirname, '../../fixtures/lab');
const ORDERS = 300;

const attempts = (d: TraceDoc) => d.attempts.map((a) => `${a.kind} ${a.host} ${a.status} ${a.outcome}`);
const rest = (d: TraceDoc) => ({ ref: d.ref, result: d.result, hostsDir: d.hostsDir, resolved: d.resolved, blobHosts: d.blobHosts, mirrorUsed: d.mirrorUsed, error: d.error });

const CASES = ['1.6', '1.7', '2.1'].flatMap((series) =>
  [
    { scenario: 'mirror-ok', sameAnswers: false },
    { scenario: 'mirror-404', sameAnswers: true },
    { scenario: 'host-port-registry', sameAnswers: false },
  ].map((c) => ({ series, ...c })),
);

describe.each(CASES)('two CRI pulls interleaved, containerd $series, $scenario', ({ series, scenario, sameAnswers }) => {
  const dir = join(LAB, series, scenario, 'cri-concurrent');
  const a = readFileSync(join(dir, 'alone-1.log'), 'utf8').split('\n').filter(Boolean);
  const b = readFileSync(join(dir, 'alone-2.log'), 'utf8').split('\n').filter(Boolean);
  const alone = [...parseTraceText(a.join('\n')), ...parseTraceText(b.join('\n'))];
  const noise = readFileSync(join(LAB, series, scenario, 'daemon-start.log'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('msg="loading plugin'));

  it('each pull alone gives one document', () => {
    expect(noise.length).toBeGreaterThan(10);
    expect(alone).toHaveLength(2);
    expect(new Set(alone.map((d) => d.ref)).size).toBe(2);
  });

  it(`in ${ORDERS} orders, each document is its pull's${sameAnswers ? ' (every attempt kept)' : ''}`, () => {
    const r = rng(series.length * 31 + scenario.length);
    for (let k = 0; k < ORDERS; k++) {
      const lines: string[] = [];
      let i = 0;
      let j = 0;
      const busy = k % 2 === 1;
      while (i < a.length || j < b.length) {
        lines.push(j >= b.length || (i < a.length && r() < 0.5) ? (a[i++] as string) : (b[j++] as string));
        if (busy && r() < 0.2) for (let n = Math.floor(r() * 200); n > 0; n--) lines.push(noise[Math.floor(r() * noise.length)] as string);
      }
      const docs = parseTraceText(lines.join('\n'));
      expect(docs.map((d) => d.ref).sort(), `order ${k}`).toEqual(alone.map((d) => d.ref).sort());
      for (const want of alone) {
        const got = docs.find((d) => d.ref === want.ref) as TraceDoc;
        expect(rest(got), `order ${k}`).toEqual(rest(want));
        if (!sameAnswers) expect(attempts(got), `order ${k}`).toEqual(attempts(want));
        else for (const x of attempts(want)) expect(attempts(got), `order ${k}`).toContain(x);
      }
    }
  });
});
