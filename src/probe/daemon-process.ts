import { readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { listeningInodes, parseProcNetUnix } from './proc-net-unix.js';
import { socketInode } from './proc-net-tcp.js';
import { addressFlag, configFlag, runsContainerd } from './daemon-flags.js';

export const DEFAULT_ADDRESS = '/run/containerd/containerd.sock';

export interface DaemonProcess {
  pid: number;
  argv: string[];
  /** process start, ms since the epoch */
  startedAt: number;
  /** --config / -c from the command line, when given */
  config: string | null;
  address: string;
}

/**
 * Boot time in ms since the epoch, to the 10 ms of /proc/uptime (now minus uptime); /proc/stat's
 * btime, whole seconds, only when uptime is unreadable. The daemon's start time is boot time plus
 * its start ticks, and it is compared with config.toml's mtime: with btime, a config written just
 * before the start could look up to a second newer than the daemon.
 */
function bootTimeMs(): number | null {
  try {
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    if (Number.isFinite(uptime) && uptime > 0) return Date.now() - uptime * 1000;
  } catch {
    // fall through to btime
  }
  try {
    const m = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return m ? Number(m[1]) * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * Whether the process holds a socket listening on `address` (as given, or with symlinks resolved:
 * /var/run is /run), from its network namespace's /proc/<pid>/net/unix and its fds; null when
 * either cannot be read.
 */
function servesSocket(procDir: string, pid: string, address: string): boolean | null {
  let paths = [address];
  try {
    paths = [...new Set([address, realpathSync(address)])];
  } catch {
    // not there from here (another mount namespace): the path as given
  }
  try {
    const rows = parseProcNetUnix(readFileSync(`${procDir}/${pid}/net/unix`, 'utf8'));
    const inodes = new Set(paths.flatMap((p) => [...listeningInodes(rows, p)]));
    if (inodes.size === 0) return false;
    for (const fd of readdirSync(`${procDir}/${pid}/fd`)) {
      try {
        const inode = socketInode(readlinkSync(`${procDir}/${pid}/fd/${fd}`));
        if (inode !== undefined && inodes.has(inode)) return true;
      } catch {
        // closed meanwhile
      }
    }
    return false;
  } catch {
    return null;
  }
}

/**
 * The containerd daemon serving `address`, found in /proc by its command line (`--address`). A
 * daemon without `--address` (its socket set by `[grpc] address` in its config, or the default)
 * is the one holding the socket listening on `address`; where that cannot be read, it is taken to
 * serve the default socket. Null when not visible (other PID namespace, not running).
 */
export function findDaemonProcess(address: string, procDir = '/proc'): DaemonProcess | null {
  const boot = bootTimeMs();
  let pids: string[];
  try {
    pids = readdirSync(procDir).filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const p of pids) {
    let argv: string[];
    let stat: string;
    try {
      argv = readFileSync(`${procDir}/${p}/cmdline`, 'utf8').split('\0').filter(Boolean);
      stat = readFileSync(`${procDir}/${p}/stat`, 'utf8');
    } catch {
      continue;
    }
    if (!runsContainerd(argv)) continue;
    const flagged = addressFlag(argv);
    let addr: string;
    if (flagged !== null) {
      addr = flagged;
    } else {
      const serves = servesSocket(procDir, p, address);
      addr = serves === true ? address : serves === false ? '' : DEFAULT_ADDRESS;
    }
    if (addr !== address) continue;
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return {
      pid: Number(p),
      argv,
      startedAt: boot !== null && Number.isFinite(ticks) ? boot + (ticks * 1000) / 100 : 0,
      config: configFlag(argv),
      address: addr,
    };
  }
  return null;
}
