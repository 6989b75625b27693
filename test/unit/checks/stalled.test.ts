/**
 * A pull the tracer stopped itself because a mirror did not answer (--stall) says that the mirror
 * stalled, not that containerd fell back; what containerd does next is stated only for the kind of
 * silence that was seen (src/containerd/silence-waits.ts), never guessed.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { markStalled } from '../../../src/trace/early-stop.js';
import { comparePaths } from '../../../src/trace/compare-paths.js';
import { FIXTURES, factsFromFixture, labFacts } from '../../helpers/facts-fixture.js';

/** The recorded mirror-fallback trace, as it stood before the mirror answered, marked stalled as the tracer marks it. */
async function stalledRun(seen?: Parameters<typeof markStalled>[2], waitedMs = 2000) {
  const facts = await factsFromFixture(join(FIXTURES, 'checks', 'mirror-fallback'));
  const run = facts.trace!;
  const hd = run.paths.find((p) => p.path === 'ctr-hosts-dir')!;
  // its first request to the mirror still open
  const mirror = hd.doc!.attempts.findIndex((a) => a.mirror);
  const open = { ...hd.doc!, attempts: hd.doc!.attempts.slice(0, mirror + 1).map((a, i) => (i === mirror ? { ...a, status: null, outcome: 'other' as const, error: null } : a)), fallback: [], result: 'incomplete' as const };
  const stalled = markStalled(open, waitedMs, seen);
  expect(stalled.host).toBe(hd.doc!.attempts[mirror]!.host);
  hd.doc = stalled.doc;
  hd.stoppedBy = 'stall';
  hd.stalledOn = stalled.host;
  hd.stallKind = seen?.kind ?? null;
  hd.stallWaitMs = waitedMs;
  hd.pulled = null;
  delete hd.evidence;
  run.paths = run.paths.filter((p) => p.path !== 'cri');
  run.comparison = comparePaths({ paths: run.paths.map((p) => ({ path: p.path, doc: p.doc, pulled: p.pulled, error: p.error })), hostsDir: run.hostsDir, live: null, diskConfigPath: null, configNewerThanDaemon: null });
  const f = runChecks(facts).findings.find((x) => x.id === 'mirror-fallback')!;
  return { verdict: run.comparison.verdict, finding: f };
}

