import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDaemonProcess } from '../../../src/probe/daemon-process.js';
import { parseFdListing } from '../../../src/probe/proc-net-tcp.js';

// A /proc holding the real capture of the lab's containerd 1.7 at info level: started with
// `--config` alone, its socket set by [grpc] address in that file.
const fixture = (p: string) => readFileSync(new URL(`../../fixtures/proc/containerd-1.7-after-cri-pull/${p}`, import.meta.url));
const SOCKET = '/tmp/md-lab-info/containerd/1.7/containerd.sock';
let proc: string;

beforeEach(() => {
  proc = mkdtempSync(join(tmpdir(), 'md-fake-proc-'));
  const p = join(proc, '7718');
  mkdirSync(join(p, 'fd'), { recursive: true });
  mkdirSync(join(p, 'net'));
  writeFileSync(join(p, 'cmdline'), fixture('cmdline'));
  writeFileSync(join(p, 'stat'), fixture('stat'));
  writeFileSync(join(p, 'net', 'unix'), fixture('unix.txt'));
  for (const l of parseFdListing(fixture('fd-ls.txt').toString())) symlinkSync(l.target, join(p, 'fd', String(l.fd)));
});
afterEach(() => rmSync(proc, { recursive: true, force: true }));

describe('findDaemonProcess', () => {
  it('a daemon without --address is found by the socket it listens on', () => {
    const d = findDaemonProcess(SOCKET, proc);
    expect(d?.pid).toBe(7718);
    expect(d?.address).toBe(SOCKET);
    expect(d?.config).toBe('/tmp/md-lab-info/containerd/1.7/config.toml');
    expect(d?.argv.slice(1)).toEqual(['--config', '/tmp/md-lab-info/containerd/1.7/config.toml']);
  });

  it('and is not taken for the default socket, which it does not serve', () => {
    expect(findDaemonProcess('/run/containerd/containerd.sock', proc)).toBeNull();
    // nor for its ttrpc socket's neighbour of another version
    expect(findDaemonProcess('/tmp/md-lab-info/containerd/2.1/containerd.sock', proc)).toBeNull();
  });

  it('when its sockets cannot be read, a daemon without --address is taken to serve the default socket', () => {
    rmSync(join(proc, '7718', 'net', 'unix'));
    expect(findDaemonProcess('/run/containerd/containerd.sock', proc)?.pid).toBe(7718);
    expect(findDaemonProcess(SOCKET, proc)).toBeNull();
  });

  it('--address on the command line decides, as before', () => {
    const argv = ['/usr/bin/containerd', '--config', '/etc/c.toml', '--address', '/run/k3s/containerd/containerd.sock'];
    writeFileSync(join(proc, '7718', 'cmdline'), `${argv.join('\0')}\0`);
    expect(findDaemonProcess('/run/k3s/containerd/containerd.sock', proc)?.pid).toBe(7718);
    expect(findDaemonProcess(SOCKET, proc)).toBeNull();
  });

  it('a missing /proc is no daemon, not an error', () => {
    expect(findDaemonProcess(SOCKET, join(proc, 'nothing'))).toBeNull();
  });
});
