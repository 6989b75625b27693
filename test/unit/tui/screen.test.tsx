/**
 * The walkthrough's screen for every state (detecting, choosing, running, failed check, crash
 * finding, verdict, trace, fix steps, save, help), rendered at 80 columns with ANSI stripped, from
 * real data: recorded lab runs (labFacts) through the real checks (runChecks).
 */
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { ALL_CHECKS } from '../../../src/checks/run.js';
import { reduceAll, reduceSession } from '../../../src/session/check-session.js';
import { initialSession, type SessionState } from '../../../src/session/session-state.js';
import { verdictLine } from '../../../src/session/verdict.js';
import { renderReportText } from '../../../src/report/report-text.js';
import { labFacts } from '../../helpers/facts-fixture.js';
import { detected, frame, runEvents, T0, widest } from './render.js';

async function verdictState(series: string, scenario: string): Promise<SessionState> {
  const facts = await labFacts(series, scenario);
  return reduceAll(detected(facts), runEvents(facts));
}

describe('walkthrough screen (80 columns, no colour)', () => {
  it('detecting: a spinner and what it does', () => {
    const out = frame(initialSession(T0));
    expect(out).toContain('mirror-doctor · detecting the setup…');
    expect(out).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] detecting the setup/);
    expect(out).toContain('q quit · ? help');
  });

  it('choosing: the detected setup in the header, the registries and recent refs, type-ahead', async () => {
    const facts = await labFacts('2.1', 'mirror-404');
    let s = detected(facts, ['docker.io/library/busybox:latest', 'registry.lab.invalid:5000/library/busybox:latest', 'docker.io/library/mirror-doctor-demo:1.0']);
    let out = frame(s);
    expect(out).toContain('containerd 2.1');
    expect(out).toContain('plain containerd');
    expect(out).toContain('socket /tmp/mirror-doctor-lab/containerd/2.1/containerd.sock (reachable)');
    expect(out).toContain('config /tmp/mirror-doctor-lab/containerd/2.1/config.toml');
    expect(out).toContain('hosts /tmp/mirror-doctor-lab/certs.d');
    expect(out).toContain('Which image should containerd pull?');
    expect(out).toContain('❯ docker.io/library/busybox:latest');
    s = reduceAll(s, [{ type: 'query-changed', query: 'demo' }]);
    out = frame(s);
    expect(out).toContain('❯ docker.io/library/mirror-doctor-demo:1.0');
    expect(out).not.toContain('registry.lab.invalid');
    expect(out).toContain('  demo'); // the typed text itself is a choice too
    expect(widest(out)).toBeLessThanOrEqual(80);
  });

  it('running: finished items with glyphs, the running pull with a spinner, a slow note', async () => {
    const facts = await labFacts('2.1', 'mirror-404');
    const ctr = facts.trace!.paths[0]!;
    let s = reduceAll(detected(facts), [
      { type: 'ref-chosen', ref: facts.ref.input, at: T0 },
      { type: 'step-started', label: 'distribution', at: T0 + 1 },
      { type: 'step-started', label: 'config.toml', at: T0 + 2 },
      { type: 'step-started', label: 'trace', at: T0 + 3 },
      { type: 'trace-path-started', path: 'ctr', command: ctr.command.join(' '), at: T0 + 4 },
      { type: 'trace-line', path: 'ctr', line: 'time="…" level=debug msg="do request" host=127.0.0.1:5105 Authorization="Bearer abc.def.ghi"' },
    ]);
    let out = frame(s);
    expect(out).toContain('✓ detect the distribution');
    expect(out).toContain('✓ read config.toml and its imports');
    expect(out).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] pull: ctr \(no --hosts-dir\)/);
    expect(out).toContain('do request');
    expect(out).not.toContain('abc.def.ghi'); // redacted
    expect(out).not.toContain('slow');
    s = reduceSession(s, { type: 'tick', at: T0 + 4 + 5000 });
    out = frame(s);
    expect(out).toContain('still pulling: ctr (no --hosts-dir) after 5 s: slow');
    expect(widest(out)).toBeLessThanOrEqual(80);
  });

  it('the paths keep the trace\'s order (ctr, ctr --hosts-dir, CRI) whichever starts first', async () => {
    const facts = await labFacts('1.7', 'mirror-404');
    const s = reduceAll(detected(facts), [
      { type: 'ref-chosen', ref: facts.ref.input, at: T0 },
      { type: 'step-started', label: 'trace', at: T0 + 1 },
      { type: 'trace-path-started', path: 'ctr-hosts-dir', command: 'ctr … --hosts-dir …', at: T0 + 2 },
      { type: 'trace-path-started', path: 'cri', command: 'CRI PullImage', at: T0 + 3 },
      { type: 'trace-path-started', path: 'ctr', command: 'ctr …', at: T0 + 4 },
    ]);
    expect(s.paths.map((p) => p.path)).toEqual(['ctr', 'ctr-hosts-dir', 'cri']);
  });

  it('failed check and verdict: ✗ findings, the same verdict line as `check`', async () => {
    const facts = await labFacts('2.1', 'mirror-404');
    const s = reduceAll(detected(facts), runEvents(facts));
    const out = frame(s);
    expect(out).toContain('✗ mirror-fallback');
    expect(out).toContain('✗ pull: ctr --hosts-dir');
    expect(out).toContain('✗ mirror-fallback  the mirror 127.0.0.1:');
    const outcome = runChecks(facts);
    const text = renderReportText({ facts, outcome }, { color: false }).trimEnd().split('\n').at(-1)!;
    expect(s.verdict!.line).toBe(text);
    expect(s.verdict!.line).toBe(verdictLine(outcome));
    expect(out).toContain('✗ verdict: problems — root cause: mirror-fallback');
    expect(out).toContain('f fix · t trace · s save report · y copy verdict · r re-run');
    expect(widest(out)).toBeLessThanOrEqual(80);
  });

  it('verdict ok: ✓ and no fix key', async () => {
    const s = await verdictState('1.7', 'mirror-ok');
    const out = frame(s);
    expect(s.verdict!.status).toBe('ok');
    expect(out).toMatch(/✓ verdict: ok — /);
    expect(out).not.toContain('f fix');
  });

  it('crash finding: a check that throws shows as ! crash, the others still run', async () => {
    const facts = await labFacts('1.7', 'mirror-ok');
    const boom = { ...ALL_CHECKS[0]!, run: () => { throw new Error('boom in a check'); } };
    const s = reduceAll(detected(facts), runEvents(facts, { checks: [boom, ...ALL_CHECKS.slice(1)] }));
    const out = frame(s);
    expect(out).toContain(`! crash  the check ${boom.id} crashed`);
    expect(out).toContain(`could not run the check ${boom.id}`);
  });

  it('trace timeline: hosts tried, outcome, fallback arrow; switch paths; expand a request (redacted)', async () => {
    let s = await verdictState('2.1', 'mirror-404');
    s = reduceSession(s, { type: 'view', view: 'trace' });
    let out = frame(s);
    expect(out).toContain('[ctr (no --hosts-dir)]');
    expect(out).toContain('host directory: none loaded');
    s = reduceSession(s, { type: 'trace-path-moved', delta: 1 });
    out = frame(s);
    expect(out).toContain('[ctr --hosts-dir]');
    expect(out).toMatch(/✗ resolve\s+127\.0\.0\.1:\d+ \(mirror\) → 404 not-found/);
    expect(out).toMatch(/↓ fell back to registry-1\.docker\.io|↓ fell back to /);
    expect(out).toContain('the mirror was not used');
    s = reduceSession(s, { type: 'trace-expand-toggled' });
    out = frame(s);
    expect(out).toMatch(/GET|HEAD|do request/);
    expect(out).not.toMatch(/Bearer [A-Za-z0-9._-]{8,}/);
    expect(out).toMatch(/the mirror was not used \(the manifest came from|the mirror was not used \(proven: /);
    s = reduceSession(s, { type: 'trace-path-moved', delta: 1 });
    const cri = frame(s);
    expect(cri).toContain('[CRI (as kubelet)]');
    // every statement about a path with its evidence level, and where the daemon's lines came from
    expect(cri).toMatch(/\(proven: daemon log recorded: /);
    expect(cri).toContain('daemon log: recorded');
    expect(widest(cri)).toBeLessThanOrEqual(80);
    expect(widest(out)).toBeLessThanOrEqual(80);
  });

  it('fix steps: edit, restart, re-check; Enter marks a step done', async () => {
    let s = await verdictState('1.7', 'cri-config-path-unset');
    expect(s.verdict!.rootCauseId).toBe('config-path-unset');
    s = reduceSession(s, { type: 'view', view: 'fix' });
    let out = frame(s);
    expect(out).toContain('Fix config-path-unset');
    expect(out).toContain('[edit]');
    expect(out).toContain('[restart] restart containerd the way it was started: pid');
    expect(out).toContain('[check] re-run the trace and re-check (r)');
    s = reduceSession(s, { type: 'fix-step-done', index: 0 });
    out = frame(s);
    expect(out).toMatch(/✓ +\[edit\]/);
    expect(out).toContain('❯ 2.');
    expect(widest(out)).toBeLessThanOrEqual(80);
  });

  it('save and copy: where the report went, the verdict printed on quit without a clipboard', async () => {
    let s = await verdictState('2.1', 'mirror-404');
    s = reduceAll(s, [{ type: 'report-saved', file: '/tmp/x/mirror-doctor-report.md' }, { type: 'copied', what: 'verdict', to: 'on-quit' }]);
    const out = frame(s);
    expect(out).toContain('report saved to /tmp/x/mirror-doctor-report.md (mode 0600)');
    expect(out).toContain('no clipboard found: the verdict is printed when you quit');
  });

  it('failed: gathering threw', async () => {
    const facts = await labFacts('2.1', 'mirror-404');
    const s = reduceAll(detected(facts), [{ type: 'ref-chosen', ref: 'x', at: T0 }, { type: 'failed', error: 'invalid image reference' }]);
    expect(frame(s)).toContain('✗ mirror-doctor could not finish: invalid image reference');
    expect(frame(s)).toContain('r re-run · q quit');
  });

  it('help on ?', () => {
    const s = reduceSession(initialSession(T0), { type: 'view', view: 'help' });
    const out = frame(s);
    expect(out).toContain('Keys');
    expect(out).toContain('s           save the Markdown report (mode 0600)');
    expect(reduceSession(s, { type: 'view', view: 'help' }).view).toBe('checklist');
  });

  it('wider terminals and colour: the same text', async () => {
    const s = await verdictState('2.1', 'mirror-404');
    const plain = frame(s, 120, false);
    const coloured = frame(s, 120, true);
    expect(coloured.replace(/\s+/g, ' ')).toContain('✗ verdict: problems — root cause: mirror-fallback');
    expect(plain).toContain('✗ mirror-fallback');
  });
});
