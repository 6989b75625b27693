/**
 * Without --client the walkthrough asks which client pulled (after the ref), and the pulls and the
 * checks then follow that client.
 */
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import type { PullClient } from '../../../src/checks/facts.js';
import { runChecks } from '../../../src/checks/run.js';
import { detectedSetup } from '../../../src/session/detected-setup.js';
import { App } from '../../../src/tui/app.js';
import { SessionController, type TuiServices } from '../../../src/tui/controller.js';
import { labFacts } from '../../helpers/facts-fixture.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
async function until(fn: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick(10);
  }
}

async function services(log: Array<string | undefined>): Promise<TuiServices> {
  const facts = await labFacts('2.1', 'mirror-404');
  return {
    detect: async () => ({ setup: detectedSetup(facts), choices: [facts.ref.input] }),
    gather: async (ref, _cb, _signal, client?: PullClient) => {
      log.push(client);
      return { ...facts, ref: { input: ref, source: 'argument' }, ...(client ? { client } : {}) };
    },
    check: (f) => runChecks(f),
    saveReport: async () => '/tmp/report.md',
    copy: async () => false,
  };
}

describe('client chooser', () => {
  it('asks after the ref is given, and gathers with the chosen client (arrows, Enter)', async () => {
    const log: Array<string | undefined> = [];
    const controller = new SessionController(await services(log));
    const r = render(<App controller={controller} color={false} width={100} />);
    const text = () => stripVTControlCharacters(r.lastFrame() ?? '');
    void controller.start('docker.io/library/mirror-doctor-demo:1.0');
    await until(() => text().includes('Which client pulled docker.io/library/mirror-doctor-demo:1.0'));
    expect(controller.getState().phase).toBe('choosing-client');
    expect(log).toEqual([]);
    r.stdin.write('\u001b[B'); // down: ctr
    await until(() => text().includes('❯ 2. ctr'));
    r.stdin.write('\r');
    await until(() => controller.getState().phase === 'verdict');
    expect(log).toEqual(['ctr']);
    expect(controller.getState().client).toBe('ctr');
    r.unmount();
  });

  it('asks after the ref chooser too; a digit picks at once', async () => {
    const log: Array<string | undefined> = [];
    const controller = new SessionController(await services(log));
    const r = render(<App controller={controller} color={false} width={100} />);
    void controller.start();
    await until(() => controller.getState().phase === 'choosing');
    r.stdin.write('\r');
    await until(() => controller.getState().phase === 'choosing-client');
    r.stdin.write('3');
    await until(() => controller.getState().phase === 'verdict');
    expect(log).toEqual(['nerdctl']);
    r.unmount();
  });

  it('with --client the chooser is not shown', async () => {
    const log: Array<string | undefined> = [];
    const controller = new SessionController(await services(log), false, 'nerdctl');
    void controller.start('docker.io/library/mirror-doctor-demo:1.0');
    await until(() => controller.getState().phase === 'verdict');
    expect(log).toEqual(['nerdctl']);
  });
});
