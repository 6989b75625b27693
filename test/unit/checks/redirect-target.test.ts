/**
 * redirect-target-failed over the recorded redirect captures (test/fixtures/lab-redirects; lab port
 * base 20000: mirrors 20010-20013 redirect every blob to 20014 serves, 20015 refused, 20016 stalls,
 * 20017 answers 403). The paths are built from the captures as the tracer would hand them over; the
 * hosts plan is the one hosts.toml of each scenario gives (the mirror, then the upstream).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceText } from '../../../src/trace/index.js';
import type { PathRun } from '../../../src/trace/run-schema.js';
import type { Derived } from '../../../src/checks/derived.js';
import type { Facts } from '../../../src/checks/facts.js';
import { REDIRECT_CHECKS } from '../../../src/checks/redirect-target.js';
import { EVIDENCE_CHECKS } from '../../../src/checks/evidence.js';

const ROOT = join(import.meta.dirname, '../../fixtures/lab-redirects');
const MIRROR = { served: '127.0.0.1:20010', refused: '127.0.0.1:20011', stalled: '127.0.0.1:20012', forbidden: '127.0.0.1:20013' } as const;
const TARGET = { served: '127.0.0.1:20014', refused: '127.0.0.1:20015', stalled: '127.0.0.1:20016', forbidden: '127.0.0.1:20017' } as const;
type Case = keyof typeof MIRROR;

function ctrPath(series: string, c: Case): PathRun {
  const variant = series === '2.1' ? 'ctr-hosts-dir-local' : 'ctr-hosts-dir';
  const log = readFileSync(join(ROOT, series, `redirect-${c}`, variant, 'stderr.txt'), 'utf8');
  const doc = parseTraceText(log).at(-1) ?? null;
  return { path: 'ctr-hosts-dir', command: [], mode: 'local', modeReason: 'recorded', exitCode: null, stoppedBy: null, stalledOn: null, durationMs: 0, doc, pulled: doc?.result === 'success', error: doc?.error ?? null, blobNote: null, log };
}

/** The CRI pull's daemon log without its debug lines: what a daemon at info level (the default) writes. */
function criErrorOnly(series: string, c: Case): PathRun {
  const dir = join(ROOT, series, `redirect-${c}`, 'cri');
  const text = readFileSync(join(dir, 'daemon.log'), 'utf8').split('\n').filter((l) => !l.includes('level=debug')).join('\n');
  const doc = parseTraceText(text).at(-1) ?? null;
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { error: { message: string } | null };
  return { path: 'cri', command: [], mode: 'cri', modeReason: 'recorded', exitCode: null, stoppedBy: null, stalledOn: null, durationMs: 0, doc, pulled: false, error: meta.error?.message ?? null, blobNote: null, log: text };
}

/** The CRI pull's whole daemon log (debug level): each request with its final answer. */
function criDebug(series: string, c: Case): PathRun {
  const dir = join(ROOT, series, `redirect-${c}`, 'cri');
  const text = readFileSync(join(dir, 'daemon.log'), 'utf8');
  const doc = parseTraceText(text).at(-1) ?? null;
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { error: { message: string } | null; imageRef?: string | null };
  return { path: 'cri', command: [], mode: 'cri', modeReason: 'recorded', exitCode: null, stoppedBy: null, stalledOn: null, durationMs: 0, doc, pulled: !!meta.imageRef, error: meta.error?.message ?? null, blobNote: null, log: text };
}

function derived(c: Case, paths: PathRun[]): Derived {
  const endpoints = [
    { host: MIRROR[c], kind: 'mirror', scheme: 'http', path: '/v2', capabilities: ['pull', 'resolve'] },
    { host: 'registry-1.docker.io', kind: 'upstream', scheme: 'https', path: '/v2', capabilities: ['pull', 'resolve', 'push'] },
  ];
  const plan = { endpoints };
  const trace: Record<string, PathRun> = {};
  for (const p of paths) trace[p.path === 'ctr-hosts-dir' ? 'ctrHostsDir' : p.path] = p;
  const ref = { hostname: 'docker.io', repository: 'library/mirror-doctor-demo' };
  const profile = { version: { major: 1, minor: 7, patch: 24 }, label: 'containerd 1.7.24' };
  return { plans: { ctr: { endpoints: endpoints.slice(1) }, ctrHostsDir: plan, cri: plan }, registryHost: 'docker.io', ref, trace, profile, mirrorRoles: [], ctrRef: 'docker.io/library/mirror-doctor-demo:1.0' } as unknown as Derived;
}

const run = (d: Derived) => REDIRECT_CHECKS.flatMap((c) => c.run({} as Facts, d));

