/**
 * Line formats the lab cannot record, derived mechanically from REAL fixture lines (synthetic
 * wrappers only): journald short / short-iso / short-precise prefixes, `journalctl -o json`,
 * containerd's JSON log format, logrus TTY form, CRLF, k3s containerd.log (= plain logrus text).
 * Also the dump-only view of 2.1 transfer mode (ctr's stderr without the daemon log).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTraceParser, parseTraceLines, validateTraceDoc, type TraceDoc } from '../../../src/trace/index.js';
import { parseLogfmt } from '../../../src/trace/logfmt.js';
import { scanLine, wantedFields, wantedFieldsOf } from '../../../src/trace/line.js';

const LAB = join(import.meta.dirname, '../../fixtures/lab');
const read = (p: string) => readFileSync(join(LAB, p), 'utf8').split('\n').filter((l) => l.length > 0);

// a real 2.1 CRI daemon log (mirror 404 → upstream DNS failure)
const CRI_404 = read('2.1/mirror-404/cri/daemon.log');
const base = (docs: TraceDoc[]) => docs.map((d) => ({ ref: d.ref, hostsDir: d.hostsDir, attempts: d.attempts.map((a) => [a.host, a.kind, a.status, a.outcome, a.mirror]), result: d.result, error: d.error }));
const expected = base(parseTraceLines(CRI_404));

/** logrus text → the same entry as logrus TTY text (what ctr prints on a terminal). */
function toTty(line: string): string {
  const l = scanLine(line);
  if (l.kind !== 'log') return line;
  const f = parseLogfmt(l.src, l.at);
  const lvl = { debug: 'DEBU', info: 'INFO', warning: 'WARN', error: 'ERRO' }[l.level as string] ?? 'INFO';
  const fields = Object.entries(f).map(([k, v]) => ` \x1b[36m${k}\x1b[0m=${/[\s"=]/.test(v) ? JSON.stringify(v) : v}`).join('');
  return `\x1b[36m${lvl}\x1b[0m[0000] ${l.msg.padEnd(44)} ${fields}`;
}

