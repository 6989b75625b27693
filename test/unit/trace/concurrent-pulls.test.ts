/**
 * Two CRI pulls at once (kubelet with serializeImagePulls: false): their daemon lines interleave,
 * and each document must hold its own pull's requests only. Recorded by the lab
 * (scripts/record-fixtures: <series>/<scenario>/cri-concurrent/) from real containerd 1.6, 1.7
 * and 2.1, each time beside `mirror-doctor-missing:1.0`: in mirror-ok `mirror-doctor-demo:1.0`,
 * which the mirror serves (it answers 404 for the other); in mirror-404 the same two, both 404 at
 * an empty mirror and then the upstream, which fails (no DNS in the lab); in host-port-registry an
 * image of registry.lab.invalid:5000, whose hosts folder sends it to the mirror, while docker.io
 * has no folder there. The expectations come from the scenarios, not from the parser. Also the
 * keys the parser routes by.
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

const DEMO = 'docker.io/library/mirror-doctor-demo:1.0';
const MISSING = 'docker.io/library/mirror-doctor-missing:1.0';
const HOSTPORT = 'registry.lab.invalid:5000/lab/mirror-doctor-demo:1.0';
const CERTS = '/tmp/mirror-doctor-lab/certs.d';
interface Expected {
  ref: string;
  /** the hosts folder the pull loads, or null (none for its registry) */
  hostsDir: string | null;
  /** the mirror it asks first, or null */
  mirror: string | null;
  served: boolean;
}
// the lab's scenarios: mirror-ok's mirror (5101) holds mirror-doctor-demo only; mirror-404's (5102)
// is empty; host-port-registry has a folder for registry.lab.invalid:5000 only (mirror 5101)
const SCENARIOS: { scenario: string; pulls: Expected[] }[] = [
  {
    scenario: 'mirror-ok',
    pulls: [
      { ref: DEMO, hostsDir: `${CERTS}/docker.io`, mirror: '127.0.0.1:5101', served: true },
      { ref: MISSING, hostsDir: `${CERTS}/docker.io`, mirror: '127.0.0.1:5101', served: false },
    ],
  },
  {
    scenario: 'mirror-404',
    pulls: [
      { ref: DEMO, hostsDir: `${CERTS}/docker.io`, mirror: '127.0.0.1:5102', served: false },
      { ref: MISSING, hostsDir: `${CERTS}/docker.io`, mirror: '127.0.0.1:5102', served: false },
    ],
  },
  {
    scenario: 'host-port-registry',
    pulls: [
      { ref: HOSTPORT, hostsDir: `${CERTS}/registry.lab.invalid_5000_`, mirror: '127.0.0.1:5101', served: true },
      { ref: MISSING, hostsDir: null, mirror: null, served: false },
    ],
  },
];
const CASES = ['1.6', '1.7', '2.1'].flatMap((series) => SCENARIOS.map((s) => ({ series, ...s })));

