/**
 * A ctr --http-dump output that ends inside a blob's body (every successful local pull does: the
 * last response is a layer), then the containerd daemon log pasted after it, as in a ticket. The
 * body's lines are skipped by their shape (`time="…" level=info msg="<bytes>"`); a daemon line of
 * the same level must not be taken for one: neither `msg="starting containerd" revision=… version=…`
 * (more fields after the message) nor `msg="Start cri plugin with config {…}"` or
 * `msg="PullImage \"…\""` (one quoted message, but the daemon's stamp has a fraction of a second).
 * Real output recorded by the lab.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceText, type TraceDoc } from '../../../src/trace/index.js';
import { TraceParser } from '../../../src/trace/parser.js';

const LAB = join(import.meta.dirname, '../../fixtures/lab');
const read = (...p: string[]) => readFileSync(join(LAB, ...p), 'utf8');

describe.each([
  ['1.6', 'ctr-hosts-dir', '1.6.20~ds1'],
  ['1.7', 'ctr-hosts-dir', '1.7.24~ds1'],
  ['2.1', 'ctr-hosts-dir-local', '2.1.9+unknown'],
])('ctr %s output ending in a blob body, then the daemon log', (series, variant, version) => {
  const ctr = read(series, 'mirror-ok', variant, 'stderr.txt');
  const daemon = [read(series, 'mirror-ok', 'daemon-start.log'), read(series, 'mirror-ok', 'cri', 'daemon.log')].join('\n');

  it('the ctr output really ends inside a binary body', () => {
    const p = new TraceParser();
    p.feedText(ctr);
    expect(p.inBinaryBody).toBe(true);
  });

  it('the daemon facts and the CRI pull are read as from the daemon log alone', () => {
    const alone = new TraceParser();
    alone.feedText(daemon);
    const both = new TraceParser();
    both.feedText(`${ctr}\n${daemon}`);
    expect(both.daemonFacts()).toEqual(alone.daemonFacts());
    expect(both.daemonFacts().containerdVersion).toBe(version);

    const cri = (docs: TraceDoc[]) => docs.filter((d) => d.source.mode === 'cri');
    const want = cri(parseTraceText(daemon));
    const got = cri(parseTraceText(`${ctr}\n${daemon}`));
    expect(want).toHaveLength(1);
    expect(got.map((d) => [d.ref, d.result, d.mirrorUsed, d.attempts.map((a) => [a.kind, a.host, a.outcome])])).toEqual(
      want.map((d) => [d.ref, d.result, d.mirrorUsed, d.attempts.map((a) => [a.kind, a.host, a.outcome])]),
    );
  });
});
