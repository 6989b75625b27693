/**
 * The real walkthrough in a real terminal (tmux, 100×30) against the lab's containerd 1.7 on the
 * mirror-404 scenario: types a ref, waits for the verdict, opens a trace, saves a report, quits;
 * then nothing is left behind — no mirror-doctor or ctr process, no namespace, no image.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { labDown, labUp, type LabState } from '../../src/lab/lab.js';
import { DOCKER_REF } from '../../src/lab/scenarios.js';
import { testLabOptions, quietLog } from '../helpers/lab.js';

const opts = testLabOptions(5270);
const SESSION = `md-tui-${process.pid}`;
const BIN = resolve(__dirname, '../../bin/mirror-doctor.js');
let state: LabState;
let work: string;

const tmux = (...args: string[]) => execa('tmux', args, { reject: false });
const pane = async () => (await tmux('capture-pane', '-p', '-t', SESSION)).stdout;

async function waitFor(text: string | RegExp, ms = 90_000): Promise<string> {
  const end = Date.now() + ms;
  let last = '';
  while (Date.now() < end) {
    last = await pane();
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
    await tmux('kill-session', '-t', SESSION);
    await labDown(opts, quietLog);
    rmSync(dirname(opts.dir), { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('types a ref, shows the verdict, a trace, saves a report, quits cleanly', async () => {
    const d = state.daemons['1.7']!;
    const before = await inventory();
    const args = ['tui', '--config', d.config, '--address', d.address, '--ctr', d.ctr, '--hosts-dir', state.hostsDir, '--daemon-log', d.log, '--timeout', '30'];
    const cmd = `cd ${work} && HOME=${work} XDG_STATE_HOME=${work}/state NO_COLOR=1 node ${BIN} ${args.join(' ')}; echo MIRROR_DOCTOR_EXIT=$?; sleep 600`;
    const r = await tmux('new-session', '-d', '-s', SESSION, '-x', '100', '-y', '30', 'sh', '-c', cmd);
    expect(r.exitCode, r.stderr).toBe(0);

    let screen = await waitFor('Which image should containerd pull?');
    expect(screen).toContain(`socket ${d.address} (reachable)`);
    expect(screen).toMatch(/containerd 1\.7\.\S+ \(daemon\)/);
    await tmux('send-keys', '-t', SESSION, '-l', DOCKER_REF);
    await tmux('send-keys', '-t', SESSION, 'Enter');

    screen = await waitFor('verdict:');
    expect(screen).toContain('✗ verdict: problems — root cause: mirror-fallback');
    expect(screen).toMatch(/✗ mirror-fallback/);

    await tmux('send-keys', '-t', SESSION, 't');
    screen = await waitFor('[ctr (no --hosts-dir)]');
    await tmux('send-keys', '-t', SESSION, 'Right');
    screen = await waitFor('[ctr --hosts-dir]');
    expect(screen).toMatch(/\(mirror\) → 404 not-found/);
    await tmux('send-keys', '-t', SESSION, 'Enter');
    await waitFor(/HEAD|GET/);

    await tmux('send-keys', '-t', SESSION, 's');
    screen = await waitFor('report saved to');
    const report = readdirSync(work).find((f) => f.startsWith('mirror-doctor-report-') && f.endsWith('.md'));
    expect(report).toBeDefined();
    expect(statSync(join(work, report!)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(work, report!), 'utf8')).toContain('root cause: `mirror-fallback`');

    await tmux('send-keys', '-t', SESSION, 'q');
    screen = await waitFor(/MIRROR_DOCTOR_EXIT=\d+/);
    expect(screen).toContain('MIRROR_DOCTOR_EXIT=1');

    // the tmux shell wrapper (still sleeping) names the command too; only a node process counts
    expect((await processesOf(`${BIN} tui --config ${d.config}`)).filter((l) => /^\d+ node /.test(l))).toEqual([]);
    expect((await processesOf(`${d.ctr} --address ${d.address}`)).filter((l) => l.includes('images pull'))).toEqual([]);
    expect(await inventory()).toEqual(before);
  });
});
