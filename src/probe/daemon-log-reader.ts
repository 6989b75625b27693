/**
 * Reads the daemon's log lines of one pull from where locateDaemonLog found them: a file followed
 * from its end at the pull's start, standard input as it arrives, or the journal of the daemon's
 * unit between the pull's start and end (`journalctl -u UNIT -o json`, which the trace parser
 * reads as it is).
 */
import { execa } from 'execa';
import { logOffset, readLogFrom } from './log-file.js';
import type { DaemonLogSource } from './daemon-log-source.js';

export interface DaemonLogReader {
  /** new complete lines since the last call (a file, stdin); the journal gives none until finish */
  poll(): string[];
  /** the pull has ended: the lines not read yet, and what went wrong reading them */
  finish(): Promise<{ lines: string[]; problem: string | null }>;
  /** every line read so far */
  readonly lines: string[];
}

export interface ReaderOptions {
  /** ms since the epoch when the pull started */
  startedAt: number;
  /** runs journalctl (tests replace it) */
  exec?: (file: string, args: string[]) => Promise<{ exitCode: number | null; stdout: string; stderr: string; error: string | null }>;
  stdin?: NodeJS.ReadableStream;
}

const defaultExec = async (file: string, args: string[]) => {
  const r = await execa(file, args, { reject: false, timeout: 15_000, stdin: 'ignore', maxBuffer: 64 * 2 ** 20 });
  const notFound = /\bENOENT\b/.test(r.shortMessage ?? '');
  return { exitCode: r.exitCode ?? null, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), error: notFound ? `${file}: command not found` : r.failed && r.exitCode === undefined ? (r.shortMessage ?? 'failed').split('\n')[0]! : null };
};

/** The daemon's lines of a pull that starts now; null for a `none` source. */
export function openDaemonLog(source: DaemonLogSource, o: ReaderOptions): DaemonLogReader | null {
  switch (source.kind) {
    case 'file':
      return fileReader(source.path);
    case 'stdin':
      return streamReader(o.stdin ?? process.stdin);
    case 'journal':
      return journalReader(source.unit, o.startedAt, o.exec ?? defaultExec);
    case 'none':
      return null;
  }
}

/** Follows a growing log file from its end now, whole lines only. */
function fileReader(file: string): DaemonLogReader {
  let offset = logOffset(file);
  const lines: string[] = [];
  const poll = () => {
    const text = readLogFrom(file, offset);
    const cut = text.lastIndexOf('\n');
    if (cut < 0) return [];
    const whole = text.slice(0, cut + 1);
    offset += Buffer.byteLength(whole);
    const fresh = whole.split('\n').slice(0, -1);
    lines.push(...fresh);
    return fresh;
  };
  return {
    poll,
    finish: async () => ({ lines: poll(), problem: null }),
    lines,
  };
}

/** Lines arriving on a stream (`--daemon-log -`), whole lines only. */
function streamReader(stream: NodeJS.ReadableStream): DaemonLogReader {
  let partial = '';
  const pending: string[] = [];
  const lines: string[] = [];
  const onData = (chunk: Buffer | string) => {
    const text = partial + chunk.toString();
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      partial = text;
      return;
    }
    pending.push(...text.slice(0, cut).split('\n'));
    partial = text.slice(cut + 1);
  };
  stream.on('data', onData);
  const poll = () => {
    const fresh = pending.splice(0);
    lines.push(...fresh);
    return fresh;
  };
  return {
    poll,
    finish: async () => {
      stream.off('data', onData);
      return { lines: poll(), problem: null };
    },
    lines,
  };
}

/** The journal of `unit` from a second before the pull started to a second after it ended. */
function journalReader(unit: string, startedAt: number, exec: NonNullable<ReaderOptions['exec']>): DaemonLogReader {
  const lines: string[] = [];
  return {
    poll: () => [],
    finish: async () => {
      // journald stores a line a moment after the daemon writes it
      await new Promise((r) => setTimeout(r, 300));
      const args = journalctlArgs(unit, startedAt, Date.now());
      const r = await exec('journalctl', args);
      const problem = journalProblem(r, unit);
      const fresh = r.stdout.split('\n').filter((l) => l.length > 0);
      lines.push(...fresh);
      return { lines: fresh, problem: problem ?? (fresh.length === 0 ? `the journal has no line of ${unit} from the pull's time (rotated, or dropped by journald's rate limit)` : null) };
    },
    lines,
  };
}

/** The journalctl arguments for `unit` between two times (ms since the epoch), a second wider each side. */
export function journalctlArgs(unit: string, from: number, to: number): string[] {
  return ['-u', unit, '-o', 'json', '--no-pager', '-q', '--since', `@${Math.floor(from / 1000) - 1}`, '--until', `@${Math.ceil(to / 1000) + 1}`];
}

/** What journalctl's result says went wrong, or null. */
export function journalProblem(r: { exitCode: number | null; stderr: string; error: string | null }, unit: string): string | null {
  if (r.error) return `journalctl could not run: ${r.error}`;
  const err = r.stderr.trim();
  if (/insufficient permissions|permission denied/i.test(err)) return `journalctl cannot read the journal of ${unit} as this user (run as root or in the systemd-journal group): ${err.split('\n')[0]}`;
  if (r.exitCode !== 0) return `journalctl -u ${unit} failed (exit ${r.exitCode})${err ? `: ${err.split('\n')[0]}` : ''}`;
  if (/no journal files/i.test(err)) return `journalctl found no journal: ${err.split('\n')[0]}`;
  return null;
}
