/**
 * Where the containerd daemon's log is, found from the daemon process itself: its stderr/stdout
 * (/proc/<pid>/fd/2 and 1: a file, as k3s/RKE2 `containerd.log` and plain redirects write it; a
 * socket, as systemd hands a service's output to journald) and its systemd unit
 * (/proc/<pid>/cgroup). `--daemon-log FILE|-|none` overrides it. The parsing of what /proc says is
 * pure (exported for tests); locateDaemonLog reads /proc.
 */
import { readlinkSync, statSync } from 'node:fs';
import { readProcessUnit } from './process-environ.js';

export type DaemonLogSource =
  /** a log file the daemon writes (or the user named) */
  | { kind: 'file'; path: string; how: string }
  /** the systemd journal of the daemon's unit (read with journalctl) */
  | { kind: 'journal'; unit: string; how: string }
  /** the log piped into mirror-doctor (`--daemon-log -`) */
  | { kind: 'stdin'; how: string }
  /** none could be found or read: why, and what to collect instead */
  | { kind: 'none'; why: string; collect: string };

/** What a /proc/<pid>/fd/N link points to. */
export type FdTarget = { kind: 'file'; path: string } | { kind: 'socket' } | { kind: 'pipe' } | { kind: 'null' } | { kind: 'terminal'; path: string } | { kind: 'deleted'; path: string } | { kind: 'other'; target: string };

export function fdTarget(link: string): FdTarget {
  if (link.startsWith('socket:[')) return { kind: 'socket' };
  if (link.startsWith('pipe:[')) return { kind: 'pipe' };
  if (link === '/dev/null') return { kind: 'null' };
  if (/^\/dev\/(pts\/\d+|tty\w*|console)$/.test(link)) return { kind: 'terminal', path: link };
  if (link.endsWith(' (deleted)')) return { kind: 'deleted', path: link.slice(0, -' (deleted)'.length) };
  if (link.startsWith('/')) return { kind: 'file', path: link };
  return { kind: 'other', target: link };
}

const DEBUG_HINT = 'or run containerd at debug level ([debug] level = "debug" in config.toml, then restart it) and pass its log with --daemon-log FILE';

/**
 * The log source of a daemon whose stderr (fd 2) and stdout (fd 1) point at `targets` and whose
 * unit is `unit`: stderr first (logrus writes there), stdout when stderr says nothing.
 */
export function logSourceOf(pid: number, targets: { fd: 1 | 2; target: FdTarget }[], unit: string | null): DaemonLogSource {
  const ordered = [...targets].sort((a, b) => b.fd - a.fd);
  const reasons: string[] = [];
  for (const { fd, target } of ordered) {
    const where = `fd ${fd} of containerd pid ${pid}`;
    switch (target.kind) {
      case 'file':
        return { kind: 'file', path: target.path, how: where };
      case 'socket':
        if (unit) return { kind: 'journal', unit, how: `${where} is a socket and containerd runs in ${unit}: its output goes to the journal` };
        reasons.push(`${where} is a socket and containerd runs in no systemd unit`);
        break;
      case 'pipe':
        reasons.push(`${where} is a pipe: another process keeps its log`);
        break;
      case 'null':
        reasons.push(`${where} is /dev/null: its log is discarded`);
        break;
      case 'terminal':
        reasons.push(`${where} is the terminal ${target.path}`);
        break;
      case 'deleted':
        reasons.push(`${where} is ${target.path}, which was deleted (rotated away)`);
        break;
      default:
        reasons.push(`${where} is ${target.target}`);
    }
  }
  return { kind: 'none', why: reasons.join('; ') || `containerd pid ${pid} has no stdout or stderr`, collect: `pass containerd's log with --daemon-log FILE (or - for standard input), ${DEBUG_HINT}` };
}

export interface LocateOptions {
  /** --daemon-log as given: a file, `-`, or `none` */
  option?: string;
  /** the daemon's pid, when its process was found */
  pid: number | null;
  procDir?: string;
}

/** Where to read the daemon's log from. Never throws: what cannot be read is a `none` with its reason. */
export function locateDaemonLog(o: LocateOptions): DaemonLogSource {
  if (o.option === 'none') return { kind: 'none', why: '--daemon-log none', collect: 'leave out --daemon-log none' };
  if (o.option === '-') return { kind: 'stdin', how: '--daemon-log - (standard input)' };
  if (o.option !== undefined) return { kind: 'file', path: o.option, how: '--daemon-log' };
  if (o.pid === null) {
    return { kind: 'none', why: "containerd's process is not visible from here (not running, or in another PID namespace)", collect: `pass its log with --daemon-log FILE, e.g. journalctl -u containerd -o json > containerd.json, ${DEBUG_HINT}` };
  }
  const procDir = o.procDir ?? '/proc';
  const targets: { fd: 1 | 2; target: FdTarget }[] = [];
  for (const fd of [2, 1] as const) {
    try {
      targets.push({ fd, target: fdTarget(readlinkSync(`${procDir}/${o.pid}/fd/${fd}`)) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') {
        return { kind: 'none', why: `permission denied reading ${procDir}/${o.pid}/fd (containerd runs as another user)`, collect: `run mirror-doctor as root, or pass the log with --daemon-log FILE` };
      }
    }
  }
  const source = logSourceOf(o.pid, targets, readProcessUnit(o.pid, procDir));
  if (source.kind === 'file') {
    try {
      if (!statSync(source.path).isFile()) return { kind: 'none', why: `${source.how} is ${source.path}, not a regular file`, collect: `pass the log with --daemon-log FILE, ${DEBUG_HINT}` };
    } catch (e) {
      return { kind: 'none', why: `${source.how} is ${source.path}, which cannot be read here (${(e as NodeJS.ErrnoException).code ?? String(e)})`, collect: 'run mirror-doctor as root on the node, or pass the log with --daemon-log FILE' };
    }
  }
  return source;
}

/** One line for reports: where the daemon's log came from, or why there is none. */
export function describeLogSource(s: DaemonLogSource): string {
  switch (s.kind) {
    case 'file':
      return `${s.path} (${s.how})`;
    case 'journal':
      return `journalctl -u ${s.unit} (${s.how})`;
    case 'stdin':
      return s.how;
    case 'none':
      return `none: ${s.why}`;
  }
}
