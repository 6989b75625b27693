import { spawn } from 'node:child_process';
import { accessSync, close, closeSync, constants, existsSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { currentOwner, OWNER_ENV, ownerEnvValue } from './run-owner.js';
import { mark } from './timeline.js';
import { lowerPriority } from './priority.js';

/**
 * Lines longer than this are cut before they are decoded: with --http-dump, ctr prints whole blob
 * bodies as log lines (escaped binary, up to 64 KiB each), which carry no evidence and must never be
 * echoed; decoding and keeping them would cost more than the pull itself.
 */
export const MAX_LINE_BYTES = 8 * 1024;
const KEEP_BYTES = 512;
/** the child's output is read this much at a time */
const READ_BYTES = 1 << 20;

/** Where a splitter's lines go: whole lines as raw bytes, cut overlong ones as text. */
export interface LineSink {
  /**
   * a line buf[start, end), without its newline, not decoded; `offset` is where it starts in the
   * stream. The buffer may be reused once the call returns.
   */
  raw(buf: Buffer, start: number, end: number, offset: number): void;
  /** an overlong line: its head, decoded, and a note of how much was not kept */
  cut(text: string): void;
}

/**
 * Splits a byte stream into lines without decoding them: a line that lies within one chunk is
 * handed on as a span of that chunk (no copy), one that spans chunks is joined first, and an
 * overlong one is cut before it is decoded. The caller may reuse a chunk's memory once `push`
 * returns (the start of a line that continues in the next chunk is copied).
 */
export class ByteLineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** the current line is overlong: the rest of it is skipped until the next newline */
  private skipping = 0;
  /** stream offset of the current chunk, and of the current line's first byte */
  private base = 0;
  private lineStart = 0;
  constructor(private readonly sink: LineSink) {}

  push(chunk: Buffer): void {
    let start = 0;
    const n = chunk.length;
    while (start < n) {
      const nl = chunk.indexOf(10, start);
      if (nl >= 0 && this.pendingBytes === 0 && this.skipping === 0 && nl - start <= MAX_LINE_BYTES) {
        // the common case: a whole line inside this chunk
        this.sink.raw(chunk, start, nl, this.lineStart);
        start = nl + 1;
        this.lineStart = this.base + start;
        continue;
      }
      const end = nl < 0 ? n : nl;
      this.take(chunk.subarray(start, end));
      if (nl < 0) break;
      this.flushLine();
      start = nl + 1;
      this.lineStart = this.base + start;
    }
    this.base += n;
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
    // parts are copied: the chunk they come from may be reused for the next read
    if (this.pendingBytes + part.length > MAX_LINE_BYTES) {
      const room = Math.max(0, KEEP_BYTES - this.pendingBytes);
      if (room > 0) this.pending.push(Buffer.from(part.subarray(0, room)));
      this.skipping = this.pendingBytes + part.length;
      this.pendingBytes = Math.min(KEEP_BYTES, this.pendingBytes);
      return;
    }
    this.pending.push(Buffer.from(part));
    this.pendingBytes += part.length;
  }

  private flushLine(): void {
    const line = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const skipped = this.skipping;
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = 0;
    if (skipped > 0) this.sink.cut(`${line.toString('utf8')}… [${skipped - KEEP_BYTES} more bytes of this line not kept]`);
    else this.sink.raw(line, 0, line.length, this.lineStart);
  }
}

/** Splits a byte stream into lines (decoded), without decoding the overlong ones. */
export class LineSplitter {
  private readonly bytes: ByteLineSplitter;
  constructor(onLine: (line: string) => void) {
    this.bytes = new ByteLineSplitter({ raw: (buf, start, end) => onLine(buf.toString('utf8', start, end)), cut: onLine });
  }

  push(chunk: Buffer): void {
    this.bytes.push(chunk);
  }

  end(): void {
    this.bytes.end();
  }
}

type Stream = 'stdout' | 'stderr';
type KeptLine = { stream: Stream; text: string };

/** Reads a kept line back from where the output was written (see BoundedLog.pushAt). */
export type ReadBack = (stream: Stream, offset: number, length: number) => string;

/**
 * The kept output: the head up to a byte budget, then only the last lines (a dump can be GBs).
 * A line of the tail may be kept as just its place in the output (`pushAt`, when the output is in
 * a file): it is read back only if it is still among the last ones when the log is read.
 */
export class BoundedLog {
  readonly head: KeptLine[] = [];
  private headBytes = 0;
  /** lines that went to the tail so far (once one has, the head is closed) */
  private tailCount = 0;
  /** the tail: a ring of the last `tailLines` lines, each a text or a place in the output */
  private readonly ringText: Array<string | null>;
  private readonly ringOffset: Float64Array;
  private readonly ringLength: Int32Array;
  private readonly ringStderr: Uint8Array;
  constructor(
    private readonly headBudget = 4 * 1024 * 1024,
    private readonly tailLines = 2000,
  ) {
    this.ringText = new Array<string | null>(tailLines).fill(null);
    this.ringOffset = new Float64Array(tailLines);
    this.ringLength = new Int32Array(tailLines);
    this.ringStderr = new Uint8Array(tailLines);
  }

