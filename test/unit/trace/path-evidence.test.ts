/**
 * What the CRI path's evidence says for every lab scenario, from the daemon lines containerd 1.6,
 * 1.7 and 2.1 really wrote at their default (info) level (test/fixtures/lab-info), with and without
 * the daemon's connections, and where the upstream does or does not resolve. At debug level the
 * daemon's own request lines prove it (test/fixtures/lab). A statement is proven, inferred, or
 * unknown; nothing is claimed that the inputs do not show.
 */
import { describe, expect, it } from 'vitest';
import { labScenarios, labSeries, labTraceRun, type LabSight } from '../../helpers/facts-fixture.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { criPathEvidence, type CriEvidenceInput, type PathEvidence } from '../../../src/trace/path-evidence.js';
import { parseTraceText } from '../../../src/trace/index.js';

const HEALTHY = ['mirror-ok', 'url-v2-suffix', 'tls-with-ca', 'host-port-registry', 'default-dir'];
const MIRROR_FAILS = ['mirror-404', 'mirror-refused', 'mirror-429', 'mirror-503', 'https-on-http', 'tls-no-ca', 'basic-auth', 'token-auth', 'token-server-unreachable', 'token-server-web-page'];
const NOT_TRIED = ['pull-only', 'toml-syntax-error', 'dir-registry-1', 'file-host-toml', 'cri-config-path-unset', 'cri-config-edited-after-start'];

function cri(series: string, scenario: string, sight: LabSight): PathEvidence {
  const ev = labTraceRun(series, scenario, sight).paths.find((p) => p.path === 'cri')?.evidence;
  if (!ev) throw new Error(`no CRI evidence for ${series}/${scenario}`);
  return ev;
}

const pick = (e: PathEvidence) => ({ mirrorUsed: e.mirrorUsed, mirrorTried: e.mirrorTried, level: e.level });

