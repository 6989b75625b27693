import { readFileSync, readdirSync } from 'node:fs';

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

function flag(argv: string[], names: string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    for (const n of names) {
      if (a === n && i + 1 < argv.length) return argv[i + 1]!;
      if (a.startsWith(`${n}=`)) return a.slice(n.length + 1);
    }
  }
  return null;
}

/**
 * The containerd daemon serving `address`, found in /proc by its command line (`--address`, or
 * none for the default socket). Null when not visible (other PID namespace, not running).
 */
export function findDaemonProcess(address: string): DaemonProcess | null {
  const boot = bootTimeMs();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const p of pids) {
    let argv: string[];
    let stat: string;
    try {
      argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').filter(Boolean);
      stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    } catch {
      continue;
    }
    if (!argv[0] || !/(^|\/)containerd$/.test(argv[0])) continue;
    const addr = flag(argv, ['--address', '-a']) ?? DEFAULT_ADDRESS;
    if (addr !== address) continue;
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return {
      pid: Number(p),
      argv,
      startedAt: boot !== null && Number.isFinite(ticks) ? boot + (ticks * 1000) / 100 : 0,
      config: flag(argv, ['--config', '-c']),
      address: addr,
    };
  }
  return null;
}