  /** lines not kept so far (between the head and the tail) */
  get dropped(): number {
    return Math.max(0, this.tailCount - this.tailLines);
  }

  push(line: KeptLine): void {
    if (this.tailCount === 0 && this.headBytes + line.text.length <= this.headBudget) {
      this.head.push(line);
      this.headBytes += line.text.length + 1;
      return;
    }
    this.ringText[this.slot(line.stream)] = line.text;
  }

  /**
   * The line buf[start, end), which is also found at `offset` of the stream's output: in the
   * tail only that place is kept, and `lines()` reads it back (decoding it only then).
   */
  pushAt(stream: Stream, buf: Buffer, start: number, end: number, offset: number): void {
    if (this.tailCount === 0) return this.push({ stream, text: buf.toString('utf8', start, end) });
    const k = this.slot(stream);
    this.ringText[k] = null;
    this.ringOffset[k] = offset;
    this.ringLength[k] = end - start;
  }

  private slot(stream: Stream): number {
    const k = this.tailCount % this.tailLines;
    this.tailCount++;
    this.ringStderr[k] = stream === 'stderr' ? 1 : 0;
    return k;
  }

  /** The kept lines; `readBack` is needed when lines were kept by their place (pushAt). */
  lines(readBack?: ReadBack): KeptLine[] {
    const kept = Math.min(this.tailCount, this.tailLines);
    const tail: KeptLine[] = [];
    for (let i = this.tailCount - kept; i < this.tailCount; i++) {
      const k = i % this.tailLines;
      const stream = this.ringStderr[k] ? 'stderr' : 'stdout';
      const text = this.ringText[k] ?? (readBack ? readBack(stream, this.ringOffset[k]!, this.ringLength[k]!) : '');
      tail.push({ stream, text });
    }
    const dropped = this.dropped;
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
  /** called after each read of the output (every ~20 ms), lines or none; return true to stop as decided */
  onTick?: () => boolean;
  /**
   * Optional: offered each line as raw bytes buf[start, end) (no newline, no trailing CR) before
   * it is decoded; returning true means the caller has taken it as it is (a dumped body line it
   * skips unread): it is then neither decoded nor passed to onLine, only kept for the log. Not
   * called once the run is being stopped. The buffer is reused once the call returns. `readAt` is
   * when the line was read (Date.now(), once per read rather than once per line).
   */
  rawLine?: (buf: Buffer, start: number, end: number, stream: 'stdout' | 'stderr', readAt: number) => boolean;
  /**
   * Run this process at a lower scheduling priority (nice +N) while the child runs, so that
   * following a chatty child never takes CPU the child could use (the output is in a file: lagging
   * behind is harmless). Only where the priority can be restored afterwards (root).
   */
  niceWhileRunning?: number;
}

const SHELL = '/bin/sh';

/**
 * Runs "$@" so that it dies with this process, even on SIGKILL (Node has no PR_SET_PDEATHSIG).
 * Its stdin (kept as fd 3) is a pipe whose write end only this process holds (Node opens it
 * close-on-exec, so no other child inherits it): whenever this process ends, for any reason, the
 * kernel closes that end, `read` sees EOF, and the command is killed. Nothing to poll, no timing.
 * The command's exit status becomes the shell's (128+N when a signal N ended it).
 */
export const WATCHDOG = [
  'exec 3<&0',
  '"$@" </dev/null 3<&- & c=$!',
  '{ read -r _ <&3; kill -KILL "$c" 2>/dev/null; } & w=$!',
  'wait "$c"; r=$?',
  'kill "$w" 2>/dev/null',
  'exit "$r"',
].join('\n');

/** A command that cannot be run (not found, not executable): spawned directly, so that the error is Node's own. */
function executableMissing(command: string, env: NodeJS.ProcessEnv): boolean {
  const ok = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (command.includes('/')) return !ok(command);
  return !(env.PATH ?? '').split(delimiter).some((d) => d && ok(join(d, command)));
}

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
 * The child writes into files of a private temporary folder (0700; the names are removed at once,
 * the open files stay until the run ends), which this process follows: a pipe would slow a chatty
 * child down whenever this process lags (ctr --http-dump prints every blob body, hundreds of MB,
 * and blocks on a full pipe), a file never does.
 */
export function runStreamed(command: string, o: StreamedRunOptions): Promise<StreamedRun> {
  const started = Date.now();
  const log = new BoundedLog();
  const dir = mkdtempSync(join(runFilesRoot(), 'mirror-doctor-run-'));
  const files = { stdout: join(dir, 'stdout'), stderr: join(dir, 'stderr') };
  const opened: number[] = [];
  const open = (path: string, flags: string) => {
    const fd = openSync(path, flags, 0o600);
    opened.push(fd);
    return fd;
  };
  let writeFds: { stdout: number; stderr: number };
  let readFds: { stdout: number; stderr: number };
  try {
    writeFds = { stdout: open(files.stdout, 'w'), stderr: open(files.stderr, 'w') };
    readFds = { stdout: open(files.stdout, 'r'), stderr: open(files.stderr, 'r') };
  } catch (e) {
    // out of descriptors, say: none of them, nor the folder, outlives the failure
    for (const fd of opened) closeSync(fd);
    throw e;
  } finally {
    // the open descriptors keep the files; their names are not needed: nothing is left behind even
    // if this process is killed, and the memory goes with the last descriptor
    rmSync(dir, { recursive: true, force: true });
  }
  return new Promise((resolve) => {
    let stoppedBy: StreamedRun['stoppedBy'] = null;
    let settled = false;
    let child: ReturnType<typeof spawn>;
    const env = { ...(o.env ?? process.env), [OWNER_ENV]: ownerEnvValue(currentOwner()) };
    const missing = executableMissing(command, env);
    try {
      // the child leads a process group of its own (setsid), so that stopping it reaches whatever it
      // started; through the watchdog when there is a shell (see WATCHDOG)
      child = missing
        ? spawn(command, o.args, { env, stdio: ['ignore', 'ignore', 'ignore'] })
        : existsSync(SHELL)
          ? spawn(SHELL, ['-c', WATCHDOG, 'mirror-doctor-watchdog', command, ...o.args], { env, detached: true, stdio: ['pipe', writeFds.stdout, writeFds.stderr] })
          : spawn(command, o.args, { env, detached: true, stdio: ['ignore', writeFds.stdout, writeFds.stderr] });
      mark('child spawned', { pid: child.pid });
    } finally {
      closeSync(writeFds.stdout);
      closeSync(writeFds.stderr);
    }
    // never written: the pipe is only there to be closed when this process ends
    child.stdin?.on('error', () => undefined);
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        child.kill(sig);
      }
    };
    const restorePriority = o.niceWhileRunning ? lowerPriority(o.niceWhileRunning) : () => undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: NonNullable<StreamedRun['stoppedBy']>) => {
      if (stoppedBy || child.exitCode !== null || child.signalCode !== null) return;
      stoppedBy = why;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), 2000);
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

    const onText = (stream: Stream, text: string) => {
      log.push({ stream, text });
      lastActivity = Date.now();
      if (stoppedBy) return;
      if (o.onLine(text, stream) === 'stop') stop('verdict');
    };
    const streams = (['stdout', 'stderr'] as const).map((stream) => ({
      stream,
      position: 0,
      splitter: new ByteLineSplitter({
        raw: (buf, start, end, offset) => {
          if (end > start && buf[end - 1] === 13) end--;
          if (!stoppedBy && o.rawLine?.(buf, start, end, stream, readAt)) {
            // the line stays in the output file: the log keeps its place, not its text
            log.pushAt(stream, buf, start, end, offset);
            lastActivity = readAt;
            return;
          }
          onText(stream, buf.toString('utf8', start, end));
        },
        cut: (text) => onText(stream, text.endsWith('\r') ? text.slice(0, -1) : text),
      }),
    }));
    const buf = Buffer.allocUnsafe(READ_BYTES);
    let readAt = Date.now();
    /** reads what the child appended since the last call; true when anything was read */
    const drain = (): boolean => {
      let any = false;
      for (const s of streams) {
        for (;;) {
          const n = readSync(readFds[s.stream], buf, 0, buf.length, s.position);
          if (n <= 0) break;
          s.position += n;
          any = true;
          readAt = Date.now();
          s.splitter.push(buf.subarray(0, n));
        }
      }
      return any;
    };
    const readBack: ReadBack = (stream, offset, length) => {
      const b = Buffer.allocUnsafe(length);
      const n = readSync(readFds[stream], b, 0, length, offset);
      return b.toString('utf8', 0, n);
    };
    let follow: NodeJS.Timeout | undefined;
    const tick = () => {
      drain();
      if (!stoppedBy && o.onTick?.()) stop('verdict');
      follow = setTimeout(tick, 20);
    };
    tick();

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError: string | null) => {
      if (settled) return;
      settled = true;
      restorePriority();
      if (follow) clearTimeout(follow);
      drain();
      for (const s of streams) s.splitter.end();
      const lines = log.lines(readBack);
      // closing the last descriptor frees the output (hundreds of MB): in the background (the
      // process does not exit before it is done)
      close(readFds.stdout, () => undefined);
      close(readFds.stderr, () => undefined);
      clearTimeout(timeout);
      if (stallTimer) clearTimeout(stallTimer);
      if (killTimer) clearTimeout(killTimer);
      o.signal?.removeEventListener('abort', onAbort);
      child.stdin?.destroy();
      mark('child output read');
      resolve({ exitCode, signal, stoppedBy, durationMs: Date.now() - started, lines, spawnError });
    };
    child.on('error', (e) => finish(null, null, e.message));
    child.on('exit', () => mark('child exit'));
    child.on('close', (code, sig) => finish(code, sig, null));
  });
}