describe('line formats (synthetic wrappers around real lines)', () => {
  it('baseline: the real CRI log', () => {
    expect(expected).toHaveLength(1);
    expect(expected[0]?.attempts.map((a) => a[3])).toEqual(['not-found', 'dns-failure']);
  });
  const variants: [string, (l: string, i: number) => string][] = [
    ['journald short', (l) => `Nov 27 23:38:42 node1 containerd[812]: ${l}`],
    ['journald short-precise', (l) => `Nov 27 23:38:42.887280 node1 containerd[812]: ${l}`],
    ['journald short-iso', (l) => `2026-11-27T23:38:42+0000 node1 containerd[812]: ${l}`],
    ['journald short-iso-precise', (l) => `2026-11-27T23:38:42.887280+00:00 node1 containerd[812]: ${l}`],
    ['journalctl -o json', (l, i) => JSON.stringify({ __CURSOR: `s=${i}`, _SYSTEMD_UNIT: 'containerd.service', PRIORITY: '6', MESSAGE: l })],
    ['journalctl -o json with MESSAGE as a byte array', (l) => JSON.stringify({ _SYSTEMD_UNIT: 'containerd.service', MESSAGE: [...Buffer.from(l)] })],
    ['k3s containerd.log (plain logrus text, CRLF)', (l) => `${l}\r`],
    ['k3s journald (k3s[pid])', (l) => `Nov 27 23:38:42 node1 k3s[1001]: ${l}`],
    ['containerd JSON log format', (l) => {
      const s = scanLine(l);
      if (s.kind !== 'log') return l;
      return JSON.stringify({ level: s.level, msg: s.msg, time: s.time, ...parseLogfmt(s.src, s.at) });
    }],
    ['logrus TTY form with colours', (l) => toTty(l)],
    ['logrus TTY form, colours stripped', (l) => toTty(l).replace(/\x1b\[[0-9;]*m/g, '')],
  ];
  for (const [name, wrap] of variants) {
    it(name, () => {
      const docs = parseTraceLines(CRI_404.map(wrap));
      for (const d of docs) expect(validateTraceDoc(d)).toEqual([]);
      expect(base(docs)).toEqual(expected);
      expect(docs[0]?.source.kind).toBe(name.startsWith('logrus TTY') ? 'ctr' : 'daemon-log');
    });
  }
  it('a mix of wrappers in one stream', () => {
    const docs = parseTraceLines(CRI_404.map((l, i) => (variants[i % variants.length] as [string, (l: string, i: number) => string])[1](l, i)));
    expect(base(docs).map((d) => d.attempts)).toEqual(expected.map((d) => d.attempts));
  });
});

describe('2.1 transfer mode: ctr output alone (dump only, no daemon log)', () => {
  it('mirror-404: both hosts from the dump; the upstream request has no response (inferred)', () => {
    const [d] = parseTraceLines([...read('2.1/mirror-404/ctr-hosts-dir/stderr.txt'), ...read('2.1/mirror-404/ctr-hosts-dir/stdout.txt')]);
    expect(d?.source).toMatchObject({ kind: 'ctr', mode: 'transfer', containerdVersion: '2.1.9+unknown', joined: false });
    expect(d?.ref).toBe('docker.io/library/mirror-doctor-demo:1.0');
    expect(d?.attempts.map((a) => [a.host, a.kind, a.mirror, a.status, a.outcome, a.evidence, a.inferred !== null])).toEqual([
      ['127.0.0.1:5102', 'resolve', true, 404, 'not-found', 'dump', false],
      ['registry-1.docker.io', 'resolve', false, null, 'other', 'dump', true],
    ]);
    expect(d?.result).toBe('failure');
    expect(d?.error).toBe('failed to resolve image: docker.io/library/mirror-doctor-demo:1.0: not found');
  });
  it('tls-no-ca: the mirror attempt takes its cause and URL from ctr\'s final error', () => {
    const [d] = parseTraceLines(read('2.1/tls-no-ca/ctr-hosts-dir/stderr.txt'));
    const a = d?.attempts[0];
    expect(a?.outcome).toBe('tls-unknown-authority');
    expect(a?.url).toBe('https://127.0.0.1:5104/v2/library/mirror-doctor-demo/manifests/1.0?ns=docker.io');
    expect(a?.inferred).toMatch(/final error/);
  });
  it('mirror-ok: manifest and blobs from the mirror, body bytes never kept', () => {
    const [d] = parseTraceLines([...read('2.1/mirror-ok/ctr-hosts-dir/stderr.txt'), ...read('2.1/mirror-ok/ctr-hosts-dir/stdout.txt')]);
    expect(d?.result).toBe('success');
    expect(d?.resolved).toEqual({ host: '127.0.0.1:5101', digest: 'sha256:5770e110a8ecc7102d4406d4b7663143a5e8b018316dd9ee1717eff852275691' });
    expect(d?.blobHosts).toEqual(['127.0.0.1:5101']);
    expect(d?.mirrorUsed).toBe(true);
    expect(d?.attempts.filter((a) => a.kind === 'fetch')).toHaveLength(6);
    expect(JSON.stringify(d)).not.toMatch(/\\u001f|\x1f|schemaVersion/);
  });
  it('1.6 glued bodies: request lines glued after a manifest body are still requests', () => {
    const [d] = parseTraceLines(read('1.6/mirror-ok/ctr-hosts-dir/stderr.txt').filter((l) => !l.includes('level=debug')));
    expect(d?.attempts.filter((a) => a.kind === 'fetch').map((a) => a.digest).sort()).toHaveLength(6);
    expect(d?.attempts.every((a) => a.outcome === 'ok')).toBe(true);
  });
});

describe('streaming', () => {
  it('the snapshot shows the result once the line that decides it is fed (a live tracer stops there)', () => {
    const lines = read('1.7/mirror-refused/ctr-hosts-dir/stderr.txt');
    const p = createTraceParser();
    let at = -1;
    lines.forEach((l, i) => {
      p.feed(l);
      if (at < 0 && p.snapshot().at(-1)?.result === 'failure') at = i;
    });
    expect(lines[at]).toMatch(/fetch failed|^ctr: /);
    expect(at).toBeGreaterThan(lines.length - 4);
    expect(p.end()).toHaveLength(1);
    expect(p.end()).toBe(p.end());
  });
  it('--ref filters pulls (short and full names)', () => {
    const a = read('1.7/mirror-ok/ctr-hosts-dir/stderr.txt');
    const b = read('1.7/host-port-registry/ctr-hosts-dir/stderr.txt');
    expect(parseTraceLines([...a, ...b])).toHaveLength(2);
    expect(parseTraceLines([...a, ...b], { ref: 'mirror-doctor-demo:1.0' }).map((d) => d.ref)).toEqual(['docker.io/library/mirror-doctor-demo:1.0']);
    expect(parseTraceLines([...a, ...b], { ref: 'registry.lab.invalid:5000/lab/mirror-doctor-demo:1.0' })).toHaveLength(1);
  });
  it('two sequential CRI pulls in one daemon log are two documents', () => {
    const docs = parseTraceLines([...read('1.7/mirror-404/cri/daemon.log'), ...read('1.7/mirror-ok/cri/daemon.log')]);
    expect(docs.map((d) => d.result)).toEqual(['failure', 'success']);
  });
});

describe('ctr lines whose padding was collapsed (a paste through a web page)', () => {
  it.each([
    ['INFO[0030] trying next host error="failed to do request: Head \\"https://registry.k8s.io/v2/pause/manifests/3.7\\": dial tcp 1.2.3.4:443: i/o timeout" host=registry.k8s.io', 'trying next host', 'registry.k8s.io'],
    ['DEBU[0000] resolving host=registry.k8s.io', 'resolving', 'registry.k8s.io'],
    ['DEBU[0000] do request host=registry.k8s.io request.method=HEAD url="https://registry.k8s.io/v2/pause/manifests/3.7"', 'do request', 'registry.k8s.io'],
  ])('%s: the message the parser reads, then its fields', (line, msg, host) => {
    const l = scanLine(line);
    expect(l.kind).toBe('log');
    if (l.kind !== 'log') return;
    expect(l.msg).toBe(msg);
    expect(wantedFieldsOf(l, wantedFields()).host).toBe(host);
  });
  it('a message the parser does not read keeps the whole text (nothing to split it at)', () => {
    const l = scanLine('INFO[0000] some message with a=b in it');
    expect(l.kind === 'log' && l.msg).toBe('some message with a=b in it');
  });
});

describe('a failed client pull that logged no request: the request its final error names', () => {
  const ref = 'harbor.example.com/base/nginx:1';
  it.each([
    [`FATA[0000] pulling image: failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": unexpected status from HEAD request to http://127.0.0.1:65001/v2/base/nginx/manifests/1?ns=harbor.example.com: 500 Internal Server Error`, ['resolve', '127.0.0.1:65001', true, 'server-error', 500]],
    [`FATA[0000] pulling image: failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": pulling from host mirror.example.com failed with status code [manifests 1]: 503 Service Unavailable`, ['resolve', 'mirror.example.com', true, 'server-error', 503]],
    [`ctr: failed to resolve reference "${ref}": failed to do request: Head "https://harbor.example.com/v2/base/nginx/manifests/1": dial tcp 10.0.0.1:443: connect: connection refused`, ['resolve', 'harbor.example.com', false, 'connection-refused', null]],
    [`FATA[0000] pulling image: failed to pull and unpack image "${ref}": failed to copy: httpReadSeeker: failed open: failed to do request: Get "http://mirror.example.com/v2/base/nginx/manifests/sha256:${'a'.repeat(64)}?ns=harbor.example.com": dial tcp: lookup mirror.example.com: no such host`, ['fetch', 'mirror.example.com', true, 'dns-failure', null]],
  ])('%s', (line, [kind, host, mirror, outcome, status]) => {
    const docs = parseTraceLines([line]);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.result).toBe('failure');
    expect(docs[0]!.ref).toBe(ref);
    expect(docs[0]!.attempts.map((a) => [a.kind, a.host, a.mirror, a.outcome, a.status, a.evidence])).toEqual([[kind, host, mirror, outcome, status, 'error']]);
    expect(validateTraceDoc(docs[0]!)).toEqual([]);
  });
});

