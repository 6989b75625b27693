/**
 * The daemon's log cannot be read (EACCES on its file) and neither can its connections: every
 * recorded lab scenario on 1.6, 1.7 and 2.1 still names the root cause it names with the log, and
 * nothing is claimed from the missing log — a CRI pull that succeeded is "unknown", a warning that
 * says what to collect, never an error.
 */
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { labFacts, labScenarios, labSeries, UNREADABLE_LOG } from '../../helpers/facts-fixture.js';

const cases = labSeries().flatMap((series) => labScenarios(series).map((scenario) => [series, scenario] as const));
const blind = { level: 'info', logUnreadable: true, sockets: 'unreadable', upstreamResolves: true } as const;

describe('the daemon log cannot be read', () => {
  it.each(cases)('%s %s', async (series, scenario) => {
    const withLog = runChecks(await labFacts(series, scenario, { sight: { level: 'info', sockets: 'unreadable', upstreamResolves: true } }));
    const facts = await labFacts(series, scenario, { sight: blind });
    const run = runChecks(facts);
    const cri = facts.trace!.paths.find((p) => p.path === 'cri')!;
    expect(cri.daemonLog).toEqual({ source: `none: ${UNREADABLE_LOG}`, problem: UNREADABLE_LOG, debug: false });
    if (series === '2.1' && scenario === 'cri-config-edited-after-start') {
      // 2.1 exposes no live CRI config: only the log showed that CRI asked no mirror, so the edit
      // after the start is a suspect, not a proven cause
      expect(withLog.rootCause?.id).toBe('restart-required');
      expect(run.rootCause).toBeNull();
      expect(run.unexplained?.id).toBe('cri-path-differs');
      expect(run.findings.find((f) => f.id === 'restart-required')?.severity).toBe('warning');
      expect(run.summary).toContain('no finding proves why; it may be the warning restart-required (containerd was not restarted after config.toml changed)');
    } else {
      expect(run.rootCause?.id ?? null).toBe(withLog.rootCause?.id ?? null);
    }
    // no error rests on a CRI pull's log: each cites a file, the live config, or ctr's own output
    for (const f of run.findings.filter((x) => x.severity === 'error')) {
      for (const e of f.evidence) expect(`${f.id}: ${e.source} ${e.text ?? ""}`).not.toMatch(/daemon log|recorded|EACCES/);
    }
    if (cri.pulled) {
      expect(cri.evidence).toMatchObject({ level: 'unknown', mirrorUsed: null });
      const unknown = run.findings.find((f) => f.id === 'cri-path-unknown')!;
      expect(unknown.severity).toBe('warning');
      expect(unknown.detail).toContain('cannot be read here (EACCES)');
      expect(unknown.fix.join(' ')).toMatch(/\[debug\] level = "debug"/);
      expect(unknown.fix.join(' ')).toMatch(/as root/);
    } else {
      // a pull that failed was served by no registry, log or not
      expect(cri.evidence).toMatchObject({ level: 'proven', mirrorUsed: false });
    }
  });
});
