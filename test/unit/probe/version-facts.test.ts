/**
 * Which containerd version the emulation follows when the daemon cannot be asked (not root: the
 * socket refuses): the daemon's own binary, else the containerd on PATH (named as the source),
 * else the assumption, with a note saying what was tried.
 */
import { describe, expect, it } from 'vitest';
import { emulatedVersion, gatherBinaryVersions, type Exec } from '../../../src/probe/version-facts.js';
import type { DaemonProcess } from '../../../src/probe/daemon-process.js';

const proc = { pid: 42, argv: ['/root/.cache/containerd/1.7/usr/bin/containerd', '--config', '/etc/c.toml'] } as unknown as DaemonProcess;

describe('the containerd binary version on a live node', () => {
  it("the daemon's binary cannot be run by this user: the containerd on PATH answers, and is named", async () => {
    const ran: string[] = [];
    const exec: Exec = async (file) => {
      ran.push(file);
      return file === 'containerd'
        ? { exitCode: 0, stdout: 'containerd github.com/containerd/containerd 1.7.24~ds1 \n', stderr: '', error: null }
        : { exitCode: null, stdout: '', stderr: '', error: `${file}: permission denied` };
    };
    const { binary } = await gatherBinaryVersions({ exec, live: true, offline: false, root: '/', ctr: 'ctr', ctrGiven: false, proc });
    expect(ran.slice(0, 2)).toEqual([proc.argv[0], 'containerd']);
    expect(binary).toEqual({ value: '1.7.24~ds1', source: 'containerd --version' });
  });

  it('nothing answers: 2.1.9 is assumed, and a note says what was tried and how to set it', () => {
    const notes: string[] = [];
    const server = { value: null, unknown: { error: 'dial unix /run/containerd/containerd.sock: connect: permission denied', source: 'containerd Version API at /run/containerd/containerd.sock' } };
    const binary = { value: null, unknown: { error: 'containerd: command not found', source: 'containerd --version' } };
    const { containerdVersion } = emulatedVersion(undefined, server, binary, notes);
    expect(containerdVersion).toEqual({ value: '2.1.9', source: 'assumed' });
    expect(notes).toEqual([
      'containerd version unknown (containerd Version API at /run/containerd/containerd.sock: dial unix /run/containerd/containerd.sock: connect: permission denied; containerd --version: containerd: command not found): the emulation assumes 2.1.9; pass --containerd-version X.Y.Z (what `containerd --version` prints as root) to emulate the daemon\'s own version',
    ]);
  });
});
