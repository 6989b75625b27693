/**
 * The root cause `check` names for every recorded lab scenario on every containerd version, with
 * the traces (online) and from the files alone (--offline). These are the verdicts the live
 * integration test expects from real containerd.
 */
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { labFacts, labScenarios, labSeries } from '../../helpers/facts-fixture.js';
import { replayStop } from '../../helpers/ctr-stop.js';

/** scenario → [root cause id or null, the mirror-fallback outcome when that is the cause] */
const ONLINE: Record<string, [string | null, string?]> = {
  'mirror-ok': [null],
  'mirror-404': ['mirror-fallback', 'not-found'],
  // a test pull straight from the (empty) mirror: no folder is needed for it, and its 404 is the cause
  'ref-names-mirror': ['mirror-direct-pull-failed', 'not-found'],
  'mirror-refused': ['mirror-fallback', 'connection-refused'],
  'mirror-429': ['mirror-fallback', 'rate-limited'],
  'mirror-503': ['mirror-fallback', 'server-error'],
  'mirror-blob-404': ['mirror-fallback', 'not-found'],
  'mirror-blob-404-upstream': ['mirror-fallback', 'not-found'],
  'mirror-web-page': ['not-a-manifest'],
  'https-on-http': ['mirror-fallback', 'http-response-to-https'],
  'pull-only': ['mirror-no-resolve'],
  'url-v2-suffix': [null],
  'toml-syntax-error': ['hosts-toml-invalid'],
  'dir-registry-1': ['host-dir-misnamed'],
  'file-host-toml': ['hosts-toml-missing'],
  'tls-no-ca': ['mirror-fallback', 'tls-unknown-authority'],
  'tls-with-ca': [null],
  'basic-auth': ['mirror-fallback', 'unauthorized'],
  'token-auth': ['mirror-fallback', 'unauthorized'],
  // the title names the token server's failure, not the mirror's 401
  'token-server-unreachable': ['mirror-fallback', 'connection-refused'],
  // the title says the token server sent no token (below)
  'token-server-web-page': ['mirror-fallback'],
  'host-port-registry': [null],
  'default-dir': [null],
  'cri-config-path-unset': ['config-path-unset'],
  'cri-config-edited-after-start': ['restart-required'],
  'cri-mirrors-and-config-path': ['mirrors-with-config-path'],
  // CRI uses the legacy registry.mirrors; ctr --hosts-dir finding no folder is only information then
  'cri-legacy-mirrors': [null],
  'cri-proxy-env': [null],
};

/** From the files alone the runtime failures are invisible (the files are fine). */
const OFFLINE: Record<string, string | null> = {
  ...Object.fromEntries(Object.entries(ONLINE).map(([k, v]) => [k, ['mirror-fallback', 'not-a-manifest', 'mirror-direct-pull-failed'].includes(v[0] ?? '') ? null : v[0]])),
  // offline there is no proof the tag was not resolvable upstream: a warning, not the cause
  'pull-only': null,
  // offline there is no live config to compare: the newer mtime alone is a warning
  'cri-config-edited-after-start': null,
};

const cases = labSeries().flatMap((series) => labScenarios(series).map((scenario) => [series, scenario] as const));

describe('root cause on the recorded lab scenarios', () => {
  it('covers every scenario on three versions', () => {
    expect(cases.length).toBe(84);
    for (const [, s] of cases) expect(ONLINE[s], s).toBeDefined();
  });

  it.each(cases)('%s %s (traced)', async (series, scenario) => {
    const run = runChecks(await labFacts(series, scenario));
    const [id, outcome] = ONLINE[scenario]!;
    const errors = run.findings.filter((f) => f.severity === 'error').map((f) => `${f.id}: ${f.title}`);
    expect(run.rootCause?.id ?? null, errors.join('\n')).toBe(id);
    if (outcome) expect(run.rootCause!.title).toContain(`(${outcome})`);
    expect(run.findings.filter((f) => f.id === 'crash')).toEqual([]);
    if (id === null) {
      expect(run.status).toBe('ok');
      expect(run.exitCode).toBe(0);
      expect(run.findings.find((f) => f.id === 'mirror-used')?.severity).toBe('ok');
    } else {
      expect(run.status).toBe('problems');
      expect(run.exitCode).toBe(1);
    }
    // the loopback mirror bypasses the daemon's proxy; only the upstream goes through it, as it usually should
    if (scenario === 'cri-proxy-env') expect(run.findings.find((f) => f.id === 'proxy-env-mismatch')).toBeUndefined();
  });

  it.each(cases)('%s %s (--offline)', async (series, scenario) => {
    const run = runChecks(await labFacts(series, scenario, { offline: true }));
    const errors = run.findings.filter((f) => f.severity === 'error').map((f) => `${f.id}: ${f.title}`);
    expect(run.rootCause?.id ?? null, errors.join('\n')).toBe(OFFLINE[scenario]);
    expect(run.findings.some((f) => f.layer === 'evidence' && f.id !== 'trace-unavailable')).toBe(false);
    expect(run.findings.find((f) => f.id === 'trace-unavailable')?.severity).toBe('info');
  });
});

