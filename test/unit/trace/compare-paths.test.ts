/**
 * What the difference between the three pull paths proves, on recorded real pulls: for every lab
 * scenario and containerd version, the ctr traces (without and with --hosts-dir, local mode), the
 * CRI pull's daemon log, the live registry config from CRI Status and config.toml on disk.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTraceText } from '../../../src/trace/index.js';
import { comparePaths, type LiveRegistry, type PathOutcome } from '../../../src/trace/compare-paths.js';
import { earlyStop, markStalled } from '../../../src/trace/early-stop.js';
import { fetchesPastManifest } from '../../../src/trace/manifest-fetched.js';
import { blobServers, firstBlobAnswer, isBlobRequest } from '../../../src/trace/blob-requests.js';
import { blobFailuresAtMirror } from '../../../src/trace/mirror-blob-failures.js';
import type { PathRun } from '../../../src/trace/run-schema.js';
import { replayStop } from '../../helpers/ctr-stop.js';
import { expectedComparison, type LabSeries } from '../../helpers/scenario-expectations.js';
import { expectedMirrorOf } from '../../helpers/facts-fixture.js';

const LAB = resolve(__dirname, '../../fixtures/lab');
const read = (...p: string[]) => readFileSync(join(LAB, ...p), 'utf8');
const meta = (...p: string[]) => JSON.parse(read(...p, 'meta.json')) as { ref: string; exitCode?: number; hostsDir?: string; error?: { code: string } | null; imageRef?: string | null };

function outcomes(series: LabSeries, scenario: string): { paths: PathOutcome[]; live: LiveRegistry; hostsDir: string; diskConfigPath: string | null } {
  const local = series === '2.1' ? '-local' : '';
  const ctrPath = (variant: string, path: 'ctr' | 'ctr-hosts-dir'): PathOutcome => {
    const m = meta(series, scenario, variant);
    const doc = parseTraceText(read(series, scenario, variant, 'stderr.txt'), { ref: m.ref }).at(-1) ?? null;
    return { path, doc, pulled: m.exitCode === 0, error: doc?.error ?? null };
  };
  const criMeta = meta(series, scenario, 'cri');
  const criDoc = parseTraceText(read(series, scenario, 'cri', 'daemon.log')).at(-1) ?? null;
  const status = JSON.parse(read(series, scenario, 'cri', 'status.json')) as { status: { registry: { configPath: string; mirrors: Record<string, unknown> | null } | null } | null };
  const reg = status.status?.registry ?? null;
  const config = read(series, scenario, 'config.toml');
  return {
    paths: [
      ctrPath(`ctr-no-hosts-dir${local}`, 'ctr'),
      ctrPath(`ctr-hosts-dir${local}`, 'ctr-hosts-dir'),
      { path: 'cri', doc: criDoc, pulled: !!criMeta.imageRef, error: criMeta.error ? 'failed' : null, code: criMeta.error?.code ?? null },
    ],
    live: reg ? { exposed: true, configPath: reg.configPath, hasMirrors: !!reg.mirrors && Object.keys(reg.mirrors).length > 0 } : { exposed: false, configPath: null, hasMirrors: false },
    hostsDir: meta(series, scenario, `ctr-hosts-dir${local}`).hostsDir!,
    diskConfigPath: /config_path = "([^"]+)"/.exec(config)?.[1] ?? null,
  };
}

const cases = (['1.6', '1.7', '2.1'] as const).flatMap((series) =>
  readdirSync(join(LAB, series))
    .filter((s) => existsSync(join(LAB, series, s, 'cri', 'meta.json')))
    .map((scenario) => [series, scenario] as const),
);

describe('comparePaths on every recorded scenario', () => {
  it('covers 28 scenarios on three versions', () => {
    expect(cases).toHaveLength(84);
  });

  it.each(cases)('%s %s', (series, scenario) => {
    const o = outcomes(series, scenario);
    const mirrorOf = expectedMirrorOf(series, scenario);
    const c = comparePaths({
      ...o,
      // in the lab only this scenario edits config.toml after the daemon started
      configNewerThanDaemon: scenario === 'cri-config-edited-after-start',
      ...(mirrorOf ? { mirrorOf } : {}),
    });
    const e = expectedComparison(scenario, series, 5100);
    expect(c.verdict).toMatch(e.verdict);
    expect(c.mirrorUsedBy.includes('ctr-hosts-dir')).toBe(e.files);
    expect(c.mirrorUsedBy.includes('ctr')).toBe(false);
    if (e.cri !== null) expect(c.mirrorUsedBy.includes('cri')).toBe(e.cri);
    expect(c.statements[0]).toMatch(/^ctr without --hosts-dir went to /);
  });
});

describe('earlyStop', () => {
  const doc = (series: LabSeries, scenario: string, variant: string) => parseTraceText(read(series, scenario, variant, 'stderr.txt')).at(-1)!;
  it('stops once the pull has ended or the manifest is served', () => {
    expect(earlyStop(doc('1.7', 'mirror-ok', 'ctr-hosts-dir'), true)).toBe('pull-ended');
    expect(earlyStop(undefined, false)).toBeNull();
  });
  // (2.1's recorded ctr pull is a transfer-service one, whose resolver lines are in the daemon's log;
  // the tracer's --local pull on 2.1 is covered by test/integration/hung-mirrors.test.ts)
  for (const series of ['1.6', '1.7'] as const) {
    it(`${series}: a resolved tag is not enough, the manifest must have been fetched (first fetch of a config or layer)`, () => {
      const text = read(series, 'mirror-ok', 'ctr-hosts-dir', 'stderr.txt').split('\n');
      const resolved = text.findIndex((l) => /msg="?resolved/.test(l));
      const past = text.findIndex((l) => fetchesPastManifest(l));
      expect(resolved).toBeGreaterThan(0);
      // the index and the image manifest are fetched between the two: neither counts
      expect(text.slice(resolved, past).filter((l) => /msg=fetch /.test(l)).map((l) => /mediatype=(\S+)/.exec(l)?.[1])).toEqual(['application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json']);
      expect(past).toBeGreaterThan(resolved);
      const at = (n: number) => parseTraceText(text.slice(0, n + 1).join('\n')).at(-1);
      const fetched = text.slice(0, past).some(fetchesPastManifest);
      expect(earlyStop(at(past - 1), fetched)).toBeNull();
      expect(earlyStop(at(past), true)).toBe('manifest-served');
      // the image manifest's GET was answered 200 before it: no blob was asked for yet
      expect(at(past)!.attempts.filter((a) => a.path?.includes('/blobs/'))).toEqual([]);
    });
  }
  it.each(['1.6', '1.7'] as const)('%s: a web page the tag "resolved" to is not a manifest fetched in full: the pull is not stopped as served', (series) => {
    const text = read(series, 'mirror-web-page', 'ctr-hosts-dir', 'stderr.txt').split('\n');
    // containerd fetches the page as the root descriptor (mediatype=text/html), then fails
    expect(text.some((l) => /msg=fetch .*mediatype=text\/html/.test(l))).toBe(true);
    expect(text.filter(fetchesPastManifest)).toEqual([]);
  });
  it.each(['1.6', '1.7'] as const)('%s: tagOnly (ctr without --hosts-dir) stops once the tag resolved, before any manifest GET', (series) => {
    const text = read(series, 'mirror-ok', 'ctr-hosts-dir', 'stderr.txt').split('\n');
    const resolved = text.findIndex((l) => /msg="?resolved/.test(l));
    const at = (n: number) => parseTraceText(text.slice(0, n + 1).join('\n')).at(-1);
    // decided at the HEAD's answer at the latest
    const stopAt = text.findIndex((_, n) => earlyStop(at(n), false, 'tag') === 'tag-resolved');
    expect(stopAt).toBeGreaterThan(0);
    expect(stopAt).toBeLessThanOrEqual(resolved);
    expect(earlyStop(at(stopAt), false)).toBeNull();
    // nothing but the HEAD has gone out: no GET that Docker Hub would count as a pull
    expect(text.slice(0, stopAt + 1).filter((l) => /msg="GET \/v2\//.test(l))).toEqual([]);
    expect(text.slice(0, stopAt + 1).some((l) => /msg="HEAD \/v2\//.test(l))).toBe(true);
  });
  it('sees "every mirror failed, containerd moved on to the upstream" in a partial trace', () => {
    // the mirror-404 trace cut right where containerd turns to the upstream
    const text = read('1.7', 'mirror-404', 'ctr-hosts-dir', 'stderr.txt').split('\n');
    const cut = text.findIndex((l) => l.includes('msg=resolving') && l.includes('host=registry-1.docker.io'));
    expect(cut).toBeGreaterThan(0);
    const partial = parseTraceText(text.slice(0, cut + 1).join('\n')).at(-1);
    expect(earlyStop(partial, false)).toBe('mirrors-failed');
    // before the upstream request, nothing is decided yet
    expect(earlyStop(parseTraceText(text.slice(0, cut).join('\n')).at(-1), false)).toBeNull();
  });
  it('markStalled turns the open attempt into an inferred timeout', () => {
    const text = read('1.7', 'mirror-ok', 'ctr-hosts-dir', 'stderr.txt').split('\n');
    const cut = text.findIndex((l) => l.includes('msg="do request"'));
    const partial = parseTraceText(text.slice(0, cut + 1).join('\n')).at(-1)!;
    const { doc: d, host } = markStalled(partial, 2000);
    expect(host).toBe('127.0.0.1:5101');
    expect(d.attempts.at(-1)).toMatchObject({ outcome: 'timeout', error: 'no answer within 2 s' });
    expect(d.attempts.at(-1)!.inferred).toMatch(/stopped waiting after 2 s/);
  });
  it("markStalled on the manifest GET after a resolve: the stalled fetch is the mirror's failure, not a use of it", () => {
    const text = read('1.7', 'mirror-ok', 'ctr-hosts-dir', 'stderr.txt').split('\n');
    // cut after the index GET's request was dumped, before its response
    const cut = text.findIndex((l) => l.includes('msg="GET /v2/library/mirror-doctor-demo/manifests/sha256:'));
    const partial = parseTraceText(text.slice(0, cut + 1).join('\n')).at(-1)!;
    expect(partial.mirrorUsed).toBe(true);
    const { doc: d, host } = markStalled(partial, 2000, { kind: 'body', version: '1.7.24' });
    expect(host).toBe('127.0.0.1:5101');
    expect(d.attempts.at(-1)).toMatchObject({ kind: 'fetch', outcome: 'timeout', error: 'no complete answer within 2 s' });
    expect(d.attempts.at(-1)!.inferred).toContain('the mirror began to answer, then stopped sending mid-response; containerd 1.7.24 never gives up on a mirror that stops sending a body');
    expect(d.mirrorUsed).toBe(false);
  });
});

describe('comparePaths under --root (a fleet pod: the node mounted at /host)', () => {
  it("compares the daemon's config_path with the hosts folder as the node names it", () => {
    // 1.7 mirror-404: CRI asked the mirror through config_path and did not use it
    const o = outcomes('1.7', 'mirror-404');
    const node = o.hostsDir;
    const under = { ...o, hostsDir: `/host${node}`, configNewerThanDaemon: false };
    expect(comparePaths({ ...under, nodeHostsDir: node }).statements.join('\n')).not.toMatch(/not from/);
    expect(comparePaths({ ...under, nodeHostsDir: node }).verdict).toMatch(expectedComparison('mirror-404', '1.7', 5100).verdict);
    // without the node's name for it, the same folder reads as another one
    expect(comparePaths(under).statements.join('\n')).toMatch(/the daemon reads hosts from \/tmp\/mirror-doctor-lab\/certs\.d, not from \/host\/tmp\/mirror-doctor-lab\/certs\.d/);
  });
  it('a daemon reading hosts from another folder: the verdict names it after the dash', () => {
    const o = outcomes('1.7', 'cri-config-path-unset');
    const c = comparePaths({ ...o, configNewerThanDaemon: false, live: { ...o.live!, exposed: true, configPath: '/etc/other/certs.d' } });
    expect(c.verdict).toBe(`ctr with --hosts-dir uses the mirror, CRI does not — the daemon reads hosts from /etc/other/certs.d, not from ${o.hostsDir}`);
  });
});

describe('earlyStop with --hosts-dir: the first blob answer', () => {
  // (2.1's recorded ctr pull is a transfer-service one: see the note above)
  for (const series of ['1.6', '1.7'] as const) {
    it(`${series}: a mirror that serves the blobs: stopped at the first blob's 200, after the manifest`, () => {
      const manifest = replayStop(series, 'mirror-ok', 'manifest');
      const blob = replayStop(series, 'mirror-ok', 'blob');
      expect(manifest.reason).toBe('manifest-served');
      expect(blob.reason).toBe('blob-answered');
      expect(blob.line).toBeGreaterThan(manifest.line);
      const a = firstBlobAnswer(blob.doc!)!;
      expect([a.host, a.status, a.mirror, isBlobRequest(a)]).toEqual(['127.0.0.1:5101', 200, true, true]);
      // no blob had its answer at the manifest's stop
      expect(firstBlobAnswer(manifest.doc!)).toBeUndefined();
      expect(blobServers(blob.doc!)).toEqual(['127.0.0.1:5101']);
    });
    it(`${series}: a mirror without the blobs: stopped at its 404, which blobFailuresAtMirror names`, () => {
      const blob = replayStop(series, 'mirror-blob-404', 'blob');
      expect(blob.reason).toBe('blob-answered');
      const a = firstBlobAnswer(blob.doc!)!;
      expect([a.host, a.status, a.outcome]).toEqual(['127.0.0.1:5123', 404, 'not-found']);
      // the manifest came from the mirror; no blob did
      expect(blob.doc!.resolved.host).toBe('127.0.0.1:5123');
      expect(blobServers(blob.doc!)).toEqual([]);
      const run = { path: 'ctr-hosts-dir', doc: blob.doc!, pulled: null } as unknown as PathRun;
      expect(blobFailuresAtMirror(run).map((f) => [f.host, f.outcome, f.blob === a.digest, f.servedByMirror])).toEqual([['127.0.0.1:5123', 'not-found', true, false]]);
    });
  }
  it("a manifest request is no blob request, and a request without its answer (or failed with another's error) has none", () => {
    const doc = replayStop('1.7', 'mirror-ok', 'manifest').doc!;
    expect(doc.attempts.filter((a) => a.kind === 'fetch').length).toBeGreaterThan(0);
    expect(doc.attempts.some(isBlobRequest)).toBe(false);
    const open = { ...doc.attempts.at(-1)!, kind: 'fetch' as const, path: '/v2/x/blobs/sha256:00', url: null, status: null, outcome: 'other' as const, error: null, redirect: null };
    expect(firstBlobAnswer({ ...doc, attempts: [open] })).toBeUndefined();
    expect(firstBlobAnswer({ ...doc, attempts: [{ ...open, error: 'context canceled' }] })).toBeUndefined();
    expect(firstBlobAnswer({ ...doc, attempts: [{ ...open, status: 307 }] })).toBeUndefined();
    expect(firstBlobAnswer({ ...doc, attempts: [{ ...open, error: 'dial tcp 127.0.0.1:1: connect: connection refused', outcome: 'connection-refused' }] })?.error).toMatch(/refused/);
    // 2.1 (recorded in the lab): a blob cancelled because another failed carries that one's error
    const cancelled = 'failed to do request: Get "http://127.0.0.1:5713/v2/library/mirror-doctor-demo/blobs/sha256:94e4?ns=docker.io": failed to copy: httpReadSeeker: failed open: unexpected status from GET request to http://127.0.0.1:5717/v2/library/mirror-doctor-demo/blobs/sha256:4f38 403 Forbidden';
    expect(firstBlobAnswer({ ...doc, attempts: [{ ...open, error: cancelled, outcome: 'forbidden' }] })).toBeUndefined();
    const run = { path: 'ctr-hosts-dir', doc: { ...doc, attempts: [{ ...open, mirror: true, digest: 'sha256:94e4', error: cancelled, outcome: 'forbidden' as const }] }, pulled: false } as unknown as PathRun;
    expect(blobFailuresAtMirror(run)).toEqual([]);
  });
});
