export { logOffset, readLogFrom } from '../probe/log-file.js';
import { execa } from 'execa';
import type { DaemonState } from './lab.js';
import { removeThrowAwayNamespace, throwAwayNamespace } from '../probe/ctr-namespace.js';

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
  const namespace = throwAwayNamespace('mirror-doctor-lab');
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
  await removeThrowAwayNamespace(daemon, namespace);
  return result;
}
