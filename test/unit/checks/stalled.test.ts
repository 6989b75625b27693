/**
 * A pull the tracer stopped itself because a mirror did not answer (--stall) says that the mirror
 * stalled, not that containerd fell back: what containerd does after a silent host was not seen.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { markStalled } from '../../../src/trace/early-stop.js';
import { comparePaths } from '../../../src/trace/compare-paths.js';
import { FIXTURES, factsFromFixture, labFacts } from '../../helpers/facts-fixture.js';

describe('a mirror that stalled', () => {
  it('is named as stalled, with no fallback claimed', async () => {
    const facts = await factsFromFixture(join(FIXTURES, 'checks', 'mirror-fallback'));
    const run = facts.trace!;
    const hd = run.paths.find((p) => p.path === 'ctr-hosts-dir')!;
    // the recorded pull, as it stood before the mirror answered: its first request still open
    const mirror = hd.doc!.attempts.findIndex((a) => a.mirror);
    const open = { ...hd.doc!, attempts: hd.doc!.attempts.slice(0, mirror + 1).map((a, i) => (i === mirror ? { ...a, status: null, outcome: 'other' as const, error: null } : a)), fallback: [], result: 'incomplete' as const };
    const stalled = markStalled(open, 2000);
    expect(stalled.host).toBe(hd.doc!.attempts[mirror]!.host);
    hd.doc = stalled.doc;
    hd.stoppedBy = 'stall';
    hd.stalledOn = stalled.host;
    hd.pulled = null;
    delete hd.evidence;
    run.paths = run.paths.filter((p) => p.path !== 'cri');
    run.comparison = comparePaths({ paths: run.paths.map((p) => ({ path: p.path, doc: p.doc, pulled: p.pulled, error: p.error })), hostsDir: run.hostsDir, live: null, diskConfigPath: null, configNewerThanDaemon: null });
    expect(run.comparison.verdict).toMatch(/the mirror 127\.0\.0\.1:5102 stalled: no answer within 2 s \(the tracer stopped waiting; what containerd then does was not observed\)/);
    expect(run.comparison.verdict).not.toMatch(/falls? back/);
    const out = runChecks(facts);
    const f = out.findings.find((x) => x.id === 'mirror-fallback')!;
    expect(f.title).toBe('the mirror 127.0.0.1:5102 stalled: no answer before the tracer stopped waiting');
    expect(f.detail).toMatch(/was not observed/);
    expect(f.detail).not.toMatch(/fell back/);
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
