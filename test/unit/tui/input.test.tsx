/**
 * Terminal input as it really arrives: a pasted ref in one chunk (with and without its newline), a
 * bracketed paste (in one chunk and split over reads), several Backspaces in one chunk; typed into
 * ink-testing-library's stdin, through the real App, controller and reducer.
 */
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import { runChecks } from '../../../src/checks/run.js';
import { detectedSetup } from '../../../src/session/detected-setup.js';
import { App } from '../../../src/tui/app.js';
import { SessionController, type TuiServices } from '../../../src/tui/controller.js';
import { decodeInput, INITIAL_DECODER, pastedRef } from '../../../src/tui/input-decoder.js';
import { labFacts } from '../../helpers/facts-fixture.js';

const REF = 'docker.io/library/mirror-doctor-demo:1.0';
const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

async function until(fn: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick(10);
  }
}

async function chooser(log: string[] = []) {
  const facts = await labFacts('2.1', 'mirror-404');
  const services: TuiServices = {
    detect: async () => ({ setup: detectedSetup(facts), choices: ['docker.io/library/busybox:latest'] }),
    gather: async (ref) => {
      log.push(`gather ${ref}`);
      return { ...facts, ref: { input: ref, source: 'argument' } };
    },
    check: (f) => runChecks(f),
    saveReport: async () => '/tmp/r.md',
    copy: async () => false,
    remember: (ref) => log.push(`remember ${ref}`),
  };
  const controller = new SessionController(services, false, 'cri');
  const r = render(<App controller={controller} color={false} width={80} />);
  void controller.start();
  await until(() => controller.getState().phase === 'choosing');
  const text = () => stripVTControlCharacters(r.lastFrame() ?? '');
  return { controller, r, text, log };
}

describe('input decoding (pure)', () => {
  it('a pasted chunk is one paste, its newline kept as text (it does not press Enter)', () => {
    expect(decodeInput(INITIAL_DECODER, `${REF}\r`, {}).tokens).toEqual([{ kind: 'paste', text: `${REF}\r` }]);
    expect(decodeInput(INITIAL_DECODER, REF, {}).tokens).toEqual([{ kind: 'paste', text: REF }]);
  });

  it('several Backspaces (DEL or BS) in one chunk are one Backspace each', () => {
    const { tokens } = decodeInput(INITIAL_DECODER, '\u007f\u007f\u007f', {});
    expect(tokens).toEqual([1, 2, 3].map(() => ({ kind: 'key', input: '', key: { backspace: true } })));
    expect(decodeInput(INITIAL_DECODER, '\b\b', {}).tokens).toHaveLength(2);
  });

  it('a bracketed paste split over reads: text until the end marker, nothing before it', () => {
    let st = decodeInput(INITIAL_DECODER, '[200~', { escape: false });
    expect(st.tokens).toEqual([]);
    st = decodeInput(st.state, 'docker.io/library/', {});
    expect(st.tokens).toEqual([]);
    st = decodeInput(st.state, 'q', {}); // a key inside a paste is text, not "quit"
    st = decodeInput(st.state, '\r', { return: true });
    expect(st.tokens).toEqual([]);
    st = decodeInput(st.state, '[201~', {});
    expect(st.tokens).toEqual([{ kind: 'paste', text: 'docker.io/library/q\n' }]);
    expect(st.state).toEqual(INITIAL_DECODER);
  });

  it('the ref in pasted text: first non-empty line, trimmed, its last word', () => {
    expect(pastedRef(`\n  ${REF}  \r\n`)).toBe(REF);
    expect(pastedRef(`docker pull ${REF}\nnext line`)).toBe(REF);
    expect(pastedRef('\r\n')).toBe('');
  });
});

describe('the chooser takes what the terminal sends', () => {
  it('a pasted ref with its trailing newline lands in the field and does not run until Enter', async () => {
    const { controller, r, text, log } = await chooser();
    r.stdin.write(`${REF}\r`);
    await until(() => text().includes(`> ${REF}`));
    expect(controller.getState().phase).toBe('choosing');
    expect(log).toEqual([]);
    r.stdin.write('\r');
    await until(() => controller.getState().phase === 'verdict');
    expect(log[0]).toBe(`gather ${REF}`);
    r.unmount();
  });

  it('a pasted ref without a newline, then Enter: runs that ref', async () => {
    const { controller, r, text, log } = await chooser();
    r.stdin.write(REF);
    await until(() => text().includes(`> ${REF}`));
    r.stdin.write('\r');
    await until(() => controller.getState().phase === 'verdict');
    expect(log[0]).toBe(`gather ${REF}`);
    r.unmount();
  });

  it('a bracketed paste in one chunk and split over three reads', async () => {
    for (const writes of [[`\u001b[200~${REF}\n\u001b[201~`], ['\u001b[200~', `${REF}\n`, '\u001b[201~']]) {
      const { controller, r, text } = await chooser();
      for (const w of writes) {
        r.stdin.write(w);
        await tick();
      }
      await until(() => text().includes(`> ${REF}`));
      expect(controller.getState().query).toBe(REF);
      expect(controller.getState().phase).toBe('choosing');
      r.unmount();
    }
  });

  it('several Backspaces in one chunk delete as many characters; Ctrl-U clears', async () => {
    const { controller, r, text } = await chooser();
    r.stdin.write(`${REF}xyz`);
    await until(() => controller.getState().query === `${REF}xyz`);
    r.stdin.write('\u007f\u007f\u007f');
    await until(() => controller.getState().query === REF);
    r.stdin.write('\b\b\b');
    await until(() => controller.getState().query === REF.slice(0, -3));
    r.stdin.write('\u0015'); // Ctrl-U
    await until(() => controller.getState().query === '');
    expect(text()).toContain('❯ docker.io/library/busybox:latest');
    r.unmount();
  });

  it('a pasted chunk outside the chooser does nothing (its letters are not keys)', async () => {
    const { controller, r } = await chooser();
    r.stdin.write(REF);
    await until(() => controller.getState().query === REF);
    r.stdin.write('\r');
    await until(() => controller.getState().phase === 'verdict');
    r.stdin.write('quit\r');
    await tick(50);
    expect(controller.getState().quitting).toBe(false);
    r.unmount();
  });
});