describe('a 401 from a mirror behind token auth', () => {
  it.each(labSeries())('%s: names the token server and proposes credentials, not a fixed Authorization header', async (series) => {
    const run = runChecks(await labFacts(series, 'token-auth'));
    const f = run.findings.find((x) => x.id === 'mirror-fallback')!;
    expect(f.detail).toMatch(/wants a bearer token from 127\.0\.0\.1:5119 that grants pull of this repository/);
    expect(f.fix.join('\n')).toMatch(/registry\.configs\."127\.0\.0\.1:5118"\.auth\] username and password/);
    expect(f.fix.join('\n')).not.toMatch(/Authorization = /);
    // basic auth keeps its own text
    const basic = runChecks(await labFacts(series, 'basic-auth')).findings.find((x) => x.id === 'mirror-fallback')!;
    expect(basic.detail).toMatch(/it wants credentials containerd does not send to it/);
  });
});

describe('a 401 from a mirror behind token auth, CRI alone at info level (no challenge logged)', () => {
  it.each(labSeries())('%s: the error code tells bearer auth', async (series) => {
    const facts = await labFacts(series, 'token-auth', { sight: { level: 'info' } });
    facts.trace!.paths = facts.trace!.paths.filter((p) => p.path === 'cri');
    const f = runChecks(facts).findings.find((x) => x.id === 'mirror-fallback')!;
    expect(f.detail).toMatch(/wants a bearer token from its token server that grants pull of this repository/);
    expect(f.fix.join('\n')).not.toMatch(/Authorization = /);
  });
});