describe.each(labSeries())('containerd %s', (series) => {
  it('the recordings cover every scenario the table names', () => {
    expect(labScenarios(series).sort()).toEqual([...HEALTHY, ...MIRROR_FAILS, ...NOT_TRIED, 'cri-mirrors-and-config-path', 'cri-legacy-mirrors', 'cri-proxy-env', 'mirror-blob-404', 'mirror-blob-404-upstream', 'mirror-web-page', 'ref-names-mirror'].sort());
  });

  it('mirror-blob-404-upstream: the mirror served the manifests, the upstream the blobs: the debug lines say so, info level alone cannot', () => {
    const debug = cri(series, 'mirror-blob-404-upstream', { level: 'debug' });
    expect(pick(debug)).toEqual({ mirrorUsed: true, mirrorTried: true, level: 'proven' });
    expect(debug.basis).toEqual(['daemon log recorded: pulled via mirror 127.0.0.1:5123 (blobs also from 127.0.0.1:5101)']);
    const info = cri(series, 'mirror-blob-404-upstream', { level: 'info', sockets: 'unreadable', upstreamResolves: true });
    expect(pick(info)).toEqual({ mirrorUsed: null, mirrorTried: null, level: 'unknown' });
  });

  it('mirror-blob-404: the mirror answered and the pull failed at a blob: tried, not served, proven by the connection', () => {
    expect(pick(cri(series, 'mirror-blob-404', { level: 'info', sockets: 'mirror' }))).toEqual({ mirrorUsed: false, mirrorTried: true, level: 'proven' });
  });

  it('ref-names-mirror: the reference names the mirror, so no mirror (of its registry) is asked, and the failed pull used none', () => {
    expect(pick(cri(series, 'ref-names-mirror', { level: 'debug' }))).toEqual({ mirrorUsed: false, mirrorTried: false, level: 'proven' });
    const none = cri(series, 'ref-names-mirror', { level: 'info', sockets: 'none' });
    expect(pick(none)).toEqual({ mirrorUsed: false, mirrorTried: false, level: 'inferred' });
    expect(none.basis).toContain('daemon log recorded: 127.0.0.1:5102: 404 not-found');
  });

  it('mirror-web-page: the mirror answered with a web page and the pull failed: tried, not served, proven by the connection', () => {
    expect(pick(cri(series, 'mirror-web-page', { level: 'info', sockets: 'mirror' }))).toEqual({ mirrorUsed: false, mirrorTried: true, level: 'proven' });
  });

  describe.each(HEALTHY)('%s (the mirror serves the pull)', (scenario) => {
    it('info level, the daemon connected to the mirror: proven', () => {
      const e = cri(series, scenario, { level: 'info', sockets: 'mirror' });
      expect(pick(e)).toEqual({ mirrorUsed: true, mirrorTried: true, level: 'proven' });
      expect(e.servedBy).toMatch(/^127\.0\.0\.1:510\d$/);
      expect(e.basis.join(' ')).toMatch(/connected to 127\.0\.0\.1:510\d .*during the pull, and the pull succeeded/);
    });
    it('info level, no connection data, the upstream does not resolve: inferred', () => {
      const e = cri(series, scenario, { level: 'info', sockets: 'unreadable', upstreamResolves: false });
      expect(pick(e)).toEqual({ mirrorUsed: true, mirrorTried: true, level: 'inferred' });
      expect(e.basis.join(' ')).toMatch(/(registry-1\.docker\.io|registry\.lab\.invalid:5000) does not resolve on this node .* only a mirror can have served it/);
    });
    it('info level, no connection data, the upstream resolves: unknown, and what to collect', () => {
      const e = cri(series, scenario, { level: 'info', sockets: 'unreadable', upstreamResolves: true });
      expect(pick(e)).toEqual({ mirrorUsed: null, mirrorTried: null, level: 'unknown' });
      expect(e.collect).toMatch(/debug/);
      expect(e.collect).toMatch(/as root/);
    });
    it('info level, connections read and none to the mirror: not used, inferred', () => {
      expect(pick(cri(series, scenario, { level: 'info', sockets: 'none' }))).toEqual({ mirrorUsed: false, mirrorTried: false, level: 'inferred' });
    });
    it("debug level: the daemon's own lines prove it", () => {
      const e = cri(series, scenario, { level: 'debug' });
      expect(pick(e)).toEqual({ mirrorUsed: true, mirrorTried: true, level: 'proven' });
      expect(e.basis.join(' ')).toMatch(/pulled via mirror 127\.0\.0\.1:510\d/);
    });
  });

  describe.each(MIRROR_FAILS)('%s (the mirror fails)', (scenario) => {
    it.each(['unreadable', 'none'] as const)('info level, connections %s: the mirror was tried and did not serve, proven', (sockets) => {
      const e = cri(series, scenario, { level: 'info', sockets });
      expect(pick(e)).toEqual({ mirrorUsed: false, mirrorTried: true, level: 'proven' });
      expect(e.basis.join(' ')).toMatch(/127\.0\.0\.1:51[0-2]\d/);
    });
  });

  describe.each(NOT_TRIED)('%s (no mirror is asked)', (scenario) => {
    it('info level, connections read: no mirror was asked, inferred', () => {
      const e = cri(series, scenario, { level: 'info', sockets: 'none' });
      expect(pick(e)).toEqual({ mirrorUsed: false, mirrorTried: false, level: 'inferred' });
      expect(e.basis.join(' ')).toMatch(/no mirror was asked/);
    });
    it('info level, no connection data: not served, and on 2.x no mirror was asked (every failure is logged)', () => {
      const e = cri(series, scenario, { level: 'info', sockets: 'unreadable' });
      if (series.startsWith('2')) expect(pick(e)).toEqual({ mirrorUsed: false, mirrorTried: false, level: 'inferred' });
      else expect(pick(e)).toEqual({ mirrorUsed: false, mirrorTried: null, level: 'proven' });
    });
  });

  it('cri-mirrors-and-config-path: the CRI image service is not there, proven', () => {
    expect(pick(cri(series, 'cri-mirrors-and-config-path', { level: 'info' }))).toEqual({ mirrorUsed: false, mirrorTried: false, level: 'proven' });
  });

  it('cri-proxy-env: with a proxy the upstream not resolving here proves nothing; the connection to the mirror does', () => {
    expect(cri(series, 'cri-proxy-env', { level: 'info', sockets: 'unreadable', upstreamResolves: false }).level).toBe('unknown');
    expect(pick(cri(series, 'cri-proxy-env', { level: 'info', sockets: 'mirror' }))).toEqual({ mirrorUsed: true, mirrorTried: true, level: 'proven' });
  });
});

/** A new connection to `h` during the pull. */
const conn = (h: string) => ({ endpoint: h, hosts: [h], presentAtStart: false });

