import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface StreamedRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** we stopped it (early verdict, stall, timeout or the user's Ctrl-C) */
  stoppedBy: 'verdict' | 'stall' | 'timeout' | 'abort' | null;
  durationMs: number;
  /** every line, in arrival order, each tagged with its stream */
  lines: Array<{ stream: 'stdout' | 'stderr'; text: string }>;
  spawnError: string | null;
}

export interface StreamedRunOptions {
  /** argument array: never a shell string */
  args: string[];
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** stop when no line has arrived for this long (a blackholed host) */
  stallMs?: number;
  /** aborting stops the process (SIGTERM, then SIGKILL) */
  signal?: AbortSignal;
  /** called per line; return 'stop' to end the run early */
  onLine: (line: string, stream: 'stdout' | 'stderr') => 'stop' | void;
  /** called when the stall timer fires; return true to stop */
  onStall?: () => boolean;
}

/**
 * Runs a command, streaming its stdout and stderr line by line, and stops it on request, on a
 * stall, on timeout or on abort. Kills only the child it started (by its PID).
 */
export function runStreamed(command: string, o: StreamedRunOptions): Promise<StreamedRun> {
  const started = Date.now();
  const lines: StreamedRun['lines'] = [];
  return new Promise((resolve) => {
    let stoppedBy: StreamedRun['stoppedBy'] = null;
    let settled = false;
    const child = spawn(command, o.args, { env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: NonNullable<StreamedRun['stoppedBy']>) => {
      if (stoppedBy || child.exitCode !== null || child.signalCode !== null) return;
      stoppedBy = why;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 2000);
    };
    const timeout = setTimeout(() => stop('timeout'), o.timeoutMs);
    let stallTimer: NodeJS.Timeout | undefined;
    const armStall = () => {
      if (!o.stallMs) return;
      if (stallTimer) clearTimeout(stallTimer);
      stallTimer = setTimeout(() => {
        if (o.onStall?.() ?? true) stop('stall');
        else armStall();
      }, o.stallMs);
    };
    armStall();
    const onAbort = () => stop('abort');
    if (o.signal?.aborted) onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    for (const stream of ['stdout', 'stderr'] as const) {
      const rl = createInterface({ input: child[stream], crlfDelay: Infinity });
      rl.on('line', (text) => {
        lines.push({ stream, text });
        armStall();
        if (stoppedBy) return;
        if (o.onLine(text, stream) === 'stop') stop('verdict');
      });
    }
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      if (stallTimer) clearTimeout(stallTimer);
      if (killTimer) clearTimeout(killTimer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve({ exitCode, signal, stoppedBy, durationMs: Date.now() - started, lines, spawnError });
    };
    child.on('error', (e) => finish(null, null, e.message));
    child.on('close', (code, sig) => finish(code, sig, null));
  });
}