describe("kubelet's event, as kubectl describe prints it", () => {
  it('is a failed pull: the reference CRI normalised, and the request its error names', () => {
    const line =
      '  Warning  Failed     12s (x2 over 30s)  kubelet            Failed to pull image "nginx:1.25": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/nginx:1.25": failed to resolve reference "docker.io/library/nginx:1.25": failed to do request: Head "https://mirror.example.com/v2/library/nginx/manifests/1.25?ns=docker.io": x509: certificate signed by unknown authority';
    const docs = parseTraceLines([line]);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ ref: 'docker.io/library/nginx:1.25', result: 'failure' });
    expect(docs[0]!.error).toMatch(/^failed to pull and unpack image "docker\.io\/library\/nginx:1\.25"/);
    expect(docs[0]!.attempts.map((a) => [a.host, a.mirror, a.outcome])).toEqual([['mirror.example.com', true, 'tls-unknown-authority']]);
  });
});

describe("a pod's sandbox image CRI failed to pull: no PullImage line, only the pod's failure", () => {
  // k3s#10926's event (kubectl describe): Docker Hub out of reach, no mirror
  const event =
    '  Warning  FailedCreatePodSandBox  11m (x2 over 12m)      kubelet            Failed to create pod sandbox: rpc error: code = DeadlineExceeded desc = failed to get sandbox image "rancher/mirrored-pause:3.6": failed to pull image "rancher/mirrored-pause:3.6": failed to pull and unpack image "docker.io/rancher/mirrored-pause:3.6": failed to resolve reference "docker.io/rancher/mirrored-pause:3.6": failed to do request: Head "https://registry-1.docker.io/v2/rancher/mirrored-pause/manifests/3.6": dial tcp 116.89.243.8:443: i/o timeout';
  it("kubelet's FailedCreatePodSandBox event is a failed pull of the sandbox image, with the request its error names", () => {
    const docs = parseTraceLines([event]);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ ref: 'docker.io/rancher/mirrored-pause:3.6', result: 'failure' });
    expect(docs[0]!.error).toMatch(/^failed to pull and unpack image "docker\.io\/rancher\/mirrored-pause:3\.6"/);
    expect(docs[0]!.warnings.join('\n')).toMatch(/sandbox image of a pod/);
    expect(docs[0]!.attempts.map((a) => [a.host, a.mirror, a.outcome, a.evidence])).toEqual([['registry-1.docker.io', false, 'timeout', 'error']]);
    expect(validateTraceDoc(docs[0]!)).toEqual([]);
  });
  it('a sandbox failure that is no pull (network setup), and the event of one, start no pull', () => {
    expect(parseTraceLines(['  Warning  FailedCreatePodSandBox  3s  kubelet  Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "abc": plugin type="flannel" failed (add): open /run/flannel/subnet.env: no such file or directory'])).toEqual([]);
  });
});

describe("ctr's final error from the transfer service, as gRPC's on 1.7-2.1.2", () => {
  it.each([
    // containerd#8564 (ctr --local=false --plain-http, main in May 2023) and nerdctl#3671 (ctr 2.0.0)
    ['ctr: rpc error: code = Unknown desc = failed to resolve image: failed to do request: Head "https://localhost:5000/v2/test-image/manifests/latest": http: server gave HTTP response to HTTPS client', 'localhost:5000', 'http-response-to-https'],
    ['ctr: rpc error: code = DeadlineExceeded desc = failed to resolve image: failed to do request: Head "https://registry-1.docker.io/v2/library/ubuntu/manifests/latest": dial tcp 108.160.165.173:443: i/o timeout', 'registry-1.docker.io', 'timeout'],
  ])('is a transfer pull: %s', (line, host, outcome) => {
    const [d, ...rest] = parseTraceLines([line]);
    expect(rest).toEqual([]);
    expect(d?.source).toMatchObject({ kind: 'ctr', mode: 'transfer' });
    expect(d?.error).toBe(line.slice(5));
    expect(d?.attempts.map((a) => [a.host, a.outcome])).toEqual([[host, outcome]]);
  });
});