/** A successful CRI pull at info level whose daemon connected to `hosts`. */
function successInput(version: string, doc: CriEvidenceInput['doc'], hosts: string[], mirrors: string[], upstream = 'registry-1.docker.io'): CriEvidenceInput {
  return {
    doc,
    pulled: true,
    error: null,
    code: null,
    stoppedBy: null,
    log: { source: 'recorded', available: true, debug: false, problem: null },
    sockets: { endpoints: hosts.map(conn) },
    mirrors,
    upstream: { host: upstream, resolves: true, detail: '' },
    daemonProxy: false,
    version,
  };
}

describe('a successful CRI pull at info level that connected to two mirrors', () => {
  const A = '127.0.0.1:5101';
  const B = '127.0.0.1:5122';
  const input = (version: string, doc: CriEvidenceInput['doc']) => successInput(version, doc, [B, A], [B, A]);

  it('1.7 logs neither: the mirrors served it, proven, but which one is not known', () => {
    // a successful pull leaves no host line at info level; 1.x logs no line for a 5xx either
    const e = criPathEvidence(input('1.7.24', null));
    expect(pick(e)).toEqual({ mirrorUsed: true, mirrorTried: true, level: 'proven' });
    expect(e.servedBy).toBeNull();
    expect(e.basis.join(' ')).toContain(`which of ${B} and ${A} served it is not logged at info level`);
  });

  it('2.1 logs the one that failed (its real line): the other served it, and the failed one is no "other host"', () => {
    const line = readFileSync(join(__dirname, '../../fixtures/lab-info/2.1/mirror-503/cri/daemon.log'), 'utf8').split('\n').find((l) => l.includes('trying next host after status: 503'))!;
    const doc = parseTraceText(line.replace('127.0.0.1:5622', B)).at(-1) ?? null;
    expect(doc?.attempts.map((a) => [a.host, a.outcome])).toEqual([[B, 'server-error']]);
    const e = criPathEvidence(input('2.1.9', doc));
    expect(pick(e)).toEqual({ mirrorUsed: true, mirrorTried: true, level: 'proven' });
    expect(e.servedBy).toBe(A);
    expect(e.basis.join(' ')).toContain(`the mirror ${B}: 503 server-error`);
    expect(e.basis.join(' ')).toContain(`its other connections went to mirrors that failed (${B} (${B}))`);
    expect(e.basis.join(' ')).not.toContain('connected to no other host');
  });
});

describe('2.x at info level logs a host that fails to resolve the tag, but no failed blob download', () => {
  it('a successful pull with new connections to the mirror and to the upstream: which served the blobs is unknown', () => {
    // recorded: 2.1 at info level writes no line for a mirror's 404 on a blob, nor for the next host's
    // failure (test/fixtures/lab-info/2.1/mirror-blob-404)
    const info = readFileSync(join(__dirname, '../../fixtures/lab-info/2.1/mirror-blob-404/cri/daemon.log'), 'utf8');
    expect(info).not.toMatch(/trying next host|fetch failed/);
    const M = '127.0.0.1:5123';
    const U = '127.0.0.1:5101';
    const e = criPathEvidence(successInput('2.1.9', null, [M, U], [M], U));
    expect(pick(e)).toEqual({ mirrorUsed: null, mirrorTried: true, level: 'unknown' });
    expect(e.basis.join(' ')).toContain(`it also connected to ${U} (${U}): either may have served the blobs (containerd 2.1.9 logs every host that fails to resolve the tag and none names ${M}, but it logs no failed blob download at info level)`);
  });
});

describe('a successful CRI pull at info level that connected to no mirror', () => {
  const U = 'registry-1.docker.io';
  it('only to the upstream: no mirror, proven by the connection', () => {
    const e = criPathEvidence(successInput('1.7.24', null, [U], ['127.0.0.1:5101'], U));
    expect(pick(e)).toEqual({ mirrorUsed: false, mirrorTried: false, level: 'proven' });
  });

  it('to an endpoint none of the run\'s hosts resolve to: unknown, for it may be a mirror configured elsewhere', () => {
    const input = successInput('1.7.24', null, [], ['127.0.0.1:5101'], U);
    input.sockets = { endpoints: [{ endpoint: '10.0.0.9:5000', hosts: [], presentAtStart: false }] };
    const e = criPathEvidence(input);
    expect(pick(e)).toEqual({ mirrorUsed: null, mirrorTried: null, level: 'unknown' });
    expect(e.basis.at(-1)).toBe('10.0.0.9:5000 is neither a mirror nor the upstream as this node\'s configuration names them: it may be a mirror configured elsewhere');
    expect(e.collect).toMatch(/debug/);
  });
});