describe.each(CASES)('two CRI pulls at once, containerd $series, $scenario', ({ series, scenario, pulls }) => {
  const dir = join(LAB, series, scenario);
  const meta = JSON.parse(readFileSync(join(dir, 'cri-concurrent', 'meta.json'), 'utf8')) as Meta;
  const text = [readFileSync(join(dir, 'daemon-start.log'), 'utf8'), readFileSync(join(dir, 'cri-concurrent', 'daemon.log'), 'utf8')].join('\n');
  const docs = parseTraceText(text);
  const doc = (ref: string): TraceDoc => {
    const d = docs.find((x) => x.ref === ref);
    expect(d, ref).toBeDefined();
    return d as TraceDoc;
  };
  const refOf = (image: string) => (image.includes('/') ? image : `docker.io/library/${image}`);

  it('the recording really interleaves the two pulls', () => {
    const lines = text.split('\n');
    const at = (repo: string) => lines.flatMap((l, i) => (l.includes('msg="do request"') && l.includes(`/${repo}/`) ? [i] : []));
    const demo = at('mirror-doctor-demo');
    const missing = at('library/mirror-doctor-missing');
    expect(demo.length).toBeGreaterThan(0);
    expect(missing.length).toBeGreaterThan(0);
    // a request of one pull lies between two of the other's, or after the other's first
    expect(missing.some((i) => i > Math.min(...demo)) || demo.some((i) => i > Math.min(...missing))).toBe(true);
  });

  it('one document per pull, valid, with the result the CRI call returned', () => {
    expect(docs.map((d) => d.ref).sort()).toEqual(meta.results.map((r) => refOf(r.image)).sort());
    expect(docs.map((d) => d.ref).sort()).toEqual(pulls.map((p) => p.ref).sort());
    for (const d of docs) expect(validateTraceDoc(d)).toEqual([]);
    for (const p of pulls) expect(doc(p.ref).result).toBe(p.served ? 'success' : 'failure');
    for (const r of meta.results) expect(r.imageRef !== null).toBe(pulls.find((p) => p.ref === refOf(r.image))?.served);
  });

  it.each(pulls)('$ref: its own requests only, and what the hosts did with them', ({ ref, hostsDir, mirror, served }) => {
    const d = doc(ref);
    const repo = `/${ref.slice(ref.indexOf('/') + 1, ref.lastIndexOf(':'))}/`;
    expect(d.source.mode).toBe('cri');
    expect(d.hostsDir).toBe(hostsDir);
    for (const a of d.attempts) expect(a.path, JSON.stringify(a)).toContain(repo);
    if (served) {
      expect(d.attempts.filter((a) => a.kind === 'resolve').map((a) => [a.host, a.mirror, a.outcome])).toEqual([[mirror, true, 'ok']]);
      expect(d.attempts.filter((a) => a.kind === 'fetch').length).toBeGreaterThan(0);
      expect(d.resolved.host).toBe(mirror);
      expect(d.blobHosts).toEqual([mirror]);
      expect(d.mirrorUsed).toBe(true);
      expect(d.fallback).toEqual([]);
      expect(d.error).toBeNull();
      return;
    }
    const upstream = ['resolve', UPSTREAM, false, null, 'dns-failure'];
    expect(d.attempts.map((a) => [a.kind, a.host, a.mirror, a.status, a.outcome])).toEqual(mirror ? [['resolve', mirror, true, 404, 'not-found'], upstream] : [upstream]);
    expect(d.fallback).toEqual(mirror ? [{ from: mirror, to: UPSTREAM, reason: 'not-found' }] : []);
    expect(d.resolved).toEqual({ host: null, digest: null });
    expect(d.blobHosts).toEqual([]);
    expect(d.mirrorUsed).toBe(false);
    const want = meta.results.find((r) => refOf(r.image) === ref)?.error?.message ?? '';
    expect(want.length).toBeGreaterThan(0);
    expect(d.error).toContain(want);
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

describe('info-level lines of several images with no PullImage line (grepped out of a log)', () => {
  // spegel#258: `journalctl -r -u containerd | grep 30021` (newest first), three images through the node-port mirror
  const spegel = [
    'Nov 01 00:29:36 myhostname containerd[2413588]: time="2023-11-01T00:29:36.775166395Z" level=info msg="trying next host" error="failed to do request: Head \\"http://127.0.0.1:30021/v2/rtl/marketing-promocode/be-1301/manifests/49ad4e18?ns=gitlab-registry.mycomp.ru\\": dial tcp 127.0.0.1:30021: i/o timeout" host="127.0.0.1:30021"',
    'Nov 01 00:29:33 myhostname containerd[2413588]: time="2023-11-01T00:29:33.774039526Z" level=info msg="trying next host" error="failed to do request: Head \\"http://127.0.0.1:30021/v2/mkk/loan/feature-mkk-3870/manifests/bf6460d0?ns=gitlab-registry.mycomp.ru\\": dial tcp 127.0.0.1:30021: i/o timeout" host="127.0.0.1:30021"',
    'Nov 01 00:29:26 myhostname containerd[2413588]: time="2023-11-01T00:29:26.775053471Z" level=info msg="trying next host" error="failed to do request: Head \\"http://127.0.0.1:30021/v2/opendatacollecting/eparser/odc-2259/manifests/ee2d26a6?ns=gitlab-registry.mycomp.ru\\": dial tcp 127.0.0.1:30021: i/o timeout" host="127.0.0.1:30021"',
  ];
  it('a repository the open pull did not ask for is a pull of its own (one resolve asks each host once)', () => {
    const docs = parseTraceText(spegel.join('\n'));
    expect(docs.map((d) => d.attempts.map((a) => [repositoryOfUrl(a.url ?? ''), a.mirror, a.outcome]))).toEqual([
      [['rtl/marketing-promocode/be-1301', true, 'timeout']],
      [['mkk/loan/feature-mkk-3870', true, 'timeout']],
      [['opendatacollecting/eparser/odc-2259', true, 'timeout']],
    ]);
  });
  it("the same image at a mirror's path prefix and then upstream stays one pull", () => {
    const lines = [
      'time="2024-01-02T03:04:05.000000001Z" level=info msg="trying next host" error="failed to do request: Head \\"https://harbor.example.com/v2/proxy/library/nginx/manifests/1.25?ns=docker.io\\": dial tcp 10.0.0.5:443: connect: connection refused" host=harbor.example.com',
      'time="2024-01-02T03:04:06.000000001Z" level=info msg="trying next host" error="failed to do request: Head \\"https://registry-1.docker.io/v2/library/nginx/manifests/1.25\\": dial tcp: lookup registry-1.docker.io: no such host" host=registry-1.docker.io',
    ];
    const docs = parseTraceText(lines.join('\n'));
    expect(docs.map((d) => d.attempts.map((a) => [a.host, a.outcome]))).toEqual([
      [
        ['harbor.example.com', 'connection-refused'],
        ['registry-1.docker.io', 'dns-failure'],
      ],
    ]);
  });
});
