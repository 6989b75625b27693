/**
 * The fix view as an operator uses it: every step's command whole (wrapped) at 80 and 100 columns,
 * labels by what a step is, done marks that stay with their fix, `y` copying the selected step
 * (OSC 52 byte for byte, redacted), a resize redrawn at once; over recorded lab runs and the real checks.
 */
import { restartCommand } from '../../../src/checks/make.js';
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import type { Finding } from '../../../src/checks/finding.js';
import { runChecks } from '../../../src/checks/run.js';
import { reduceAll, reduceSession } from '../../../src/session/check-session.js';
import { detectedSetup } from '../../../src/session/detected-setup.js';
import { classifyFix, fixSteps } from '../../../src/session/fix-steps.js';
import { refReachedRegistry } from '../../../src/session/recent-refs.js';
import type { SessionState } from '../../../src/session/session-state.js';
import { App } from '../../../src/tui/app.js';
import { SessionController, type TuiServices } from '../../../src/tui/controller.js';
import { stepLabel } from '../../../src/tui/fix-steps.js';
import { osc52 } from '../../../src/tui/osc52.js';
import { labFacts } from '../../helpers/facts-fixture.js';
import { detected, frame, runEvents, T0, widest } from './render.js';

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));
async function until(fn: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick(10);
  }
}

async function verdictState(series: string, scenario: string): Promise<SessionState> {
  const facts = await labFacts(series, scenario);
  return reduceAll(detected(facts), runEvents(facts));
}

const squash = (t: string) => t.replace(/\s+/g, '');

describe('fix steps shown whole', () => {
  for (const width of [80, 100]) {
    for (const [series, scenario] of [['2.1', 'mirror-404'], ['1.7', 'cri-config-path-unset'], ['2.1', 'toml-syntax-error'], ['1.7', 'tls-no-ca']] as const) {
      it(`${scenario} at ${width} columns: every step's first line whole, the selected step's every line, nothing cut`, async () => {
        let s = reduceSession(await verdictState(series, scenario), { type: 'view', view: 'fix' });
        const steps = fixSteps(s);
        expect(steps.length).toBeGreaterThan(1);
        for (let i = 0; i < steps.length; i++) {
          const out = frame(s, width);
          const fixPart = out.slice(out.indexOf('Fix '), out.indexOf('docs: '));
          expect(widest(out)).toBeLessThanOrEqual(width);
          expect(fixPart).not.toContain('…');
          for (const st of steps) expect(squash(fixPart)).toContain(squash(st.text.split('\n')[0]!));
          // the selected step: all of it
          expect(squash(fixPart)).toContain(squash(steps[i]!.text));
          s = reduceSession(s, { type: 'fix-moved', delta: 1 });
        }
      });
    }
  }

  it('a long command wraps onto indented lines under its label at 80 columns', async () => {
    const s = reduceSession(await verdictState('2.1', 'mirror-404'), { type: 'view', view: 'fix' });
    const curl = fixSteps(s).find((st) => st.text.startsWith('curl '))!;
    expect(curl.text.length).toBeGreaterThan(70);
    const lines = frame(s, 80).split('\n');
    const at = lines.findIndex((l) => l.includes('[run] curl '));
    expect(at).toBeGreaterThan(-1);
    expect(lines[at + 1]).toMatch(/^ {6}\S/); // the continuation, under the label
  });
});

