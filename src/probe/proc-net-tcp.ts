/**
 * Pure parsers of the kernel's socket tables and of a process's fd listing, so that the TCP
 * connections a process holds (its `socket:[inode]` fds matched to /proc/<pid>/net/tcp{,6} rows)
 * can be named by remote address and port. No I/O here: the sampler (daemon-connections.ts) reads.
 */

/** TCP states as /proc/net/tcp numbers them (include/net/tcp_states.h). */
const TCP_STATES: Record<number, string> = {
  0x01: 'ESTABLISHED',
  0x02: 'SYN_SENT',
  0x03: 'SYN_RECV',
  0x04: 'FIN_WAIT1',
  0x05: 'FIN_WAIT2',
  0x06: 'TIME_WAIT',
  0x07: 'CLOSE',
  0x08: 'CLOSE_WAIT',
  0x09: 'LAST_ACK',
  0x0a: 'LISTEN',
  0x0b: 'CLOSING',
  0x0c: 'NEW_SYN_RECV',
};

export interface SocketAddress {
  /** dotted IPv4, or IPv6 in its compressed form; IPv4-mapped IPv6 as `::ffff:a.b.c.d` */
  address: string;
  port: number;
}

export interface TcpSocketRow {
  family: 'tcp' | 'tcp6';
  local: SocketAddress;
  remote: SocketAddress;
  /** ESTABLISHED, SYN_SENT, TIME_WAIT, …; `UNKNOWN(0xNN)` for a number this table lacks */
  state: string;
  uid: number;
  /** the socket's inode; 0 for sockets no process owns any more (TIME_WAIT and other closing rows) */
  inode: number;
}

/** How the kernel printed each 32-bit word: in the host's byte order (little-endian on x86 and arm64). */
export type ByteOrder = 'LE' | 'BE';

function wordBytes(hex8: string, order: ByteOrder): number[] {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex8.slice(i, i + 2), 16));
  return order === 'LE' ? bytes.reverse() : bytes;
}

/** The IPv4 address of /proc/net/tcp's 8 hex digits (one 32-bit word in host byte order). */
export function decodeIpv4(hex: string, order: ByteOrder = 'LE'): string {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) throw new Error(`not an IPv4 address of /proc/net/tcp: ${JSON.stringify(hex)}`);
  return wordBytes(hex, order).join('.');
}

/** The IPv6 address of /proc/net/tcp6's 32 hex digits (four 32-bit words, each in host byte order). */
export function decodeIpv6(hex: string, order: ByteOrder = 'LE'): string {
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) throw new Error(`not an IPv6 address of /proc/net/tcp6: ${JSON.stringify(hex)}`);
  const bytes = [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8), order));
  // IPv4-mapped (::ffff:a.b.c.d): what a dual-stack socket shows for an IPv4 peer
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  return compressIpv6(groups);
}

/** RFC 5952: the longest run (two or more) of zero groups becomes `::`, lower-case hex. */
function compressIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function decodeEndpoint(text: string, family: 'tcp' | 'tcp6', order: ByteOrder): SocketAddress {
  const [addr, port] = text.split(':');
  if (addr === undefined || port === undefined || !/^[0-9A-Fa-f]{4}$/.test(port)) throw new Error(`not an address:port of /proc/net/${family}: ${JSON.stringify(text)}`);
  return { address: family === 'tcp' ? decodeIpv4(addr, order) : decodeIpv6(addr, order), port: parseInt(port, 16) };
}

/**
 * The rows of /proc/net/tcp or /proc/net/tcp6 (or /proc/<pid>/net/…: the table of that process's
 * network namespace). The header line is skipped; a malformed row is an error naming its line.
 */
export function parseProcNetTcp(text: string, family: 'tcp' | 'tcp6', order: ByteOrder = 'LE'): TcpSocketRow[] {
  const rows: TcpSocketRow[] = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('sl ')) continue;
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode …
    const f = line.split(/\s+/);
    if (f.length < 10 || !/^\d+:$/.test(f[0]!)) throw new Error(`line ${i + 1} of /proc/net/${family} is not a socket row: ${JSON.stringify(raw.slice(0, 120))}`);
    const state = parseInt(f[3]!, 16);
    const uid = Number(f[7]);
    const inode = Number(f[9]);
    if (!Number.isInteger(uid) || !Number.isInteger(inode)) throw new Error(`line ${i + 1} of /proc/net/${family} has no uid/inode: ${JSON.stringify(raw.slice(0, 120))}`);
    rows.push({
      family,
      local: decodeEndpoint(f[1]!, family, order),
      remote: decodeEndpoint(f[2]!, family, order),
      state: TCP_STATES[state] ?? `UNKNOWN(0x${f[3]!})`,
      uid,
      inode,
    });
  }
  return rows;
}

/** An fd of a process and what it points at (the readlink of /proc/<pid>/fd/<fd>). */
export interface FdLink {
  fd: number;
  target: string;
}

/** The inode of a `socket:[12345]` link target, else undefined (files, pipes, anon inodes). */
export function socketInode(target: string): number | undefined {
  const m = /^socket:\[(\d+)\]$/.exec(target.trim());
  return m ? Number(m[1]) : undefined;
}

/**
 * An fd listing as text: `ls -l /proc/<pid>/fd` output or `<fd> -> <target>` lines (what a
 * support bundle holds). Lines without ` -> ` (the `total 0` line) are skipped.
 */
export function parseFdListing(text: string): FdLink[] {
  const links: FdLink[] = [];
  for (const line of text.split('\n')) {
    const m = /(?:^|\s)(\d+) -> (.+)$/.exec(line.trimEnd());
    if (m) links.push({ fd: Number(m[1]), target: m[2]! });
  }
  return links;
}

/** A TCP connection a process holds: the socket row of one of its fds. */
export interface ProcessConnection extends TcpSocketRow {
  fd: number;
}

/** The rows whose inode is one of the process's socket fds (TIME_WAIT rows, inode 0, never match). */
export function processConnections(fds: readonly FdLink[], rows: readonly TcpSocketRow[]): ProcessConnection[] {
  const byInode = new Map<number, number>();
  for (const l of fds) {
    const inode = socketInode(l.target);
    if (inode !== undefined && inode !== 0) byInode.set(inode, l.fd);
  }
  const out: ProcessConnection[] = [];
  for (const r of rows) {
    const fd = byInode.get(r.inode);
    if (fd !== undefined) out.push({ ...r, fd });
  }
  return out;
}

/** `127.0.0.1:5101`, `[::1]:5101`: an endpoint as a URL host would write it. */
export function formatEndpoint(a: SocketAddress): string {
  return a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address, else the address itself. */
export function unmapIpv4(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}
