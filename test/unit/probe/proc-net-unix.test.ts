import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { listeningInodes, parseProcNetUnix } from '../../../src/probe/proc-net-unix.js';

// /proc/7718/net/unix of the lab's containerd 1.7 (host network namespace: every lab's sockets)
const text = readFileSync(new URL('../../fixtures/proc/containerd-1.7-after-cri-pull/unix.txt', import.meta.url), 'utf8');

describe('parseProcNetUnix', () => {
  it('reads every row: listening sockets with their paths, connected ones without', () => {
    const rows = parseProcNetUnix(text);
    expect(rows).toHaveLength(text.trim().split('\n').length - 1);
    expect(rows.find((r) => r.path === '/tmp/md-lab-info/containerd/1.7/containerd.sock')).toEqual({
      inode: 127755,
      path: '/tmp/md-lab-info/containerd/1.7/containerd.sock',
      listening: true,
      type: 1,
      state: 1,
    });
    const unbound = rows.filter((r) => r.path === '');
    expect(unbound.length).toBeGreaterThan(0);
    expect(unbound.every((r) => !r.listening && r.state === 3)).toBe(true);
  });

  it('listeningInodes: the socket and nothing else (not the .ttrpc one beside it)', () => {
    const rows = parseProcNetUnix(text);
    expect([...listeningInodes(rows, '/tmp/md-lab-info/containerd/1.7/containerd.sock')]).toEqual([127755]);
    expect([...listeningInodes(rows, '/tmp/md-lab-info/containerd/1.7/containerd.sock.ttrpc')]).toEqual([127753]);
    expect(listeningInodes(rows, '/run/containerd/containerd.sock').size).toBe(0);
  });

  it('keeps spaces in a path and rejects a malformed row', () => {
    const row = text.split('\n').find((l) => l.endsWith('/1.7/containerd.sock'))!.replace('/tmp/md-lab-info', '/tmp/a lab');
    expect(parseProcNetUnix(row)[0]!.path).toBe('/tmp/a lab/containerd/1.7/containerd.sock');
    expect(() => parseProcNetUnix('Num RefCount\nxyz\n')).toThrow('line 2 of /proc/net/unix is not a socket row: "xyz"');
  });
});
