import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  decodeIpv4,
  decodeIpv6,
  formatEndpoint,
  parseFdListing,
  parseProcNetTcp,
  processConnections,
  socketInode,
  unmapIpv4,
} from '../../../src/probe/proc-net-tcp.js';

const fixture = (p: string) => readFileSync(new URL(`../../fixtures/proc/${p}`, import.meta.url), 'utf8');

// node-dual-stack/: a Node.js process (pid 930) listening on [::]:5677 (dual-stack), connected to
// itself from 127.0.0.1:41330 and from [::1]:40100; captured from /proc/self/net/tcp{,6} and
// `ls -l /proc/930/fd` (fd-ls.txt) and readlink of each fd (fd-links.txt).
// containerd-1.7-after-cri-pull/: the lab's containerd 1.7 just after a CRI pull through the mirror
// (127.0.0.1:5601), with idle keep-alive connections of earlier pulls to the basic-auth mirror (5605).

describe('decodeIpv4 / decodeIpv6 (host byte order words, as the kernel prints them)', () => {
  it('decodes the loopback and the any address', () => {
    expect(decodeIpv4('0100007F')).toBe('127.0.0.1');
    expect(decodeIpv4('00000000')).toBe('0.0.0.0');
    expect(decodeIpv4('7F000001', 'BE')).toBe('127.0.0.1');
  });

  it('decodes ::1, ::, IPv4-mapped and a global address', () => {
    expect(decodeIpv6('00000000000000000000000001000000')).toBe('::1');
    expect(decodeIpv6('00000000000000000000000000000000')).toBe('::');
    expect(decodeIpv6('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1');
    // 2001:db8::8a2e:370:7334, each 32-bit word byte-swapped
    expect(decodeIpv6('B80D0120000000002E8A000034737003')).toBe('2001:db8::8a2e:370:7334');
    expect(decodeIpv6('20010DB800000000000000000000000A', 'BE')).toBe('2001:db8::a');
  });

  it('rejects text that is not an address of the table', () => {
    expect(() => decodeIpv4('0100007')).toThrow('not an IPv4 address of /proc/net/tcp: "0100007"');
    expect(() => decodeIpv6('zz')).toThrow('not an IPv6 address of /proc/net/tcp6: "zz"');
  });
});

describe('parseProcNetTcp on real tables', () => {
  it('tcp6: the dual-stack listener, an IPv4-mapped accepted connection and both ends over ::1', () => {
    const rows = parseProcNetTcp(fixture('node-dual-stack/tcp6.txt'), 'tcp6');
    expect(rows.map((r) => [formatEndpoint(r.local), formatEndpoint(r.remote), r.state, r.inode])).toEqual([
      ['[::]:5677', '[::]:0', 'LISTEN', 192744],
      ['[::ffff:127.0.0.1]:5677', '[::ffff:127.0.0.1]:41330', 'ESTABLISHED', 192747],
      ['[::1]:5677', '[::1]:40100', 'ESTABLISHED', 192748],
      ['[::1]:40100', '[::1]:5677', 'ESTABLISHED', 192746],
    ]);
    expect(rows.every((r) => r.family === 'tcp6' && r.uid === 0)).toBe(true);
  });

  it('tcp: the IPv4 client end among every other socket of the machine, TIME_WAIT rows with inode 0', () => {
    const rows = parseProcNetTcp(fixture('node-dual-stack/tcp.txt'), 'tcp');
    expect(rows.length).toBe(fixture('node-dual-stack/tcp.txt').trim().split('\n').length - 1);
    const client = rows.find((r) => r.inode === 192745);
    expect(client && [formatEndpoint(client.local), formatEndpoint(client.remote), client.state]).toEqual(['127.0.0.1:41330', '127.0.0.1:5677', 'ESTABLISHED']);
    const daemonSide = parseProcNetTcp(fixture('containerd-1.7-after-cri-pull/tcp.txt'), 'tcp');
    const timeWait = daemonSide.filter((r) => r.state === 'TIME_WAIT');
    expect(timeWait.length).toBeGreaterThan(0);
    expect(timeWait.every((r) => r.inode === 0)).toBe(true);
  });

  it('a header-only table has no rows', () => {
    expect(parseProcNetTcp(fixture('containerd-1.7-after-cri-pull/tcp6.txt'), 'tcp6')).toEqual([]);
  });

  it('a malformed row is an error naming its line', () => {
    const text = `${fixture('node-dual-stack/tcp6.txt').split('\n')[0]}\n   0: garbage\n`;
    expect(() => parseProcNetTcp(text, 'tcp6')).toThrow('line 2 of /proc/net/tcp6 is not a socket row: "   0: garbage"');
  });

  it('a state number the table lacks is kept, not guessed', () => {
    const line = fixture('node-dual-stack/tcp6.txt').split('\n')[1]!.replace(' 0A ', ' 0F ');
    expect(parseProcNetTcp(line, 'tcp6')[0]!.state).toBe('UNKNOWN(0x0F)');
  });
});

describe('fd listings', () => {
  it('ls -l output and readlink lines: the same five TCP sockets; ls adds the unix socket pairs of its own stdio', () => {
    const sockets = (links: { fd: number; target: string }[]) => links.filter((l) => socketInode(l.target) !== undefined).sort((a, b) => a.fd - b.fd);
    const fromLs = parseFdListing(fixture('node-dual-stack/fd-ls.txt'));
    const fromLinks = parseFdListing(fixture('node-dual-stack/fd-links.txt'));
    expect(sockets(fromLinks)).toHaveLength(5);
    expect(sockets(fromLs).slice(0, 5)).toEqual(sockets(fromLinks));
    expect(sockets(fromLs).slice(5).map((l) => l.fd)).toEqual([29, 31, 33]);
    expect(fromLs.find((l) => l.fd === 1)?.target).toBe('/tmp/proc-capture/dual.out');
    const rows = [...parseProcNetTcp(fixture('node-dual-stack/tcp.txt'), 'tcp'), ...parseProcNetTcp(fixture('node-dual-stack/tcp6.txt'), 'tcp6')];
    // unix sockets are in no TCP table
    expect(processConnections(fromLs, rows)).toEqual(processConnections(fromLinks, rows));
    expect(fromLs.find((l) => l.fd === 19)?.target).toBe('socket:[192744]');
    expect(fromLs.some((l) => l.target === 'total 0')).toBe(false);
  });

  it('socketInode takes sockets only', () => {
    expect(socketInode('socket:[192744]')).toBe(192744);
    expect(socketInode('pipe:[98940]')).toBeUndefined();
    expect(socketInode('anon_inode:[eventpoll]')).toBeUndefined();
    expect(socketInode('/dev/null')).toBeUndefined();
  });
});

describe('processConnections', () => {
  it('the dual-stack process: its five sockets, IPv4 from tcp and IPv6 from tcp6', () => {
    const rows = [...parseProcNetTcp(fixture('node-dual-stack/tcp.txt'), 'tcp'), ...parseProcNetTcp(fixture('node-dual-stack/tcp6.txt'), 'tcp6')];
    const conns = processConnections(parseFdListing(fixture('node-dual-stack/fd-links.txt')), rows);
    expect(conns.map((c) => [c.fd, c.family, formatEndpoint(c.remote), c.state]).sort()).toEqual(
      [
        [19, 'tcp6', '[::]:0', 'LISTEN'],
        [20, 'tcp', '127.0.0.1:5677', 'ESTABLISHED'],
        [21, 'tcp6', '[::1]:5677', 'ESTABLISHED'],
        [22, 'tcp6', '[::ffff:127.0.0.1]:41330', 'ESTABLISHED'],
        [23, 'tcp6', '[::1]:40100', 'ESTABLISHED'],
      ].sort(),
    );
  });

  it('containerd after a CRI pull: its connections to the mirror and to another registry, its listener, nobody else\'s', () => {
    const rows = parseProcNetTcp(fixture('containerd-1.7-after-cri-pull/tcp.txt'), 'tcp');
    const conns = processConnections(parseFdListing(fixture('containerd-1.7-after-cri-pull/fd-ls.txt')), rows);
    const remote = (port: number) => conns.filter((c) => c.remote.port === port && c.state === 'ESTABLISHED');
    expect(remote(5601).map((c) => c.inode).sort()).toEqual([183049, 183052]);
    expect(remote(5605)).toHaveLength(5);
    // the CRI streaming server listens on loopback
    expect(conns.filter((c) => c.state === 'LISTEN').map((c) => c.local.address)).toEqual(['127.0.0.1']);
    // the table holds the mirror's own ends and other processes' sockets too: none of them is the daemon's
    expect(rows.length).toBeGreaterThan(conns.length + 20);
    expect(conns).toHaveLength(8);
  });

  it('TIME_WAIT rows (inode 0) never match a fd', () => {
    const rows = parseProcNetTcp(fixture('containerd-1.7-after-cri-pull/tcp.txt'), 'tcp');
    expect(processConnections([{ fd: 3, target: 'socket:[0]' }], rows)).toEqual([]);
  });
});

describe('endpoint text', () => {
  it('brackets IPv6, unmaps IPv4-mapped addresses', () => {
    expect(formatEndpoint({ address: '::1', port: 443 })).toBe('[::1]:443');
    expect(formatEndpoint({ address: '127.0.0.1', port: 5101 })).toBe('127.0.0.1:5101');
    expect(unmapIpv4('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(unmapIpv4('::1')).toBe('::1');
  });
});
