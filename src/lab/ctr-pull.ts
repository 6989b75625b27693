import { randomBytes } from 'node:crypto';
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { execa } from 'execa';
import type { DaemonState } from './lab.js';

/** A byte offset into a growing log file, so a run can read only what it added. */
export function logOffset(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function readLogFrom(file: string, offset: number): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = statSync(file).size;
    if (size <= offset) return '';
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export interface CtrPullOptions {
  ref: string;
  hostsDir?: string;
  /** 2.x: pull in the client (`--local`) instead of through the daemon's transfer service */
  local?: boolean;
  debug?: boolean;
  httpTrace?: boolean;
  httpDump?: boolean;
  user?: string;
  timeoutMs?: number;
}

export interface CtrPullResult {
  args: string[];
  namespace: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

/** The ctr argument array for a pull (never a shell string). */
export function ctrPullArgs(daemon: Pick<DaemonState, 'address' | 'version'>, namespace: string, o: CtrPullOptions): string[] {
  const args = ['--address', daemon.address, '--namespace', namespace];
  if (o.debug) args.push('--debug');
  args.push('images', 'pull');
  if (o.local) args.push('--local');
  if (o.hostsDir) args.push('--hosts-dir', o.hostsDir);
  if (o.httpTrace) args.push('--http-trace');
  if (o.httpDump) args.push('--http-dump');
  if (o.user) args.push('--user', o.user);
  args.push(o.ref);
  return args;
}

/** Runs one `ctr images pull` in a throw-away namespace and removes what it added afterwards. */
export async function ctrPull(daemon: DaemonState, o: CtrPullOptions): Promise<CtrPullResult> {
  const namespace = `mirror-doctor-lab-${randomBytes(4).toString('hex')}`;
  const args = ctrPullArgs(daemon, namespace, o);
  const started = Date.now();
  const r = await execa(daemon.ctr, args, { reject: false, timeout: o.timeoutMs ?? 120_000, env: { ...daemon.env }, extendEnv: false, stdin: 'ignore' });
  const result: CtrPullResult = {
    args,
    namespace,
    exitCode: r.exitCode ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    durationMs: Date.now() - started,
    timedOut: r.timedOut,
  };
  await removeNamespace(daemon, namespace);
  return result;
}

/** Removes every image and lease in a namespace, then the namespace; content goes with the GC. */
export async function removeNamespace(daemon: Pick<DaemonState, 'ctr' | 'address'>, namespace: string): Promise<void> {
  const ctr = (...a: string[]) => execa(daemon.ctr, ['--address', daemon.address, '--namespace', namespace, ...a], { reject: false, timeout: 30_000 });
  const images = (await ctr('images', 'ls', '-q')).stdout.split('\n').filter(Boolean);
  if (images.length) await ctr('images', 'rm', '--sync', ...images);
  const leases = (await ctr('leases', 'ls', '-q')).stdout.split('\n').filter(Boolean);
  for (const l of leases) await ctr('leases', 'rm', '--sync', l);
  const content = (await ctr('content', 'ls', '-q')).stdout.split('\n').filter(Boolean);
  if (content.length) await ctr('content', 'rm', ...content);
  await execa(daemon.ctr, ['--address', daemon.address, 'namespaces', 'rm', namespace], { reject: false, timeout: 30_000 });
}
