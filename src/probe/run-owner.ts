/**
 * Who owns a trace's throw-away resources: this process, named by what survives a pid being
 * reused — its pid, its start time (clock ticks since boot, /proc/PID/stat field 22), the boot
 * and the pid namespace. Written as labels on what a trace creates in containerd, so that a
 * later run can tell the resources of a run that is gone (killed, crashed) from those of a run
 * that is still going.
 */
import { readFileSync, readlinkSync } from 'node:fs';

/** Label keys on the namespaces and leases a trace creates (containerd labels, any text). */
export const OWNER_LABELS = {
  pid: 'mirror-doctor.owner-pid',
  start: 'mirror-doctor.owner-start',
  boot: 'mirror-doctor.owner-boot',
  pidNs: 'mirror-doctor.owner-pid-ns',
} as const;

/** The environment variable each ctr child carries: `BOOT/PIDNS/PID/START` of its owner. */
export const OWNER_ENV = 'MIRROR_DOCTOR_OWNER';

export interface RunOwner {
  pid: number;
  /** start time in clock ticks since boot; '' when /proc cannot be read */
  start: string;
  boot: string;
  pidNs: string;
}

export type OwnerState = { state: 'alive' } | { state: 'gone'; why: string } | { state: 'unknown'; why: string };

/** The start field (22) of /proc/PID/stat, or null when there is no such process. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count from its closing one
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function readOr(read: () => string): string {
  try {
    return read().trim();
  } catch {
    return '';
  }
}

let self: RunOwner | null = null;

/** This process as an owner (read once). */
export function currentOwner(): RunOwner {
  self ??= {
    pid: process.pid,
    start: processStart(process.pid) ?? '',
    boot: readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pidNs: readOr(() => readlinkSync('/proc/self/ns/pid')).replace(/^pid:\[(\d+)\]$/, '$1'),
  };
  return self;
}

export function ownerLabels(o: RunOwner): Record<string, string> {
  return { [OWNER_LABELS.pid]: String(o.pid), [OWNER_LABELS.start]: o.start, [OWNER_LABELS.boot]: o.boot, [OWNER_LABELS.pidNs]: o.pidNs };
}

export function ownerEnvValue(o: RunOwner): string {
  return `${o.boot}/${o.pidNs}/${o.pid}/${o.start}`;
}

/** The owner named by labels (or an OWNER_ENV value), or null when they name none. */
export function ownerFromLabels(labels: Record<string, string>): RunOwner | null {
  const pid = Number(labels[OWNER_LABELS.pid]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, start: labels[OWNER_LABELS.start] ?? '', boot: labels[OWNER_LABELS.boot] ?? '', pidNs: labels[OWNER_LABELS.pidNs] ?? '' };
}

export function ownerFromEnv(value: string): RunOwner | null {
  const m = /^([^/]*)\/([^/]*)\/(\d+)\/(\d*)$/.exec(value);
  return m ? { boot: m[1]!, pidNs: m[2]!, pid: Number(m[3]), start: m[4]! } : null;
}

/**
 * Whether the owner still runs, seen from `me` (this process) with `startOf` reading a pid's start
 * time. Gone: another boot, no such pid, or a pid now held by a process started at another time.
 * Unknown: a pid of another pid namespace (a container without the host's pids), or start times
 * that could not be read — such resources are left alone.
 */
export function ownerState(owner: RunOwner, me: RunOwner, startOf: (pid: number) => string | null = processStart): OwnerState {
  if (owner.boot && me.boot && owner.boot !== me.boot) return { state: 'gone', why: 'its owner ran before the last reboot' };
  if (owner.pidNs !== me.pidNs) return { state: 'unknown', why: `its owner, pid ${owner.pid}, runs in another pid namespace: whether it still runs cannot be seen from here` };
  const start = startOf(owner.pid);
  if (start === null) return { state: 'gone', why: `its owner, pid ${owner.pid}, is gone` };
  if (!owner.start || !start) return { state: 'unknown', why: `the start time of pid ${owner.pid} could not be read` };
  if (start !== owner.start) return { state: 'gone', why: `its owner, pid ${owner.pid}, is gone (the pid now belongs to a process started later)` };
  return { state: 'alive' };
}