describe('step labels: what the step is, and a restart only where one is needed', () => {
  it('classifies commands, edits, notes, alternatives and restarts from their wording', () => {
    expect(classifyFix('curl -sSI https://m/v2/')).toMatchObject({ kind: 'command', restart: false });
    expect(classifyFix('a pull-through cache must be configured for this upstream')).toMatchObject({ kind: 'note', restart: false });
    expect(classifyFix('mirror-doctor explain docker.io/library/x:1   # re-check the file; no restart needed')).toMatchObject({ kind: 'command', restart: false });
    expect(classifyFix('systemctl restart containerd')).toMatchObject({ kind: 'command', restart: true });
    expect(classifyFix('hosts.toml edits need no restart; config.toml edits do')).toMatchObject({ kind: 'note', restart: false });
    expect(classifyFix('or: cp /a/hosts.toml /b/hosts.toml')).toMatchObject({ kind: 'command', alternative: true, text: 'cp /a/hosts.toml /b/hosts.toml' });
    expect(classifyFix('write each mirror as a table in /etc/containerd/certs.d/docker.io/hosts.toml:\n[host."https://m"]')).toMatchObject({ kind: 'edit' });
    expect(classifyFix('use the ctr that ships with the running containerd')).toMatchObject({ kind: 'note' });
  });

  it('a hosts.toml syntax error: no [restart], the check command is [run]', async () => {
    const s = reduceSession(await verdictState('2.1', 'toml-syntax-error'), { type: 'view', view: 'fix' });
    expect(s.verdict!.rootCauseId).toBe('hosts-toml-invalid');
    const steps = fixSteps(s);
    expect(steps.some((st) => st.restart)).toBe(false);
    const out = frame(s, 100);
    expect(out).not.toContain('[restart]');
    expect(squash(out)).toContain(squash('[run] mirror-doctor explain docker.io/library/mirror-doctor-demo:1.0   # re-check the file; no restart needed'));
    expect(out).toMatch(/\[edit\] fix \S+hosts\.toml line \d+ column \d+/);
  });

  it('config_path unset (config.toml): the restart step is [restart], the prose is not [run]', async () => {
    const s = reduceSession(await verdictState('1.7', 'cri-config-path-unset'), { type: 'view', view: 'fix' });
    const steps = fixSteps(s);
    // the lab's daemon runs under no systemd service: no unit is offered that does not run it
    const pid = s.facts!.daemon.process!.pid;
    expect(steps.filter((st) => st.restart).map((st) => st.text)).toEqual([`restart containerd the way it was started: pid ${pid} runs under no systemd service (its /proc/${pid}/cgroup names none), so stop it and start it again with the same command line`]);
    expect(frame(s, 100)).toContain('[restart] restart containerd the way it was started');
    // under the service its cgroup names: that unit
    const underUnit = { ...s.facts!, daemon: { ...s.facts!.daemon, systemd: { unit: 'containerd-custom.service', files: [], proxyEnv: {}, fromProcess: true } } };
    expect(restartCommand(underUnit)).toBe('systemctl restart containerd-custom.service');
    // a unit file found by its usual name, but the daemon is not in it
    expect(restartCommand({ ...underUnit, daemon: { ...underUnit.daemon, systemd: { ...underUnit.daemon.systemd, fromProcess: false } } })).toMatch(/^restart containerd the way it was started/);
    for (const st of steps) if (st.kind === 'command') expect(st.text).toMatch(/^(sudo )?[a-z$][\w$-]* /);
  });

  it('mirror 404: the curl is [run], the explanation a [note]', async () => {
    const steps = fixSteps(await verdictState('2.1', 'mirror-404'));
    expect(steps.map((st) => stepLabel(st))).toEqual(['run', 'note', 'check']);
  });
});

describe('done marks stay with their fix', () => {
  it('a step marked done in one fix is not done in the next fix after a re-run; the same fix keeps it', async () => {
    const first = await labFacts('2.1', 'mirror-404');
    const next = await labFacts('1.7', 'cri-config-path-unset');
    let s = reduceAll(detected(first), runEvents(first));
    s = reduceAll(s, [{ type: 'view', view: 'fix' }, { type: 'fix-step-done', index: 0 }, { type: 'fix-step-done', index: 1 }]);
    expect(fixSteps(s).filter((st) => st.done)).toHaveLength(2);
    expect(frame(s)).toMatch(/✓ +\[run\] curl/);
    // re-run: the next fix (another root cause) has no done step
    const rerun = reduceAll(s, [{ type: 'rerun-started', at: T0 + 1e6 }, ...runEvents(next).slice(1)]);
    expect(rerun.verdict!.rootCauseId).toBe('config-path-unset');
    expect(fixSteps(rerun).some((st) => st.done)).toBe(false);
    const fixView = frame(reduceSession(rerun, { type: 'view', view: 'fix' }));
    expect(fixView.slice(fixView.indexOf('Fix config-path-unset'))).not.toContain('✓');
    // the same root cause again: its marks are still there
    const again = reduceAll(s, [{ type: 'rerun-started', at: T0 + 1e6 }, ...runEvents(first).slice(1)]);
    expect(fixSteps(again).filter((st) => st.done)).toHaveLength(2);
  });
});

