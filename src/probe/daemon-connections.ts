import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { endianness } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatEndpoint, parseProcNetTcp, processConnections, socketInode, unmapIpv4, type FdLink, type ProcessConnection, type SocketAddress, type TcpSocketRow } from './proc-net-tcp.js';

/**
 * Which hosts a process (containerd) talks to, from /proc: its `socket:[inode]` fds matched to the
 * TCP tables of its network namespace. One read is a snapshot; the sampler repeats it while a pull
 * runs, because a connection can open and close between two reads. Needs root (or the process's uid).
 *
 * Reading /proc/<pid>/net/tcp costs the kernel a walk of the whole TCP hash table, however few
 * sockets there are (about 15 ms of CPU each for tcp and tcp6 on a 24 GiB machine), while the fd
 * listing costs well under a millisecond. So the sampler lists fds at every tick and reads the
 * tables only when a socket inode it has not placed yet appears (and once at the end).
 */

/** The process's fds and where they point; a fd closed between listing and readlink is left out. */
function readFdLinks(pid: number, procDir: string): FdLink[] {
  const dir = `${procDir}/${pid}/fd`;
  const links: FdLink[] = [];
  for (const name of readdirSync(dir)) {
    try {
      links.push({ fd: Number(name), target: readlinkSync(`${dir}/${name}`) });
    } catch {
      // closed meanwhile
    }
  }
  return links;
}

