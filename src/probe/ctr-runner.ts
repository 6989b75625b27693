import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Lines longer than this are cut before they are decoded: with --http-dump, ctr prints whole blob
 * bodies as log lines (escaped binary, up to 64 KiB each), which carry no evidence and must never be
 * echoed; decoding and keeping them would cost more than the pull itself.
 */
export const MAX_LINE_BYTES = 8 * 1024;
const KEEP_BYTES = 512;

/** Splits a byte stream into lines without decoding the overlong ones. */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** the current line is overlong: the rest of it is skipped until the next newline */
  private skipping = 0;
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      this.take(chunk.subarray(start, end));
      if (nl < 0) return;
      this.flushLine();
      start = nl + 1;
    }
  }

  end(): void {
    if (this.pendingBytes > 0 || this.skipping > 0) this.flushLine();
  }

  private take(part: Buffer): void {
    if (part.length === 0) return;
    if (this.skipping > 0) {
      this.skipping += part.length;
      return;
    }
    if (this.pendingBytes + part.length > MAX_LINE_BYTES) {
      const room = Math.max(0, KEEP_BYTES - this.pendingBytes);
      if (room > 0) this.pending.push(part.subarray(0, room));
      this.skipping = this.pendingBytes + part.length;
      this.pendingBytes = Math.min(KEEP_BYTES, this.pendingBytes);
      return;
    }
    this.pending.push(part);
    this.pendingBytes += part.length;
  }

  private flushLine(): void {
    let text = (this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending)).toString('utf8');
    if (this.skipping > 0) text = `${text}… [${this.skipping - KEEP_BYTES} more bytes of this line not kept]`;
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = 0;
    this.onLine(text);
  }
}

/** The kept output: the head up to a byte budget, then only the last lines (a dump can be GBs). */
export class BoundedLog {
  readonly head: Array<{ stream: 'stdout' | 'stderr'; text: string }> = [];
  private tail: Array<{ stream: 'stdout' | 'stderr'; text: string }> = [];
  private headBytes = 0;
  dropped = 0;
  constructor(
    private readonly headBudget = 4 * 1024 * 1024,
    private readonly tailLines = 2000,
  ) {}

  push(line: { stream: 'stdout' | 'stderr'; text: string }): void {
    if (this.dropped === 0 && this.tail.length === 0 && this.headBytes + line.text.length <= this.headBudget) {
      this.head.push(line);
      this.headBytes += line.text.length + 1;
      return;
    }
    this.tail.push(line);
    if (this.tail.length > this.tailLines * 2) {
      this.dropped += this.tail.length - this.tailLines;
      this.tail = this.tail.slice(-this.tailLines);
    }
  }

  lines(): Array<{ stream: 'stdout' | 'stderr'; text: string }> {
    let tail = this.tail;
    let dropped = this.dropped;
    if (tail.length > this.tailLines) {
      dropped += tail.length - this.tailLines;
      tail = tail.slice(-this.tailLines);
    }
    return dropped > 0 ? [...this.head, { stream: 'stderr', text: `… [${dropped} lines not kept] …` }, ...tail] : [...this.head, ...tail];
  }
}

export interface StreamedRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** we stopped it (early verdict, stall, timeout or the user's Ctrl-C) */
  stoppedBy: 'verdict' | 'stall' | 'timeout' | 'abort' | null;
  durationMs: number;
  /** the output in arrival order, each line tagged with its stream (head and tail of a huge one) */
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
/** Memory-backed /dev/shm when there is one (the output can be hundreds of MB, read once), else the temp folder. */
function runFilesRoot(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/**
 * Runs a command, reading its stdout and stderr line by line while it runs, and stops it on
 * request, on a stall, on timeout or on abort. Kills only the child it started (by its PID).
 *
 * The child writes into files of a private temporary folder (0700, removed afterwards), which this
 * process follows: a pipe would slow a chatty child down (ctr --http-dump prints every blob body,
 * hundreds of MB, and blocks on a full pipe), a file never does.
 */
export function runStreamed(command: string, o: StreamedRunOptions): Promise<StreamedRun> {
  const started = Date.now();
  const log = new BoundedLog();
  const dir = mkdtempSync(join(runFilesRoot(), 'mirror-doctor-run-'));
  const files = { stdout: join(dir, 'stdout'), stderr: join(dir, 'stderr') };
  const writeFds = { stdout: openSync(files.stdout, 'w', 0o600), stderr: openSync(files.stderr, 'w', 0o600) };
  const readFds = { stdout: openSync(files.stdout, 'r'), stderr: openSync(files.stderr, 'r') };
  return new Promise((resolve) => {
    let stoppedBy: StreamedRun['stoppedBy'] = null;
    let settled = false;
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, o.args, { env: o.env ?? process.env, stdio: ['ignore', writeFds.stdout, writeFds.stderr] });
    } finally {
      closeSync(writeFds.stdout);
      closeSync(writeFds.stderr);
    }
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: NonNullable<StreamedRun['stoppedBy']>) => {
      if (stoppedBy || child.exitCode !== null || child.signalCode !== null) return;
      stoppedBy = why;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 2000);
    };
    const timeout = setTimeout(() => stop('timeout'), o.timeoutMs);
    // one timer for the stall, not one per line: each line only notes the time, and the timer,
    // when it fires early, waits for the rest of the quiet period
    let stallTimer: NodeJS.Timeout | undefined;
    let lastActivity = Date.now();
    const armStall = (delay = o.stallMs) => {
      if (!o.stallMs || settled) return;
      stallTimer = setTimeout(() => {
        const quiet = Date.now() - lastActivity;
        if (quiet < o.stallMs!) return armStall(o.stallMs! - quiet);
        if (o.onStall?.() ?? true) stop('stall');
        else {
          lastActivity = Date.now();
          armStall();
        }
      }, delay);
    };
    armStall();
    const onAbort = () => stop('abort');
    if (o.signal?.aborted) onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });

    const buf = Buffer.alloc(1 << 20);
    const streams = (['stdout', 'stderr'] as const).map((stream) => ({
      stream,
      position: 0,
      splitter: new LineSplitter((raw) => {
        const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        log.push({ stream, text });
        lastActivity = Date.now();
        if (stoppedBy) return;
        if (o.onLine(text, stream) === 'stop') stop('verdict');
      }),
    }));
    /** reads what the child appended since the last call; true when anything was read */
    const drain = (): boolean => {
      let any = false;
      for (const s of streams) {
        for (;;) {
          const n = readSync(readFds[s.stream], buf, 0, buf.length, s.position);
          if (n <= 0) break;
          s.position += n;
          any = true;
          s.splitter.push(buf.subarray(0, n));
        }
      }
      return any;
    };
    let follow: NodeJS.Timeout | undefined;
    const tick = () => {
      drain();
      follow = setTimeout(tick, 20);
    };
    tick();

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError: string | null) => {
      if (settled) return;
      settled = true;
      if (follow) clearTimeout(follow);
      drain();
      for (const s of streams) s.splitter.end();
      closeSync(readFds.stdout);
      closeSync(readFds.stderr);
      rmSync(dir, { recursive: true, force: true });
      clearTimeout(timeout);
      if (stallTimer) clearTimeout(stallTimer);
      if (killTimer) clearTimeout(killTimer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve({ exitCode, signal, stoppedBy, durationMs: Date.now() - started, lines: log.lines(), spawnError });
    };
    child.on('error', (e) => finish(null, null, e.message));
    child.on('close', (code, sig) => finish(code, sig, null));
  });
}