describe('y copies the selected fix step', () => {
  it('the OSC 52 sequence, byte for byte', () => {
    expect(osc52('docker.io/library/busybox:latest')).toBe('\u001b]52;c;ZG9ja2VyLmlvL2xpYnJhcnkvYnVzeWJveDpsYXRlc3Q=\u0007');
  });

  it('in the fix view: the selected step goes to the terminal (OSC 52) and the clipboard programs, redacted; printed on quit without a program', async () => {
    const facts = await labFacts('2.1', 'mirror-404');
    const sent: string[] = [];
    const programs: string[] = [];
    const services: TuiServices = {
      detect: async () => ({ setup: detectedSetup(facts), choices: [] }),
      gather: async () => facts,
      check: (f) => runChecks(f),
      saveReport: async () => '/tmp/r.md',
      copy: async (text) => (programs.push(text), false),
      terminal: (seq) => void sent.push(seq),
    };
    const controller = new SessionController(services, false, 'cri');
    const r = render(<App controller={controller} color={false} width={80} />);
    const text = () => stripVTControlCharacters(r.lastFrame() ?? '');
    void controller.start(facts.ref.input);
    await until(() => controller.getState().phase === 'verdict');
    r.stdin.write('f');
    await until(() => text().includes('y copy step'));
    const curl = fixSteps(controller.getState())[0]!;
    r.stdin.write('y');
    await until(() => sent.length === 1);
    expect(sent[0]).toBe(`\u001b]52;c;${Buffer.from(curl.text, 'utf8').toString('base64')}\u0007`);
    expect(programs).toEqual([curl.text]);
    await until(() => text().includes("fix step 1 sent to the terminal's clipboard (OSC 52"));
    // the re-check step is not something to copy: there y copies the verdict, as outside the fix view
    r.stdin.write('\u001b[B');
    r.stdin.write('\u001b[B');
    await until(() => controller.getState().fixSelected === 2);
    r.stdin.write('y');
    await until(() => sent.length === 2);
    expect(Buffer.from(sent[1]!.slice(7, -1), 'base64').toString('utf8')).toBe(controller.getState().verdict!.line);
    r.stdin.write('c');
    await tick(30);
    r.stdin.write('y');
    await until(() => sent.length === 3);
    expect(sent[2]).toBe(sent[1]);
    expect(controller.farewell()).toBe(`${curl.text}\n${controller.getState().verdict!.line}`);
    r.unmount();
  });

  it('what is copied goes through the report redaction, the secrets of the node files included', async () => {
    const facts = await labFacts('2.1', 'mirror-404');
    const rc = 'mirror-fallback';
    const sent: string[] = [];
    const services: TuiServices = {
      detect: async () => ({ setup: detectedSetup(facts), choices: [] }),
      gather: async () => facts,
      // a fix that quotes a bearer token
      check: (f) => {
        const o = runChecks(f);
        const leak = (x: Finding) => (x.id === rc ? { ...x, fix: [`curl -H 'Authorization: Bearer abc.def.ghi' https://m/v2/`] } : x);
        return { ...o, findings: o.findings.map(leak), rootCause: o.rootCause && typeof o.rootCause !== 'string' ? leak(o.rootCause) : o.rootCause };
      },
      saveReport: async () => '/tmp/r.md',
      copy: async () => true,
      terminal: (seq) => void sent.push(seq),
    };
    const controller = new SessionController(services, false, 'cri');
    await controller.start(facts.ref.input);
    expect(controller.getState().verdict!.rootCauseId).toBe(rc);
    await controller.copy({ kind: 'fix-step', index: 0 });
    const copied = Buffer.from(sent[0]!.slice(7, -1), 'base64').toString('utf8');
    expect(copied).toContain('curl -H');
    expect(copied).not.toContain('abc.def.ghi');
    expect(controller.getState().copied).toEqual({ what: 'fix step 1', to: 'clipboard' });
    expect(controller.farewell()).toBeNull();
  });
});