describe('redirect-target-failed', () => {
  it.each(['1.6', '1.7', '2.1'])('%s: nothing when the target served the blobs', (series) => {
    expect(run(derived('served', [ctrPath(series, 'served')]))).toEqual([]);
  });

  it.each(['1.6', '1.7', '2.1'])('%s: a refused target, named with the mirror that redirected and the network fix', (series) => {
    const f = run(derived('refused', [ctrPath(series, 'refused')]));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ id: 'redirect-target-failed', severity: 'error', layer: 'evidence', title: `${MIRROR.refused} redirected blob downloads to ${TARGET.refused}, which failed (connection-refused)` });
    expect(f[0]!.detail).toContain("ctr's --http-dump shows the 307 with Location 127.0.0.1:20015");
    expect(f[0]!.detail).toContain('the connection was refused');
    expect(f[0]!.fix[0]).toBe(`allow ${TARGET.refused} through the node's firewall or egress rules: the node must reach the redirect target itself, not only ${MIRROR.refused}`);
    expect(f[0]!.fix.join('\n')).toContain('NO_PROXY');
    expect(f[0]!.evidence[0]!.text).toContain(`dial tcp ${TARGET.refused}: connect: connection refused`);
  });

  it.each(['1.6', '1.7', '2.1'])('%s: a 403 at the target reads as an expired presigned URL', (series) => {
    const f = run(derived('forbidden', [ctrPath(series, 'forbidden')]));
    expect(f).toHaveLength(1);
    expect(f[0]!.title).toBe(`${MIRROR.forbidden} redirected blob downloads to ${TARGET.forbidden}, which failed (forbidden)`);
    expect(f[0]!.detail).toContain('presigned URL that has expired');
    expect(f[0]!.fix[0]).toContain("check the node's clock");
  });

  it.each(['1.6', '1.7', '2.1'])('%s: a stalled target (no answer before ctr was stopped) names the target', (series) => {
    const f = run(derived('stalled', [ctrPath(series, 'stalled')]));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'error', title: `${MIRROR.stalled} redirected blob downloads to ${TARGET.stalled}, which failed (no answer)` });
    expect(f[0]!.detail).toContain('never answered');
  });

  it.each(['1.6', '1.7', '2.1'])('%s: info level, only the final error: the URL on a host containerd does not ask is the target', (series) => {
    const f = run(derived('refused', [criErrorOnly(series, 'refused')]));
    expect(f).toHaveLength(1);
    expect(f[0]!.title).toBe(`${MIRROR.refused} redirected blob downloads to ${TARGET.refused}, which failed (connection-refused)`);
    expect(f[0]!.detail).toContain('which is not a host containerd asks for this registry');
    expect(f[0]!.evidence[0]).toMatchObject({ kind: 'log', source: 'CRI (as kubelet)' });
    // the blob that failed, as containerd first asked the mirror for it
    expect(f[0]!.fix.at(-1)).toBe(
      `curl -sS -o /dev/null -w '%{http_code} %{url_effective}\\n' -L 'http://${MIRROR.refused}/v2/library/mirror-doctor-demo/blobs/sha256:26fa2672726c0b205b7c09c54184b8815868151bf56ae85d946a2ea720d116c9?ns=docker.io'   # on the node: follows the redirect as containerd does`,
    );
  });

  it('info level on 1.6/1.7: a 403 whose error names the mirror URL is not claimed as a redirect', () => {
    for (const series of ['1.6', '1.7']) expect(run(derived('forbidden', [criErrorOnly(series, 'forbidden')]))).toEqual([]);
    // 2.x names the final URL
    expect(run(derived('forbidden', [criErrorOnly('2.1', 'forbidden')]))[0]!.title).toContain(`to ${TARGET.forbidden}, which failed (forbidden)`);
  });

  it('a blob URL on a host of the hosts plan is not a redirect target', () => {
    const p = criErrorOnly('1.7', 'refused');
    const d = derived('refused', [p]);
    (d.plans.cri.endpoints as { host: string }[]).push({ host: TARGET.refused } as never);
    expect(run(d)).toEqual([]);
  });
});

describe('a 403 that 1.6/1.7 report at the mirror URL (info level, the CRI error alone)', () => {
  const evidence = (d: Derived) => EVIDENCE_CHECKS.flatMap((c) => c.run({} as Facts, d));
  it.each(['1.6', '1.7'])('%s: the mirror failed (forbidden), named from the error; CRI did not take another path', (series) => {
    const cri = criErrorOnly(series, 'forbidden');
    expect(cri.error).toContain(`http://${MIRROR.forbidden}/v2/`);
    const f = evidence(derived('forbidden', [cri]));
    const m = f.find((x) => x.id === 'mirror-fallback');
    expect(m).toMatchObject({ severity: 'error', title: `the mirror ${MIRROR.forbidden} failed (forbidden)` });
    expect(m!.detail).toContain('may have come from a host the mirror redirected to');
    expect(f.map((x) => x.id)).not.toContain('cri-path-differs');
  });
  it.each(['1.6', '1.7'])("%s: with ctr's dump showing the 307 and the 403 at the target, the CRI error's 403 at the mirror URL is that one, not the mirror's", (series) => {
    const f = evidence(derived('forbidden', [ctrPath(series, 'forbidden'), criErrorOnly(series, 'forbidden')]));
    expect(f.find((x) => x.id === 'mirror-fallback')).toBeUndefined();
    expect(run(derived('forbidden', [ctrPath(series, 'forbidden'), criErrorOnly(series, 'forbidden')]))[0]!.title).toBe(`${MIRROR.forbidden} redirected blob downloads to ${TARGET.forbidden}, which failed (forbidden)`);
  });
  it.each(['1.6', '1.7'])("%s debug level: the daemon logs the mirror's blob URL with the target's 403; with ctr's dump showing the redirect, the mirror is not blamed", (series) => {
    const cri = criDebug(series, 'forbidden');
    expect(cri.doc!.attempts.some((a) => a.host === MIRROR.forbidden && /\/blobs\//.test(a.url ?? '') && a.status === 403)).toBe(true);
    const d = derived('forbidden', [ctrPath(series, 'forbidden'), cri]);
    expect(evidence(d).find((x) => x.id === 'mirror-fallback')).toBeUndefined();
    expect(run(d)[0]!.title).toBe(`${MIRROR.forbidden} redirected blob downloads to ${TARGET.forbidden}, which failed (forbidden)`);
  });
  it('2.1: the error names the target, so redirect-target-failed explains it and the mirror is not blamed', () => {
    const d = derived('forbidden', [criErrorOnly('2.1', 'forbidden')]);
    expect(evidence(d).find((x) => x.id === 'mirror-fallback')).toBeUndefined();
  });
});
