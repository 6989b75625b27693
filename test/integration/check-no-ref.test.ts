/**
 * `check` as the built CLI runs it on a lab node, off a terminal: without an image it says which
 * image it pulls and which hosts folder named its registry before pulling; as a normal user the
 * socket refuses, the report says what the version is based on, and the fix repeats the user's
 * own arguments with sudo; `lab down` as that user refuses and leaves the lab running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirname, join, resolve } from 'node:path';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execa } from 'execa';
import { labDown, labStatus, labUp, type LabState } from '../../src/lab/lab.js';
import { quietLog, testLabOptions } from '../helpers/lab.js';
import { cliForAnyUser } from '../helpers/cli-for-any-user.js';

const BIN = resolve(__dirname, '../../bin/mirror-doctor.js');
const REF = 'docker.io/library/mirror-doctor-demo:1.0';
const opts = { ...testLabOptions(5300), versions: ['1.7' as const] };
let state: LabState;
let anyUser: ReturnType<typeof cliForAnyUser>;

beforeAll(async () => {
  state = await labUp(opts, 'mirror-ok', quietLog);
  anyUser = cliForAnyUser();
});
afterAll(async () => {
  await labDown(opts, quietLog);
  rmSync(dirname(opts.dir), { recursive: true, force: true });
  anyUser.cleanup();
});

describe('check on the lab, off a terminal', () => {
  it('no image: says which image and which folder named its registry, then pulls it', async () => {
    const d = state.daemons['1.7']!;
    const r = await execa(process.execPath, [BIN, 'check', '--address', d.address, '--ctr', d.ctr, '--json'], { reject: false });
    const folder = join(state.hostsDir, 'docker.io');
    expect(r.stderr).toBe(`mirror-doctor: no image given: pulling docker.io/library/busybox:latest, for docker.io — the first registry in the hosts folders, those with a mirror first (${folder}); pass an image to check another`);
    const report = JSON.parse(r.stdout) as { ref: string; refSource: string; traces: { ran: boolean } };
    expect(report).toMatchObject({ ref: 'docker.io/library/busybox:latest', refSource: 'hosts-folder', traces: { ran: true } });
  });

  it('no progress off a terminal; --verbose prints every step', async () => {
    const d = state.daemons['1.7']!;
    const quiet = await execa(process.execPath, [BIN, 'check', REF, '--address', d.address, '--ctr', d.ctr], { reject: false });
    expect(quiet.stderr).toBe('');
    expect(quiet.exitCode).toBe(0);
    const verbose = await execa(process.execPath, [BIN, 'check', REF, '--address', d.address, '--ctr', d.ctr, '--verbose'], { reject: false });
    expect(verbose.stderr).toMatch(/^… distribution\n/);
    expect(verbose.stderr).toMatch(/\n… ctr --address \S+ --namespace mirror-doctor-\S+ --debug images pull/);
  });

  it('as a normal user: the sudo fix repeats the arguments; lab down is refused and the lab keeps running', async () => {
    const d = state.daemons['1.7']!;
    const args = ['check', REF, '--address', d.address, '--ignore', 'ctr-namespace'];
    const r = await execa('runuser', ['-u', 'nobody', '--', process.execPath, anyUser.path, ...args], { reject: false, cwd: tmpdir() });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toContain(`daemon-permission-denied`);
    expect(r.stdout).toContain(`        sudo mirror-doctor ${args.join(' ')}\n`);
    // the version is the daemon's binary's or the one on PATH, else the assumption with its reason
    expect(r.stdout).toMatch(/\ncontainerd (\S+ \(from \S+ --version; the daemon's own version is unknown\)|2\.1\.9 \(assumed: version unknown\)[^]*\nnote: containerd version unknown \(containerd Version API at)/);
    const down = await execa('runuser', ['-u', 'nobody', '--', process.execPath, anyUser.path, 'lab', 'down', '--dir', opts.dir], { reject: false, cwd: tmpdir() });
    expect(down.exitCode).toBe(2);
    expect(down.stderr).toBe(`mirror-doctor: lab down stops the lab's containerd daemons and registries and removes its folder and needs root; nothing was done\n  run: sudo mirror-doctor lab down --dir ${opts.dir}`);
    expect(labStatus(opts).up).toBe(true);
  });
});