describe('resize', () => {
  it('redraws at the new width at once, without a key', async () => {
    const facts = await labFacts('2.1', 'mirror-404');
    const controller = new SessionController({
      detect: async () => ({ setup: detectedSetup(facts), choices: [] }),
      gather: async () => facts,
      check: (f) => runChecks(f),
      saveReport: async () => '/tmp/r.md',
      copy: async () => false,
    }, false, 'cri');
    const r = render(<App controller={controller} color={false} />);
    // the live area (the checklist above it was printed once, at the width of its time)
    const text = () => {
      const t = stripVTControlCharacters(r.lastFrame() ?? '');
      return t.slice(t.indexOf('╭'));
    };
    await controller.start(facts.ref.input);
    controller.dispatch({ type: 'view', view: 'fix' });
    await until(() => widest(text()) === 100); // ink-testing-library's terminal: 100 columns
    let columns = 80;
    Object.defineProperty(r.stdout, 'columns', { get: () => columns, configurable: true });
    r.stdout.emit('resize');
    await until(() => widest(text()) === 80);
    expect(text()).not.toContain('…');
    columns = 100;
    r.stdout.emit('resize');
    await until(() => widest(text()) === 100);
    r.unmount();
  });
});

describe('recent refs: only a ref a registry knows', () => {
  it('recorded pulls: the mirror served it (saved); the mirror 404 and the upstream unreachable (not saved)', async () => {
    expect(refReachedRegistry((await labFacts('2.1', 'mirror-ok')).trace!.paths)).toBe(true);
    expect(refReachedRegistry((await labFacts('2.1', 'mirror-404')).trace!.paths)).toBe(false);
    expect(refReachedRegistry((await labFacts('1.7', 'mirror-404')).trace!.paths)).toBe(false);
  });

  it('the controller remembers a ref only after its pulls, and not one that no registry knows', async () => {
    for (const [scenario, expected] of [['mirror-ok', ['docker.io/library/x:1']], ['mirror-404', []]] as const) {
      const facts = await labFacts('2.1', scenario);
      const remembered: string[] = [];
      const controller = new SessionController({
        detect: async () => ({ setup: detectedSetup(facts), choices: [] }),
        gather: async () => facts,
        check: (f) => runChecks(f),
        saveReport: async () => '/tmp/r.md',
        copy: async () => false,
        remember: (ref) => remembered.push(ref),
      }, false, 'cri');
      await controller.start();
      await controller.choose('docker.io/library/x:1');
      expect(controller.getState().phase).toBe('verdict');
      expect(remembered).toEqual(expected);
    }
  });
});

describe('the line to edit', () => {
  const finding = (fix: string[]): Finding => ({
    id: 'x',
    severity: 'error',
    layer: 'hosts-toml',
    title: 't',
    detail: 'd',
    evidence: [{ kind: 'file', source: '/etc/containerd/certs.d/docker.io/hosts.toml', line: 3, text: '[host."http://mirror:5000"]' }],
    fix,
    docs: 'docs/checks.md#x',
  });
  const steps = (fix: string[]) => fixSteps({ fixDone: [], verdict: { status: 'problems', rootCause: finding(fix), rootCauseId: 'x', summary: '', exitCode: 1, line: '' } });

  it('is a step only when the fix edits a file: a line the fix leaves alone is already right', () => {
    expect(steps(["curl -sSI 'http://mirror:5000/v2/'"]).map((s) => s.kind)).toEqual(['command', 'recheck']);
    const edit = steps(['set `capabilities = ["pull", "resolve"]` in /etc/containerd/certs.d/docker.io/hosts.toml']);
    expect(edit.map((s) => s.kind)).toEqual(['edit', 'edit', 'recheck']);
    expect(edit[0]!.text).toBe('edit this line: /etc/containerd/certs.d/docker.io/hosts.toml:3  [host."http://mirror:5000"]');
  });
});
