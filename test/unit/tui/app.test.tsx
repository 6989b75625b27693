/**
 * The App with a fake set of effects: keys typed into ink-testing-library's stdin drive the real
 * controller and reducer; the checks are the real runChecks over recorded lab facts.
 */
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import { runChecks } from '../../../src/checks/run.js';
import { detectedSetup } from '../../../src/session/detected-setup.js';
import { App } from '../../../src/tui/app.js';
import { SessionController, type TuiServices } from '../../../src/tui/controller.js';
import { keyAction } from '../../../src/tui/keymap.js';
import { labFacts } from '../../helpers/facts-fixture.js';
import { UsageError } from '../../../src/errors.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

async function until(fn: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick(10);
  }
}

async function services(log: string[]): Promise<TuiServices> {
  const facts = await labFacts('2.1', 'mirror-404');
  return {
    detect: async () => ({ setup: detectedSetup(facts), choices: ['docker.io/library/busybox:latest', facts.ref.input] }),
    gather: async (ref, cb, signal) => {
      log.push(`gather ${ref}`);
      cb.onStep('config.toml');
      for (const p of facts.trace!.paths) {
        cb.onProgress({ kind: 'path-start', path: p.path, command: p.command.join(' ') });
        cb.onProgress({ kind: 'path-end', path: p.path, run: p });
      }
      if (signal.aborted) throw new Error('aborted');
      return { ...facts, ref: { input: ref, source: 'argument' } };
    },
    check: (f) => runChecks(f),
    saveReport: async () => {
      log.push('save');
      return '/tmp/report.md';
    },
    copy: async () => false,
    remember: (ref) => log.push(`remember ${ref}`),
  };
}

describe('App: keys drive the controller', () => {
  it('choose by typing, verdict, trace view, fix steps, save, copy, quit', async () => {
    const log: string[] = [];
    const controller = new SessionController(await services(log), false, 'cri');
    const r = render(<App controller={controller} color={false} width={80} />);
    const text = () => stripVTControlCharacters(r.lastFrame() ?? '');
    void controller.start();
    await until(() => controller.getState().phase === 'choosing');
    r.stdin.write('demo');
    await until(() => text().includes('❯ docker.io/library/mirror-doctor-demo:1.0'));
    r.stdin.write('\r');
    await until(() => controller.getState().phase === 'verdict');
    // not remembered: the mirror answered 404 and the upstream was unreachable (no registry knew it)
    expect(log).toEqual(['gather docker.io/library/mirror-doctor-demo:1.0']);
    await until(() => text().includes('✗ verdict: problems — root cause: mirror-fallback'));
    r.stdin.write('t');
    await until(() => text().includes('[ctr (no --hosts-dir)]'));
    r.stdin.write('\u001b[C'); // right arrow
    await until(() => text().includes('[ctr --hosts-dir]'));
    r.stdin.write('f');
    await until(() => text().includes('Fix mirror-fallback'));
    r.stdin.write('s');
    await until(() => text().includes('report saved to /tmp/report.md'));
    r.stdin.write('y');
    // in the fix view y copies the selected step (no clipboard here: printed on quit)
    await until(() => text().includes('no clipboard found: the fix step 1 is printed when you quit'));
    r.stdin.write('?');
    await until(() => text().includes('Keys'));
    r.stdin.write('?');
    await until(() => !text().includes('Keys'));
    r.stdin.write('q');
    await until(() => controller.getState().quitting);
    expect(controller.farewell()).toMatch(/^curl -sSI '\S+mirror-doctor-demo\S+'$/);
    expect(controller.exitCode).toBe(1);
    r.unmount();
  });

  // README "Exit codes": the same code for q and Ctrl-C: the verdict's once there is one, 130 before
  for (const [key, name] of [['q', 'q'], ['\u0003', 'Ctrl-C']] as const) {
    it(`${name} after the verdict (problems): exit 1`, async () => {
      const controller = new SessionController(await services([]), false, 'cri');
      const r = render(<App controller={controller} color={false} width={80} />);
      void controller.start('docker.io/library/mirror-doctor-demo:1.0');
      await until(() => controller.getState().phase === 'verdict');
      r.stdin.write(key);
      await until(() => controller.getState().quitting);
      expect(controller.exitCode).toBe(1);
      r.unmount();
    });

    it(`${name} while the pulls run, before a verdict: exit 130 (interrupted)`, async () => {
      const base = await services([]);
      let started = false;
      const controller = new SessionController({
        ...base,
        gather: (_ref, _cb, signal) =>
          new Promise((_res, rej) => {
            started = true;
            signal.addEventListener('abort', () => rej(new Error('aborted')));
          }),
      }, false, 'cri');
      const r = render(<App controller={controller} color={false} width={80} />);
      void controller.start('docker.io/library/mirror-doctor-demo:1.0');
      await until(() => started);
      r.stdin.write(key);
      await until(() => controller.getState().quitting);
      expect(controller.exitCode).toBe(130);
      r.unmount();
    });
  }

  for (const [what, error, code] of [
    ['a usage error (a file the user named)', () => new UsageError('--report /x: permission denied'), 2],
    ['a bug', () => new TypeError("Cannot read properties of undefined (reading 'paths')"), 70],
  ] as const) {
    it(`the session failed with ${what}: exit ${code} after quitting`, async () => {
      const base = await services([]);
      const controller = new SessionController({ ...base, gather: async () => Promise.reject(error()) }, false, 'cri');
      const r = render(<App controller={controller} color={false} width={80} />);
      void controller.start('docker.io/library/mirror-doctor-demo:1.0');
      await until(() => controller.getState().phase === 'failed');
      r.stdin.write('q');
      await until(() => controller.getState().quitting);
      expect(controller.exitCode).toBe(code);
      r.unmount();
    });
  }

  it('q while a pull runs aborts it and waits for the cleanup', async () => {
    let aborted = false;
    let cleaned = false;
    const base = await services([]);
    const controller = new SessionController({
      ...base,
      gather: (_ref, cb, signal) =>
        new Promise((_res, rej) => {
          cb.onProgress({ kind: 'path-start', path: 'ctr', command: 'ctr images pull …' });
          signal.addEventListener('abort', () => {
            aborted = true;
            setTimeout(() => {
              cleaned = true;
              rej(new Error('aborted'));
            }, 50);
          });
        }),
    }, false, 'cri');
    void controller.start('docker.io/library/busybox:latest');
    await until(() => controller.getState().paths.length === 1);
    await controller.quit();
    expect(aborted).toBe(true);
    expect(cleaned).toBe(true);
    expect(controller.getState().phase).not.toBe('failed');
  });

  it('keys in the chooser are text (q too); Esc and Ctrl-C quit', async () => {
    const facts = await labFacts('2.1', 'mirror-404');
    const c = new SessionController(await services([]), false, 'cri');
    c.dispatch({ type: 'setup-detected', setup: detectedSetup(facts), choices: [] });
    expect(keyAction(c.getState(), 'q', {})).toEqual({ kind: 'event', event: { type: 'query-changed', query: 'q' } });
    expect(keyAction(c.getState(), '', { escape: true })).toEqual({ kind: 'quit' });
    expect(keyAction(c.getState(), 'c', { ctrl: true })).toEqual({ kind: 'quit' });
  });
});
