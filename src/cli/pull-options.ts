/**
 * The options of the real pulls that `trace` and `check` share (declared once in main.ts by
 * withPullOptions), and their parsing into milliseconds.
 */
import { existsSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';

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

/** --timeout (60 s), --stall (2 s), --response-timeout (20 s) in milliseconds; bad values are a UsageError. */
export function pullTimings(o: PullCliOptions): { timeoutMs: number; stallMs: number; responseStallMs: number } {
  return {
    timeoutMs: seconds('timeout', o.timeout, 60),
    stallMs: seconds('stall', o.stall, 2),
    responseStallMs: seconds('response-timeout', o.responseTimeout, 20),
  };
}

/** --daemon-log: a file, `-` (standard input) or `none`; anything else is a UsageError. */
export function checkDaemonLogOption(v: string | undefined): void {
  if (v === undefined || v === '-' || v === 'none') return;
  if (v.trim() === '') throw new UsageError('--daemon-log is empty', 'pass containerd\'s log file, - for standard input, or none');
  if (!existsSync(v)) throw new UsageError(`--daemon-log ${v}: no such file`, 'pass containerd\'s log file (k3s: /var/lib/rancher/k3s/agent/containerd/containerd.log), - for standard input, or none; without the option mirror-doctor finds the log itself');
  if (!statSync(v).isFile()) throw new UsageError(`--daemon-log ${v} is not a regular file`, 'pass containerd\'s log file, - for standard input, or none');
}