function readTable(pid: number, procDir: string, family: 'tcp' | 'tcp6'): string {
  // one read of a /proc seq file returns what fits; readFileSync loops until the end
  try {
    return readFileSync(`${procDir}/${pid}/net/${family}`, 'utf8');
  } catch (e) {
    // a kernel without IPv6 has no tcp6 table
    if (family === 'tcp6' && (e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

function readTcpRows(pid: number, procDir: string): TcpSocketRow[] {
  const order = endianness();
  return [...parseProcNetTcp(readTable(pid, procDir, 'tcp'), 'tcp', order), ...parseProcNetTcp(readTable(pid, procDir, 'tcp6'), 'tcp6', order)];
}

/** The TCP connections the process holds right now (listening sockets included). */
export function readProcessConnections(pid: number, procDir = '/proc'): ProcessConnection[] {
  const fds = readFdLinks(pid, procDir);
  return processConnections(fds, readTcpRows(pid, procDir));
}

/** One remote endpoint the process was seen connected to. */
export interface SeenEndpoint {
  /** `127.0.0.1:5101`, `[2001:db8::1]:443`; IPv4-mapped peers written as IPv4 */
  endpoint: string;
  remote: SocketAddress;
  /** ms since the epoch of the first and last sample in which a socket to it was open */
  firstSeen: number;
  lastSeen: number;
  /** samples in which a socket to it was open */
  samples: number;
  /** distinct sockets (inodes) to it */
  connections: number;
  /** TCP states the table reads showed (ESTABLISHED, SYN_SENT, CLOSE_WAIT, …) */
  states: string[];
  /** already connected in the first sample: it may belong to an earlier pull (idle keep-alive) */
  presentAtStart: boolean;
}

/** One socket (inode) to a remote endpoint, as the samples saw it. */
export interface SeenConnection {
  endpoint: string;
  inode: number;
  /** the local port: the kernel's ephemeral port of this connection */
  localPort: number;
  /** first and last sample in which its fd was open, ms since the epoch */
  firstSeen: number;
  lastSeen: number;
  states: string[];
  presentAtStart: boolean;
}

export interface ConnectionSampling {
  pid: number;
  startedAt: number;
  endedAt: number;
  /** fd listings made */
  samples: number;
  /** reads of the TCP tables made (each a walk of the kernel's hash table) */
  tableReads: number;
  /** the longest time between two samples, ms: connections shorter than this can be missed */
  maxGapMs: number;
  endpoints: SeenEndpoint[];
  /** every socket seen, first seen first */
  connections: SeenConnection[];
  /** why sampling stopped before the signal, e.g. the process exited */
  stoppedEarly?: string;
}

export interface SampleOptions {
  /** time between samples, ms (default 25) */
  intervalMs?: number;
  /** sampling runs until this aborts, then the promise resolves with what was seen */
  signal: AbortSignal;
  procDir?: string;
  /** called after each sample with the number of samples so far */
  onSample?: (samples: number) => void;
  /** called once per socket whose connect (SYN_SENT) has not completed after `stallMs` */
  onStalledDial?: (endpoint: string) => void;
  stallMs?: number;
}

/** Least time between two table reads made to see whether a dial completed, ms. */
const DIAL_RECHECK_MS = 250;

/** Table reads after which a socket inode that is in no TCP table is taken for another kind (unix, UDP, …). */
const PLACE_ATTEMPTS = 2;

/**
 * Samples the process's outgoing TCP connections until `signal` aborts. Listening sockets and
 * connections accepted on them are left out (containerd's CRI streaming server listens on
 * loopback). Fails at once when the process's fds cannot be read (not root, no such process).
 */
export async function sampleDaemonConnections(pid: number, o: SampleOptions): Promise<ConnectionSampling> {
  const procDir = o.procDir ?? '/proc';
  const intervalMs = o.intervalMs ?? 25;
  /** inode → its TCP row; null once it was in no table PLACE_ATTEMPTS times */
  const placed = new Map<number, TcpSocketRow | null>();
  const attempts = new Map<number, number>();
  const endpoints = new Map<string, SeenEndpoint & { inodes: Set<number>; stateSet: Set<string> }>();
  const sockets = new Map<number, SeenConnection & { stateSet: Set<string> }>();
  let listening = new Set<string>();
  const startedAt = Date.now();
  let samples = 0;
  let tableReads = 0;
  let maxGapMs = 0;
  let last = startedAt;
  let stoppedEarly: string | undefined;

  const readTables = (inodes: number[]) => {
    const rows = readTcpRows(pid, procDir);
    tableReads++;
    const byInode = new Map(rows.filter((r) => r.inode !== 0).map((r) => [r.inode, r]));
    listening = new Set(rows.filter((r) => r.state === 'LISTEN').map((r) => `${unmapIpv4(r.local.address)}:${r.local.port}`));
    for (const inode of inodes) {
      const row = byInode.get(inode);
      if (row) placed.set(inode, row);
      else if (!placed.get(inode)) {
        const n = (attempts.get(inode) ?? 0) + 1;
        attempts.set(inode, n);
        if (n >= PLACE_ATTEMPTS) placed.set(inode, null);
      }
    }
  };

  const sample = (final: boolean): boolean => {
    let inodes: number[];
    try {
      inodes = readFdLinks(pid, procDir).flatMap((l) => socketInode(l.target) ?? []);
      if (final || inodes.some((i) => !placed.has(i))) readTables(inodes);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (samples === 0) {
        const why = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied (run as root)' : err.code === 'ENOENT' ? 'no such process' : err.message;
        throw new Error(`cannot read the sockets of process ${pid} in ${procDir}: ${why}`);
      }
      stoppedEarly = err.code === 'ENOENT' ? `process ${pid} exited` : `reading process ${pid}'s sockets failed: ${err.message}`;
      return false;
    }
    const now = Date.now();
    if (samples > 0) maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    const inThisSample = new Set<string>();
    for (const inode of inodes) {
      const c = placed.get(inode);
      if (!c || c.state === 'LISTEN' || c.remote.port === 0) continue;
      // accepted on one of its own listening sockets: a client of the daemon, not a host it dials
      if (listening.has(`${unmapIpv4(c.local.address)}:${c.local.port}`)) continue;
      const remote = { address: unmapIpv4(c.remote.address), port: c.remote.port };
      const key = formatEndpoint(remote);
      let e = endpoints.get(key);
      if (!e) {
        e = { endpoint: key, remote, firstSeen: now, lastSeen: now, samples: 0, connections: 0, states: [], presentAtStart: samples === 0, inodes: new Set(), stateSet: new Set() };
        endpoints.set(key, e);
      }
      if (!inThisSample.has(key)) e.samples++;
      inThisSample.add(key);
      e.lastSeen = now;
      e.inodes.add(inode);
      e.stateSet.add(c.state);
      let sock = sockets.get(inode);
      if (!sock) {
        sock = { endpoint: key, inode, localPort: c.local.port, firstSeen: now, lastSeen: now, states: [], presentAtStart: samples === 0, stateSet: new Set() };
        sockets.set(inode, sock);
      }
      sock.lastSeen = now;
      sock.stateSet.add(c.state);
    }
    samples++;
    o.onSample?.(samples);
    if (o.onStalledDial && o.stallMs !== undefined) checkDials(inodes, now, o.onStalledDial, o.stallMs);
    return true;
  };

  // a socket still in SYN_SENT after stallMs: its host is silent (the tables are read again first,
  // since a placed row keeps the state of the read that placed it). One already there at the first
  // sample is an earlier pull's: Go's transport finishes a dial in the background after the request
  // that started it was cancelled, so a cancelled pull's dial to a blackholed host lingers up to 30 s.
  const stalledDials = new Set<number>();
  let lastRecheck = 0;
  const checkDials = (inodes: number[], now: number, report: (endpoint: string) => void, stallMs: number) => {
    const waiting = () => inodes.filter((i) => !stalledDials.has(i) && placed.get(i)?.state === 'SYN_SENT' && sockets.get(i)?.presentAtStart === false && now - (sockets.get(i)?.firstSeen ?? now) >= stallMs);
    if (waiting().length === 0 || now - lastRecheck < DIAL_RECHECK_MS) return;
    lastRecheck = now;
    readTables(inodes);
    for (const inode of waiting()) {
      stalledDials.add(inode);
      report(sockets.get(inode)!.endpoint);
    }
  };

  if (sample(false)) {
    while (!o.signal.aborted) {
      try {
        await sleep(intervalMs, undefined, { signal: o.signal });
      } catch {
        break; // aborted: one last sample below
      }
      if (!sample(false)) break;
    }
    if (!stoppedEarly) sample(true);
  }
  const seenEndpoints = [...endpoints.values()]
    .map(({ inodes, stateSet, ...e }) => ({ ...e, connections: inodes.size, states: [...stateSet].sort() }))
    .sort((a, b) => a.firstSeen - b.firstSeen || a.endpoint.localeCompare(b.endpoint));
  const connections = [...sockets.values()]
    .map(({ stateSet, ...c }) => ({ ...c, states: [...stateSet].sort() }))
    .sort((a, b) => a.firstSeen - b.firstSeen || a.inode - b.inode);
  return { pid, startedAt, endedAt: Date.now(), samples, tableReads, maxGapMs, endpoints: seenEndpoints, connections, ...(stoppedEarly ? { stoppedEarly } : {}) };
}
