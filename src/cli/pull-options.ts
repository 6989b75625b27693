/**
 * The options of the real pulls that `trace` and `check` share (declared once in main.ts by
 * withPullOptions), and their parsing into milliseconds.
 */
import { closeSync, constants, openSync, statSync, type Stats } from 'node:fs';
import { fileErrorReason, UsageError } from '../errors.js';
import { fileKind } from './file-kind.js';

export interface PullCliOptions {
  namespace?: string;
  timeout?: string;
  stall?: string;
  responseTimeout?: string;
  full?: boolean;
  cri?: boolean;
  daemonLog?: string;
}

function seconds(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt * 1000;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 3600) throw new UsageError(`--${name} must be a number of seconds from 0 to 3600, not ${JSON.stringify(v)}`);
  return n * 1000;
}

/**
 * --timeout (60 s), --stall (2 s), --response-timeout (the --stall value) in milliseconds; bad values
 * are a UsageError. A mirror that accepted the connection and never answers is stopped after
 * --stall like one whose connect never completes: containerd never gives up on it (silence-waits.ts).
 */
export function pullTimings(o: PullCliOptions): { timeoutMs: number; stallMs: number; responseStallMs: number } {
  return {
    timeoutMs: seconds('timeout', o.timeout, 60),
    stallMs: seconds('stall', o.stall, 2),
    responseStallMs: o.responseTimeout === undefined ? seconds('stall', o.stall, 2) : seconds('response-timeout', o.responseTimeout, 20),
  };
}

/**
 * --daemon-log: a file, `-` (standard input) or `none`; anything else is a UsageError. The file
 * must be a regular file this user can read: a named pipe or a device would block the pulls'
 * reading (a stream comes through `-`, e.g. `--daemon-log - < FIFO`).
 */
export function checkDaemonLogOption(v: string | undefined): void {
  if (v === undefined || v === '-' || v === 'none') return;
  if (v.trim() === '') throw new UsageError('--daemon-log is empty', 'pass containerd\'s log file, - for standard input, or none');
  let st: Stats;
  try {
    st = statSync(v);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`--daemon-log ${v}: no such file`, 'pass containerd\'s log file (k3s: /var/lib/rancher/k3s/agent/containerd/containerd.log), - for standard input, or none; without the option mirror-doctor finds the log itself');
    throw new UsageError(`--daemon-log ${v}: cannot read it: ${fileErrorReason(e)}`, 'run as a user who can read it (root), or pass - and pipe the log in');
  }
  if (!st.isFile()) {
    throw new UsageError(`--daemon-log ${v} is ${fileKind(st)}, not a regular file`, st.isFIFO() || st.isCharacterDevice() || st.isSocket() ? `to read a stream, pass - and redirect it: --daemon-log - < ${v}` : 'pass containerd\'s log file, - for standard input, or none');
  }
  // readable now (non-blocking: it could have been swapped for a pipe since the stat)
  try {
    closeSync(openSync(v, constants.O_RDONLY | constants.O_NONBLOCK));
  } catch (e) {
    throw new UsageError(`--daemon-log ${v}: cannot read it: ${fileErrorReason(e)}`, 'run as a user who can read it (root), or pass - and pipe the log in');
  }
}
