/**
 * Two CRI pulls at once (kubelet with serializeImagePulls: false): their daemon lines interleave,
 * and each document must hold its own pull's requests only. Recorded by the lab
 * (scripts/record-fixtures: <series>/<scenario>/cri-concurrent/) from real containerd 1.6, 1.7
 * and 2.1: `mirror-doctor-demo:1.0` and `mirror-doctor-missing:1.0`, in mirror-ok (the mirror
 * serves the first and answers 404 for the second) and mirror-404 (an empty mirror: both 404, then
 * the upstream, which fails: no DNS in the lab). The expectations come from the scenario, not from
 * the parser. Also the keys the parser routes by.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostsDirServes, registryAndRepository, repositoryOfUrl, sameRepository, urlInError } from '../../../src/trace/concurrent.js';
import { parseTraceText, validateTraceDoc, type TraceDoc } from '../../../src/trace/index.js';

const LAB = join(import.meta.dirname, '../../fixtures/lab');
const UPSTREAM = 'registry-1.docker.io';

interface Meta {
  results: { image: string; imageRef: string | null; error: { code: string; message: string } | null }[];
}

// the lab's scenarios: mirror-ok's mirror (5101) holds mirror-doctor-demo only; mirror-404's (5102) is empty
const SCENARIOS = [
  { scenario: 'mirror-ok', mirror: '127.0.0.1:5101', served: ['mirror-doctor-demo:1.0'] },
  { scenario: 'mirror-404', mirror: '127.0.0.1:5102', served: [] as string[] },
];
const CASES = ['1.6', '1.7', '2.1'].flatMap((series) => SCENARIOS.map((s) => ({ series, ...s })));

describe.each(CASES)('two CRI pulls at once, containerd $series, $scenario', ({ series, scenario, mirror, served }) => {
  const dir = join(LAB, series, scenario);
  const meta = JSON.parse(readFileSync(join(dir, 'cri-concurrent', 'meta.json'), 'utf8')) as Meta;
  const text = [readFileSync(join(dir, 'daemon-start.log'), 'utf8'), readFileSync(join(dir, 'cri-concurrent', 'daemon.log'), 'utf8')].join('\n');
  const docs = parseTraceText(text);
  const doc = (image: string): TraceDoc => {
    const d = docs.find((x) => x.ref === `docker.io/library/${image}`);
    expect(d, image).toBeDefined();
    return d as TraceDoc;
  };

  it('the recording really interleaves the two pulls', () => {
    const lines = text.split('\n');
    const at = (repo: string) => lines.flatMap((l, i) => (l.includes('msg="do request"') && l.includes(`/library/${repo}/`) ? [i] : []));
    const demo = at('mirror-doctor-demo');
    const missing = at('mirror-doctor-missing');
    expect(demo.length).toBeGreaterThan(0);
    expect(missing.length).toBeGreaterThan(0);
    // a request of one pull lies between two of the other's, or after the other's first
    expect(missing.some((i) => i > Math.min(...demo)) || demo.some((i) => i > Math.min(...missing))).toBe(true);
  });

  it('one document per pull, valid, with the result the CRI call returned', () => {
    expect(docs.map((d) => d.ref).sort()).toEqual(meta.results.map((r) => `docker.io/library/${r.image}`).sort());
    for (const d of docs) expect(validateTraceDoc(d)).toEqual([]);
    for (const r of meta.results) expect(doc(r.image).result).toBe(served.includes(r.image) ? 'success' : 'failure');
    for (const r of meta.results) expect(r.imageRef !== null).toBe(served.includes(r.image));
  });

  it.each(['mirror-doctor-demo:1.0', 'mirror-doctor-missing:1.0'])('%s: its own requests only, and what the mirror did with them', (image) => {
    const d = doc(image);
    const repo = `/library/${image.slice(0, image.indexOf(':'))}/`;
    expect(d.source.mode).toBe('cri');
    expect(d.hostsDir).toBe('/tmp/mirror-doctor-lab/certs.d/docker.io');
    for (const a of d.attempts) expect(a.path, JSON.stringify(a)).toContain(repo);
    if (served.includes(image)) {
      expect(d.attempts.filter((a) => a.kind === 'resolve').map((a) => [a.host, a.mirror, a.outcome])).toEqual([[mirror, true, 'ok']]);
      expect(d.attempts.filter((a) => a.kind === 'fetch').length).toBeGreaterThan(0);
      expect(d.resolved.host).toBe(mirror);
      expect(d.blobHosts).toEqual([mirror]);
      expect(d.mirrorUsed).toBe(true);
      expect(d.fallback).toEqual([]);
      expect(d.error).toBeNull();
    } else {
      expect(d.attempts.map((a) => [a.kind, a.host, a.mirror, a.status, a.outcome])).toEqual([
        ['resolve', mirror, true, 404, 'not-found'],
        ['resolve', UPSTREAM, false, null, 'dns-failure'],
      ]);
      expect(d.fallback).toEqual([{ from: mirror, to: UPSTREAM, reason: 'not-found' }]);
      expect(d.resolved).toEqual({ host: null, digest: null });
      expect(d.blobHosts).toEqual([]);
      expect(d.mirrorUsed).toBe(false);
      const want = meta.results.find((r) => r.image === image)?.error?.message ?? '';
      expect(want.length).toBeGreaterThan(0);
      expect(d.error).toContain(want);
    }
  });
});

describe('what the parser routes interleaved lines by', () => {
  it.each([
    ['http://127.0.0.1:5101/v2/library/nginx/manifests/1.27?ns=docker.io', 'library/nginx'],
    ['https://registry-1.docker.io/v2/library/nginx/blobs/sha256:abc', 'library/nginx'],
    ['https://harbor.corp/v2/proxy/library/nginx/manifests/latest?ns=docker.io', 'proxy/library/nginx'],
    ['https://r.example:5000/v2/a/b/c/manifests/sha256:0f', 'a/b/c'],
    ['https://r.example/v2/', null],
    ['https://r.example/token?scope=repository:x:pull', null],
  ])('repositoryOfUrl(%s) = %s', (url, want) => expect(repositoryOfUrl(url)).toBe(want));

  it.each([
    ['nginx:1.27', { registry: 'docker.io', repository: 'library/nginx' }],
    ['docker.io/library/nginx:1.27', { registry: 'docker.io', repository: 'library/nginx' }],
    ['registry.lab.invalid:5000/lab/app:1.0', { registry: 'registry.lab.invalid:5000', repository: 'lab/app' }],
    ['ghcr.io/o/app@sha256:0f0f', { registry: 'ghcr.io', repository: 'o/app' }],
  ])('registryAndRepository(%s)', (ref, want) => expect(registryAndRepository(ref)).toEqual(want));

  it('sameRepository: equal, or under a mirror prefix; never a mere suffix of a name', () => {
    expect(sameRepository('library/nginx', 'library/nginx')).toBe(true);
    expect(sameRepository('proxy/library/nginx', 'library/nginx')).toBe(true);
    expect(sameRepository('library/my-nginx', 'nginx')).toBe(false);
    expect(sameRepository('library/nginx', 'library/nginx-exporter')).toBe(false);
  });

  it.each([
    ['/etc/containerd/certs.d/docker.io', 'docker.io', true],
    ['/etc/containerd/certs.d/_default', 'ghcr.io', true],
    ['/etc/containerd/certs.d/r.example_5000_', 'r.example:5000', true],
    ['/etc/containerd/certs.d/r.example:5000', 'r.example:5000', true],
    ['/etc/containerd/certs.d/docker.io', 'ghcr.io', false],
    ['/etc/containerd/certs.d/r.example', 'r.example:5000', false],
  ])('hostsDirServes(%s, %s) = %s', (dir, reg, want) => expect(hostsDirServes(dir, reg)).toBe(want));

  it('urlInError: the URL of a resolver error, else null', () => {
    expect(urlInError('failed to do request: Head "https://r.example/v2/a/manifests/1": dial tcp: i/o timeout')).toBe('https://r.example/v2/a/manifests/1');
    expect(urlInError('pull access denied')).toBeNull();
    expect(urlInError(undefined)).toBeNull();
  });
});