describe('a mirror that stalled', () => {
  it('is named as stalled; when the kind of silence was not told, no wait is claimed', async () => {
    const { verdict, finding: f } = await stalledRun();
    expect(verdict).toMatch(/the mirror 127\.0\.0\.1:5102 stalled: no answer within 2 s \(what kind of silence it is \(connect, TLS handshake, response\) could not be told from here, so how long containerd waits is not stated/);
    expect(verdict).not.toMatch(/falls? back|tries the next host after/);
    expect(f.title).toBe('the mirror 127.0.0.1:5102 stalled: no answer before the tracer stopped waiting');
    expect(f.detail).toMatch(/could not be told from here/);
    expect(f.detail).not.toMatch(/fell back/);
  });

  it("states the version's recorded behaviour for the kind of silence seen", async () => {
    const hang = await stalledRun({ kind: 'response-header', version: '1.7.24' });
    expect(hang.verdict).toContain('stalled: no answer within 2 s (the connection was accepted and the request sent, but no response came; containerd 1.7.24 never gives up on a mirror that accepted the connection and does not answer');
    expect(hang.finding.detail).toContain('The connection was accepted and the request sent, but no response came; containerd 1.7.24 never gives up');
    expect(hang.finding.detail).toContain("a CRI pull (kubelet's) is cancelled and fails after image_pull_progress_timeout without progress (5 min by default");
    const dial = await stalledRun({ kind: 'connect', version: '2.1.9' });
    expect(dial.verdict).toContain('(the TCP connect never completed (SYN sent, no answer); containerd 2.1.9 tries the next host after ~30 s (measured)');
    expect(dial.finding.detail).toContain('containerd 2.1.9 tries the next host after ~30 s');
  });
});

describe('how sure a stall is', () => {
  it('a connect or TLS handshake that does not complete in 2 s is an error', async () => {
    for (const kind of ['connect', 'tls-handshake'] as const) {
      const r = await stalledRun({ kind, version: '1.7.24' });
      expect(r.finding.severity, kind).toBe('error');
      expect(r.verdict, kind).not.toContain('pull-through cache');
    }
  });
  it('an answer that has not come in 2 s may be a slow pull-through cache: a warning that says how to tell', async () => {
    const r = await stalledRun({ kind: 'response-header', version: '1.7.24' });
    expect(r.finding.severity).toBe('warning');
    expect(r.verdict).toContain('but 2 s is short for a pull-through cache that fetches from its own upstream on a miss: `--response-timeout 30` tells a slow mirror from a hung one');
    expect(r.finding.detail).toContain('`--response-timeout 30` tells a slow mirror from a hung one');
    // the same silence for 20 s is a hung mirror
    const hung = await stalledRun({ kind: 'response-header', version: '1.7.24' }, 20_000);
    expect(hung.finding.severity).toBe('error');
    expect(hung.verdict).toContain('no answer within 20 s');
    expect(hung.verdict).not.toContain('pull-through cache');
  });
  it('a body that stopped mid-way after 2 s: the same hedge, and the title says the answer stopped', async () => {
    const r = await stalledRun({ kind: 'body', version: '2.1.9' });
    expect(r.finding.severity).toBe('warning');
    expect(r.finding.title).toBe('the mirror 127.0.0.1:5102 stalled: its answer stopped mid-way before the tracer stopped waiting');
    expect(r.finding.detail).toContain('The mirror did not finish its answer (no complete answer within 2 s)');
    expect(r.verdict).toContain('stalled: no complete answer within 2 s (the mirror began to answer, then stopped sending mid-response; containerd 2.1.9 never gives up on a mirror that stops sending a body');
    expect(r.verdict).toContain('`--response-timeout 30` tells a slow mirror from a hung one');
    expect((await stalledRun({ kind: 'body', version: '2.1.9' }, 20_000)).finding.severity).toBe('error');
  });
  it('a silence whose kind was not told is no proof either after 2 s', async () => {
    expect((await stalledRun()).finding.severity).toBe('warning');
  });
});

describe('markStalled with the host the tracer saw it wait on', () => {
  it('marks that host, not the last one, and drops the attempts the cancellation caused after it', async () => {
    const facts = await factsFromFixture(join(FIXTURES, 'checks', 'mirror-fallback'));
    const hd = facts.trace!.paths.find((p) => p.path === 'ctr-hosts-dir')!;
    const mirror = hd.doc!.attempts.findIndex((a) => a.mirror);
    const first = hd.doc!.attempts[mirror]!;
    // as containerd 1.7 logs a cancelled CRI pull at info level: every host "context canceled", in order
    const canceled = (host: string) => ({ ...first, host, mirror: host === first.host, status: null, outcome: 'other' as const, error: `failed to do request: Head "https://${host}/v2/": context canceled` });
    const doc = { ...hd.doc!, attempts: [...hd.doc!.attempts.slice(0, mirror), canceled(first.host), canceled('127.0.0.1:5101'), canceled('registry-1.docker.io')], result: 'incomplete' as const };
    const m = markStalled(doc, 2000, { kind: 'tls-handshake', version: '1.7.24', host: first.host });
    expect(m.host).toBe(first.host);
    expect(m.doc.attempts.map((a) => a.host)).toEqual([...hd.doc!.attempts.slice(0, mirror).map((a) => a.host), first.host]);
    expect(m.doc.attempts.at(-1)!.inferred).toMatch(/^the tracer stopped waiting after 2 s without an answer: the TCP connection was accepted but the TLS handshake never completed; containerd 1\.7\.24 tries the next host after ~10 s/);
    // without the host: the last open attempt, as before
    expect(markStalled(doc, 2000).host).toBe('registry-1.docker.io');
  });
});

describe('a check that was interrupted', () => {
  it('names no root cause and says so', async () => {
    const facts = { ...(await factsFromFixture(join(FIXTURES, 'checks', 'mirror-fallback'))), interrupted: true };
    const out = runChecks(facts);
    expect(out.findings.some((f) => f.id === 'mirror-fallback' && f.severity === 'error')).toBe(true);
    expect(out.status).toBe('interrupted');
    expect(out.rootCause).toBeNull();
    expect(out.summary).toMatch(/^interrupted before the pulls ended/);
  });
});

describe('a symptom with nothing that explains it', () => {
  it('is unexplained, not a root cause; explained, it points at its cause', async () => {
    // the recorded lab node whose config.toml has no config_path: that is the cause
    const explained = runChecks(await labFacts('1.7', 'cri-config-path-unset'));
    expect(explained.rootCause?.id).toBe('config-path-unset');
    expect(explained.findings.find((f) => f.id === 'cri-path-differs')!.fix[0]).toMatch(/^explained by config-path-unset/);
    // the same pulls beside a config.toml that does set config_path: nothing in the files says why
    const alone = runChecks(await factsFromFixture(join(FIXTURES, 'checks', 'cri-path-differs')));
    expect(alone.rootCause).toBeNull();
    expect(alone.unexplained?.id).toBe('hosts-dir-not-loaded');
    expect(alone.summary).toMatch(/^root cause: unexplained — the pull loaded no hosts folder \(hosts-dir-not-loaded\), and no finding says why; look at: mirror-doctor explain/);
    for (const f of alone.findings) expect(f.fix.join(' ')).not.toMatch(/explained by|config findings above/);
  });
});