describe('a mirror whose token server cannot be reached (token-server-unreachable)', () => {
  it.each(labSeries())('%s: the token server is the host that failed, with ctr and with CRI alone at info level', async (series) => {
    for (const facts of [await labFacts(series, 'token-server-unreachable'), await labFacts(series, 'token-server-unreachable', { sight: { level: 'info' } })]) {
      const f = runChecks(facts).findings.find((x) => x.id === 'mirror-fallback')!;
      expect(f.title).toMatch(/^the mirror 127\.0\.0\.1:5120 answered 401 and its token server 127\.0\.0\.1:5103 failed \(connection-refused\) and containerd fell back to registry-1\.docker\.io$/);
      expect(f.detail).toMatch(/^the mirror answered 401 and sent containerd for a token to 127\.0\.0\.1:5103, which failed \(connection-refused: dial tcp 127\.0\.0\.1:5103: connect: connection refused\)/);
      expect(f.fix[0]).toMatch(/^make 127\.0\.0\.1:5103 reachable from the node/);
    }
    const cri = await labFacts(series, 'token-server-unreachable', { sight: { level: 'info' } });
    cri.trace!.paths = cri.trace!.paths.filter((p) => p.path === 'cri');
    expect(runChecks(cri).findings.find((x) => x.id === 'mirror-fallback')?.detail).toMatch(/sent containerd for a token to 127\.0\.0\.1:5103, which failed \(connection-refused/);
  });
});

describe('a mirror only in the legacy registry.mirrors (cri-legacy-mirrors)', () => {
  it.each(labSeries())('%s: CRI\'s pull through it counts; ctr --hosts-dir finding no folder is information; unknown when nothing shows it', async (series) => {
    for (const sight of [{}, { level: 'info', sockets: 'mirror' }] as const) {
      const run = runChecks(await labFacts(series, 'cri-legacy-mirrors', { sight }));
      expect(run.findings.filter((f) => f.id === 'hosts-dir-not-loaded').map((f) => [f.severity, f.detail.slice(0, 28)])).toEqual([['info', 'ctr --hosts-dir made its req']]);
      // at info level the daemon's connection to the mirror config.toml names shows it
      expect(run.findings.find((f) => f.id === 'mirror-used')?.detail).toBe('CRI (as kubelet) pulled through 127.0.0.1:5101.');
      expect([run.status, run.rootCause]).toEqual(['ok', null]);
    }
    const blind = runChecks(await labFacts(series, 'cri-legacy-mirrors', { sight: { level: 'info', sockets: 'unreadable', upstreamResolves: true } }));
    const unknown = blind.findings.find((f) => f.id === 'cri-path-unknown')!;
    expect([unknown.severity, blind.rootCause]).toEqual(['warning', null]);
    expect(unknown.detail).toMatch(/^the mirror 127\.0\.0\.1:5101 is in registry\.mirrors of config\.toml, which only CRI reads, but whether the CRI pull \(as kubelet does it\) did is not known/);
  });
});

describe('a mirror whose token server answers with a web page (token-server-web-page)', () => {
  it.each(labSeries())('%s: the token server sent no token; its realm, not the credentials, is the fix — with ctr and with CRI alone at info level', async (series) => {
    const ctrAndCri = [await labFacts(series, 'token-server-web-page'), await labFacts(series, 'token-server-web-page', { sight: { level: 'info' } })];
    const criAlone = await labFacts(series, 'token-server-web-page', { sight: { level: 'info' } });
    criAlone.trace!.paths = criAlone.trace!.paths.filter((p) => p.path === 'cri');
    for (const facts of [...ctrAndCri, criAlone]) {
      const f = runChecks(facts).findings.find((x) => x.id === 'mirror-fallback')!;
      // CRI alone names no realm (no challenge at info level)
      const server = facts === criAlone ? '' : ' 127\\.0\\.0\\.1:5124';
      expect(f.title).toMatch(new RegExp(`^the mirror 127\\.0\\.0\\.1:5125 answered 401 and its token server${server} sent no token and containerd fell back to registry-1\\.docker\\.io$`));
      expect(f.detail).toMatch(new RegExp(`^the mirror answered 401 and sent containerd for a token to ${server ? server.trim() : 'its token server'}, which answered with no token containerd could read \\(unable to decode token response: invalid character '<' looking for beginning of value\\): an HTML page, not a token endpoint`));
      expect(f.fix.join('\n')).not.toMatch(/registry\.configs|--user|Authorization/);
      expect(f.fix[1]).toMatch(/^point the realm the mirror announces at its token endpoint/);
    }
    expect(runChecks(ctrAndCri[0]!).findings.find((x) => x.id === 'mirror-fallback')!.fix[0]).toMatch(/^curl -sSi 'http:\/\/127\.0\.0\.1:5124\/token\?service=…&scope=repository:…:pull'/);
  });
});

describe('a token server that refuses the credentials (token-auth, ctr --user with a wrong password)', () => {
  it.each(labSeries())('%s: names the refusal and the credentials to check', async (series) => {
    const f = runChecks(await labFacts(series, 'token-auth', { sight: { hostsDirVariant: 'ctr-hosts-dir-wrong-user' } })).findings.find((x) => x.id === 'mirror-fallback')!;
    expect(f.title).toMatch(/^the mirror 127\.0\.0\.1:5118 answered 401 and its token server 127\.0\.0\.1:5119 refused the credentials \(unauthorized\)/);
    expect(f.detail).toMatch(/^the mirror answered 401 and its token server 127\.0\.0\.1:5119 refused the token request \((401 unauthorized|401 Unauthorized)\)/);
    expect(f.fix[0]).toMatch(/^check the username and password CRI has for the mirror host/);
    expect(f.fix[1]).toMatch(/^curl -su USER 'http:\/\/127\.0\.0\.1:5119\/token/);
  });
});

describe('a mirror that answers 429 or 503 (mirror-429, mirror-503)', () => {
  it.each(labSeries())('%s: names the status and what it means, seen by ctr and by CRI at info level', async (series) => {
    for (const [scenario, port, title, what] of [
      ['mirror-429', 5121, 'answered 429 Too Many Requests (rate-limited)', /^the mirror answered 429 Too Many Requests: it limits this node's pulls.* six requests in all/],
      ['mirror-503', 5122, 'answered 503 (server-error)', /^the mirror answered 503: it is up but failing/],
    ] as const) {
      const f = runChecks(await labFacts(series, scenario, { sight: { level: 'info' } })).findings.find((x) => x.id === 'mirror-fallback')!;
      expect(f.title).toBe(`the mirror 127.0.0.1:${port} ${title} and containerd fell back to registry-1.docker.io`);
      expect(f.detail).toMatch(what);
      // 1.6/1.7 log no line for it at info level; the CRI pull's error names it (1.6 by host alone)
      expect(f.detail).toContain('Seen in ctr --hosts-dir and CRI (as kubelet).');
      expect(f.fix.join('\n')).toContain(`curl -sS${scenario === 'mirror-429' ? 'i' : 'I'} 'http://127.0.0.1:${port}/v2/library/mirror-doctor-demo/manifests/1.0?ns=docker.io'`);
    }
  });
});

describe('a mirror that serves the manifests and answers 404 for every blob (mirror-blob-404)', () => {
  it.each(labSeries())('%s, CRI alone at info level: the blob error names the first host by position, which is the mirror', async (series) => {
    const facts = await labFacts(series, 'mirror-blob-404', { sight: { level: 'info', sockets: 'mirror' } });
    facts.trace!.paths = facts.trace!.paths.filter((p) => p.path === 'cri');
    const run = runChecks(facts);
    const f = run.findings.find((x) => x.id === 'mirror-fallback')!;
    expect(f.title).toBe('the mirror 127.0.0.1:5123 answered 404 for a blob (not-found)');
    expect(f.detail).toMatch(/^the mirror answered 404 for the blob sha256:[0-9a-f]{64} \(application\/vnd\.oci\.image\.config\.v1\+json\): it does not have that blob/);
    expect(f.fix[0]).toMatch(/^curl -sSI 'http:\/\/127\.0\.0\.1:5123\/v2\/library\/mirror-doctor-demo\/blobs\/sha256:[0-9a-f]{64}\?ns=docker\.io'$/);
    // explained: no "CRI asked the mirror and its pull failed, no line says why"
    expect(run.findings.map((x) => x.id)).not.toContain('cri-pull-failed');
    expect(run.rootCause?.id).toBe('mirror-fallback');
  });

  // the tracer's ctr --hosts-dir pull, stopped at its first blob's answer (1.x: 2.1's recorded ctr pull is a transfer-service one)
  const stoppedAtBlob = (facts: Awaited<ReturnType<typeof labFacts>>, series: string, scenario: string) => {
    const hd = facts.trace!.paths.find((p) => p.path === 'ctr-hosts-dir')!;
    const stop = replayStop(series, scenario, 'blob');
    expect(stop.reason).toBe('blob-answered');
    Object.assign(hd, { doc: stop.doc, stoppedBy: 'verdict', stopReason: 'blob-answered', pulled: null, exitCode: null, error: null });
    return hd;
  };

  it.each(['1.6', '1.7'])("%s, ctr --hosts-dir alone, stopped at the mirror's 404 for the first blob: that answer proves it", async (series) => {
    const facts = await labFacts(series, 'mirror-blob-404', { sight: { level: 'info', sockets: 'mirror' } });
    stoppedAtBlob(facts, series, 'mirror-blob-404');
    facts.trace!.paths = facts.trace!.paths.filter((p) => p.path === 'ctr-hosts-dir');
    const run = runChecks(facts);
    const f = run.findings.find((x) => x.id === 'mirror-fallback')!;
    expect([f.title, f.severity]).toEqual(['the mirror 127.0.0.1:5123 answered 404 for a blob (not-found)', 'error']);
    // what containerd does next was not followed: neither "no other host served it" nor the 1.x redirect caveat
    expect(f.detail).toContain('the next one then serves it (the upstream last), or the pull fails where none does. Seen in ctr --hosts-dir.');
    expect(f.detail).not.toMatch(/no other host served it|names the URL it first asked/);
    expect(f.evidence.map((e) => e.text)).toEqual([expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:5123\/v2\/library\/mirror-doctor-demo\/blobs\/sha256:[0-9a-f]{64}\?ns=docker\.io → 404 \(not-found\)$/)]);
    expect(run.findings.find((x) => x.id === 'mirror-used')!.title).toBe("the mirror 127.0.0.1:5123 served the image's manifest, but failed a blob (see mirror-fallback)");
    expect(run.rootCause?.id).toBe('mirror-fallback');
  });

  it.each(['1.6', '1.7'])('%s, with the CRI pull that failed on the blob: one finding, both paths, no redirect caveat (ctr saw the answer itself)', async (series) => {
    const facts = await labFacts(series, 'mirror-blob-404', { sight: { level: 'info', sockets: 'mirror' } });
    stoppedAtBlob(facts, series, 'mirror-blob-404');
    const found = runChecks(facts).findings.filter((x) => x.id === 'mirror-fallback');
    expect(found).toHaveLength(1);
    expect(found[0]!.detail).toContain("and reports the first one's answer; no other host served it. Seen in ctr --hosts-dir and CRI (as kubelet).");
    expect(found[0]!.detail).not.toContain('names the URL it first asked');
  });

  it.each(labSeries())('%s: without proof that the CRI pull asked the mirror (no connections), the error alone names no host', async (series) => {
    const facts = await labFacts(series, 'mirror-blob-404', { sight: { level: 'info', sockets: 'unreadable', upstreamResolves: true } });
    facts.trace!.paths = facts.trace!.paths.filter((p) => p.path === 'cri');
    expect(runChecks(facts).findings.find((x) => x.id === 'mirror-fallback')).toBeUndefined();
  });
});

describe('mirror-used claims no more than the trace followed', () => {
  it.each(labSeries())('%s: ctr stopped once the manifest was served and CRI unknown: the manifest, not the pull', async (series) => {
    const facts = await labFacts(series, 'mirror-ok', { sight: { level: 'info', sockets: 'unreadable', upstreamResolves: true } });
    const hd = facts.trace!.paths.find((p) => p.path === 'ctr-hosts-dir')!;
    Object.assign(hd, { stoppedBy: 'verdict', stopReason: 'manifest-served', pulled: null, exitCode: null });
    const f = runChecks(facts).findings.find((x) => x.id === 'mirror-used')!;
    expect(f.title).toBe("the mirror 127.0.0.1:5101 served the image's manifest (the tracer stopped the pull there; trace --full follows the blobs)");
    // the whole pull, followed: the pull
    const full = runChecks(await labFacts(series, 'mirror-ok', { sight: { level: 'info', sockets: 'unreadable', upstreamResolves: true } })).findings.find((x) => x.id === 'mirror-used')!;
    expect(full.title).toBe('the mirror 127.0.0.1:5101 served the pull');
  });
  it.each(['1.6', '1.7'])("%s: ctr stopped at the first blob's 200 and CRI unknown: the manifest and that blob", async (series) => {
    const facts = await labFacts(series, 'mirror-ok', { sight: { level: 'info', sockets: 'unreadable', upstreamResolves: true } });
    const hd = facts.trace!.paths.find((p) => p.path === 'ctr-hosts-dir')!;
    Object.assign(hd, { doc: replayStop(series, 'mirror-ok', 'blob').doc, stoppedBy: 'verdict', stopReason: 'blob-answered', pulled: true, exitCode: null });
    const run = runChecks(facts);
    expect(run.findings.find((x) => x.id === 'mirror-used')!.title).toBe("the mirror 127.0.0.1:5101 served the image's manifest and its first blob (the tracer stopped the pull there; trace --full follows the blobs)");
    expect(run.findings.find((x) => x.id === 'mirror-fallback')).toBeUndefined();
  });
});

describe('a reference that names the mirror itself (ref-names-mirror)', () => {
  it.each(labSeries())('%s: no folder is asked for, the mirror\'s own 404 is the cause, at debug and at info level', async (series) => {
    for (const facts of [await labFacts(series, 'ref-names-mirror'), await labFacts(series, 'ref-names-mirror', { sight: { level: 'info' } })]) {
      const run = runChecks(facts);
      const by = (id: string) => run.findings.filter((f) => f.id === id);
      expect(by('host-dir-missing').map((f) => [f.severity, f.title])).toEqual([['info', 'the registry is itself a mirror: pulled from directly']]);
      // ctr --hosts-dir, and CRI where its debug lines show the requests
      expect(by('hosts-dir-not-loaded').length).toBeGreaterThan(0);
      expect(by('hosts-dir-not-loaded').every((f) => f.severity === 'info')).toBe(true);
      const f = by('mirror-direct-pull-failed')[0]!;
      expect(run.rootCause?.id).toBe('mirror-direct-pull-failed');
      expect(f.detail).toMatch(/^127\.0\.0\.1:5102 is the mirror this node uses for docker\.io \(\/tmp\/mirror-doctor-lab\/certs\.d\/docker\.io\/hosts\.toml\), and this reference names it: .*the mirror answered 404: it does not have the image/);
      expect(f.evidence.map((e) => e.source)).toContain('/tmp/mirror-doctor-lab/certs.d/docker.io/hosts.toml');
      expect(f.fix.at(-1)).toMatch(/^mirror-doctor check docker\.io\/library\/mirror-doctor-demo:1\.0 /);
      // the host list and the path comparison say the same
      expect(facts.trace!.comparison.verdict).toMatch(/^127\.0\.0\.1:5102 is itself the mirror this node uses for docker\.io/);
    }
  });
});
