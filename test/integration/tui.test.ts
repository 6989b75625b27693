/**
 * The real walkthrough in a real terminal (tmux on a private server, at 100×30 and 80×24) against
 * the lab's containerd 1.7 on the mirror-404 scenario: pastes a ref (plain with its newline, and
 * bracketed), waits for the verdict, opens a trace, shows and copies a fix step (OSC 52 into tmux's
 * buffer), expands and collapses the root cause's finding, follows a resize, saves a report,
 * quits with q and with Ctrl-C (the verdict's code both ways); then nothing is left behind — no mirror-doctor
 * or ctr process, no namespace, no image.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { labDown, labUp, type LabState } from '../../src/lab/lab.js';
import { DOCKER_REF } from '../../src/lab/scenarios.js';
import { testLabOptions, quietLog } from '../helpers/lab.js';

const opts = testLabOptions(5270);
const SESSION = `md-tui-${process.pid}`;
// a tmux server of its own: no user config, its own buffers, OSC 52 accepted into a buffer
const SOCKET = `md-tui-${process.pid}`;
const BIN = resolve(__dirname, '../../bin/mirror-doctor.js');
let state: LabState;
let work: string;

const tmux = (...args: string[]) => execa('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { reject: false });
const pane = async (name = SESSION) => (await tmux('capture-pane', '-p', '-t', name)).stdout;

async function waitFor(text: string | RegExp, ms = 90_000, name = SESSION): Promise<string> {
  const end = Date.now() + ms;
  let last = '';
  while (Date.now() < end) {
    last = await pane(name);
    if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${String(text)}; the pane shows:\n${last}`);
}

async function inventory(): Promise<string[]> {
  const d = state.daemons['1.7']!;
  const ns = await execa(d.ctr, ['--address', d.address, 'namespaces', 'ls', '-q'], { reject: false });
  const out: string[] = [];
  for (const n of ns.stdout.split('\n').filter(Boolean)) {
    out.push(`ns ${n}`);
    const im = await execa(d.ctr, ['--address', d.address, '--namespace', n, 'images', 'ls', '-q'], { reject: false });
    for (const i of im.stdout.split('\n').filter(Boolean)) out.push(`${n}/${i}`);
  }
  return out.sort();
}

async function processesOf(pattern: string): Promise<string[]> {
  const r = await execa('pgrep', ['-af', pattern], { reject: false });
  return r.stdout.split('\n').filter((l) => l.trim() !== '' && !l.includes('pgrep'));
}

describe('the walkthrough in tmux against the lab', () => {
  beforeAll(async () => {
    state = await labUp(opts, 'mirror-404', quietLog);
    work = mkdtempSync(join(tmpdir(), 'md-tui-'));
  });
  afterAll(async () => {
    await tmux('kill-server');
    await labDown(opts, quietLog);
    rmSync(dirname(opts.dir), { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Starts the walkthrough in a new tmux session of the given size; returns the daemon. */
  async function startTui(name: string, x: number, y: number) {
    const d = state.daemons['1.7']!;
    const args = ['tui', '--config', d.config, '--address', d.address, '--ctr', d.ctr, '--hosts-dir', state.hostsDir, '--daemon-log', d.log, '--timeout', '30'];
    const cmd = `cd ${work} && HOME=${work} XDG_STATE_HOME=${work}/state NO_COLOR=1 DISPLAY= WAYLAND_DISPLAY= node ${BIN} ${args.join(' ')}; echo MIRROR_DOCTOR_EXIT=$?; sleep 600`;
    const r = await tmux('new-session', '-d', '-s', name, '-x', String(x), '-y', String(y), 'sh', '-c', cmd);
    expect(r.exitCode, r.stderr).toBe(0);
    // OSC 52 from the program becomes a tmux buffer (the server must be up to take the option)
    expect((await tmux('set-option', '-s', 'set-clipboard', 'on')).exitCode).toBe(0);
    return d;
  }

  /** Pastes text as a terminal would: `bracketed` as ESC[200~ … ESC[201~ (the program asked for it). */
  async function paste(name: string, text: string, bracketed: boolean): Promise<void> {
    await tmux('set-buffer', '-b', 'md-paste', text);
    await tmux('paste-buffer', '-d', '-b', 'md-paste', '-t', name, ...(bracketed ? ['-p'] : []));
  }

  const squash = (t: string) => t.replace(/\s+/g, '');

  /** The root cause is selected under the checklist: Enter shows it whole (wrapped to the width), Enter again one line. */
  async function expandCollapse(name: string, width: number): Promise<void> {
    let screen = await waitFor(/❯ ✗ mirror-fallback/, 10_000, name);
    expect(screen).not.toContain('evidence:');
    await tmux('send-keys', '-t', name, 'Enter');
    screen = await waitFor(/^ {6}evidence:$/m, 10_000, name);
    expect(screen).toMatch(/^ {6}fix:$/m);
    expect(screen).toContain('the mirror answered 404: it does not have the image');
    expect(screen).toContain('↑↓ Enter collapse');
    expect(Math.max(...screen.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(width);
    // nothing cut: the finding's lines end whole ("…" only in the "more lines" marks)
    expect(screen.split('\n').filter((l) => l.includes('…') && !/more lines?$/.test(l))).toEqual([]);
    // a finding taller than the window: ↓ pages through it to the docs link
    for (let i = 0; i < 6 && !/^ {6}docs: \S*checks\.md#mirror-fallback$/m.test(screen); i++) {
      await tmux('send-keys', '-t', name, 'Down');
      await new Promise((r) => setTimeout(r, 300));
      screen = await pane(name);
    }
    expect(screen).toMatch(/^ {6}docs: \S*checks\.md#mirror-fallback$/m);
    await tmux('send-keys', '-t', name, 'Enter');
    screen = await waitFor('↑↓ Enter expand', 10_000, name);
    expect(screen).not.toContain('evidence:');
    expect(screen).toMatch(/❯ ✗ mirror-fallback/);
  }

  /** The client chooser that follows the ref (no --client given): CRI, as kubelet, is the first choice. */
  async function chooseCri(name: string): Promise<void> {
    const screen = await waitFor('Which client pulled', 30_000, name);
    expect(screen).toMatch(/❯ 1\. cri/);
    await tmux('send-keys', '-t', name, 'Enter');
  }

  /** The fix view: the curl step shown whole (no "…"), copied with y into tmux's buffer (OSC 52). */
  async function copyFixStep(name: string, width: number): Promise<string> {
    await tmux('send-keys', '-t', name, 'f');
    let screen = await waitFor('Fix mirror-fallback', 10_000, name);
    expect(screen).toMatch(/\[run\] curl -sSI\b/);
    expect(screen.slice(screen.indexOf('Fix mirror-fallback'), screen.indexOf('docs:'))).not.toContain('…');
    expect(Math.max(...screen.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(width);
    await tmux('send-keys', '-t', name, 'y');
    screen = await waitFor("fix step 1 sent to the terminal's clipboard", 10_000, name);
    const copied = (await tmux('show-buffer')).stdout;
    expect(copied).toMatch(/^curl -sSI '\S+mirror-doctor-demo\S+'$/);
    // what was copied is what the screen shows, whole
    expect(squash(screen)).toContain(squash(copied));
    return copied;
  }

  it('100×30: a pasted ref with its newline waits for Enter; verdict, finding expanded and collapsed, trace, fix step copied, resize, report, q exits 1', async () => {
    const before = await inventory();
    const d = await startTui(SESSION, 100, 30);
    let screen = await waitFor('Which image should containerd pull?');
    expect(screen).toContain(`socket ${d.address} (reachable)`);
    expect(screen).toMatch(/containerd 1\.7\.\S+ \(daemon\)/);
    // a plain paste of a copied line: one chunk, with its newline
    await paste(SESSION, `${DOCKER_REF}\n`, false);
    screen = await waitFor(`> ${DOCKER_REF}`);
    await new Promise((r) => setTimeout(r, 500));
    expect(await pane()).toContain('Which image should containerd pull?'); // did not run on the newline
    await tmux('send-keys', '-t', SESSION, 'Enter');
    await chooseCri(SESSION);

    screen = await waitFor('verdict:');
    expect(screen).toContain('✗ verdict: problems — root cause: mirror-fallback');
    expect(screen).toMatch(/✗ mirror-fallback/);
    // the header (the detected setup) is above the run's checklist, not under it
    expect(screen.indexOf(`socket ${d.address}`)).toBeLessThan(screen.indexOf('pull: ctr'));
    await expandCollapse(SESSION, 100);

    await tmux('send-keys', '-t', SESSION, 't');
    screen = await waitFor('[ctr (no --hosts-dir)]');
    await tmux('send-keys', '-t', SESSION, 'Right');
    screen = await waitFor('[ctr --hosts-dir]');
    expect(screen).toMatch(/\(mirror\) → 404 not-found/);
    await tmux('send-keys', '-t', SESSION, 'Enter');
    await waitFor(/HEAD|GET/);

    const copied = await copyFixStep(SESSION, 100);
    // a resize redraws at once, without a key: the rule over the live area follows the new width
    await tmux('resize-window', '-t', SESSION, '-x', '80', '-y', '24');
    screen = await waitFor(/^─{80}$/m, 10_000);
    expect(screen).toMatch(/\[run\] curl -sSI\b/);

    await tmux('send-keys', '-t', SESSION, 's');
    screen = await waitFor('report saved to');
    const report = readdirSync(work).find((f) => f.startsWith('mirror-doctor-report-') && f.endsWith('.md'));
    expect(report).toBeDefined();
    expect(statSync(join(work, report!)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(work, report!), 'utf8')).toContain('root cause: `mirror-fallback`');

    await tmux('send-keys', '-t', SESSION, 'q');
    screen = await waitFor(/MIRROR_DOCTOR_EXIT=\d+/);
    expect(screen).toContain('MIRROR_DOCTOR_EXIT=1');
    // the copied step is printed again after the walkthrough (no clipboard program confirmed it)
    expect(squash(screen.slice(screen.lastIndexOf('? help') + '? help'.length))).toBe(squash(`${copied}\nMIRROR_DOCTOR_EXIT=1`));
    // the recent refs: not this one — the mirror answered 404 and the lab has no upstream, so no
    // registry showed it knows the ref (a typo would look the same)
    const recent = join(work, 'state/mirror-doctor/recent-refs.json');
    expect(existsSync(recent) ? readFileSync(recent, 'utf8') : '').not.toContain(DOCKER_REF);

    // the tmux shell wrapper (still sleeping) names the command too; only a node process counts
    expect((await processesOf(`${BIN} tui --config ${d.config}`)).filter((l) => /^\d+ node /.test(l))).toEqual([]);
    expect((await processesOf(`${d.ctr} --address ${d.address}`)).filter((l) => l.includes('images pull'))).toEqual([]);
    expect(await inventory()).toEqual(before);
  });

  it('80×24: a typo pasted without newline, Backspaces held, a bracketed paste; finding expanded and collapsed; the fix step copied; Ctrl-C exits 1', async () => {
    const name = `${SESSION}-80`;
    await startTui(name, 80, 24);
    await waitFor('Which image should containerd pull?', 90_000, name);
    await paste(name, 'docker.io/library/typo', false);
    await waitFor('> docker.io/library/typo', 10_000, name);
    // held Backspace: several in one write
    await tmux('send-keys', '-t', name, 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace');
    await waitFor(/^> _?\s*$/m, 10_000, name);
    await paste(name, `${DOCKER_REF}\n`, true);
    await waitFor(`> ${DOCKER_REF}`, 10_000, name);
    await new Promise((r) => setTimeout(r, 500));
    expect(await pane(name)).toContain('Which image should containerd pull?');
    await tmux('send-keys', '-t', name, 'Enter');
    await chooseCri(name);
    const screen = await waitFor('verdict:', 90_000, name);
    expect(screen).toContain('root cause: mirror-fallback');
    await expandCollapse(name, 80);
    await copyFixStep(name, 80);
    // Ctrl-C quits with the verdict's code, as q does
    await tmux('send-keys', '-t', name, 'C-c');
    expect(await waitFor(/MIRROR_DOCTOR_EXIT=\d+/, 30_000, name)).toContain('MIRROR_DOCTOR_EXIT=1');
  });
});
