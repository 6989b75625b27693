/**
 * The two ways a command fails, and what the CLI prints and exits with for each: a UsageError is
 * something the user can act on (bad option or input, a missing file): one line, an optional hint,
 * exit 2; so is a failed system call (permission denied, no space left: the machine's doing).
 * Anything else is a bug in mirror-doctor: its message and one line asking for a report, exit 70,
 * the stack trace only with MIRROR_DOCTOR_DEBUG=1.
 */

/** Set (to anything) to print the stack trace of a bug. */
export const DEBUG_ENV = 'MIRROR_DOCTOR_DEBUG';

/** The exit codes every command shares (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  /** problems found: an error finding, a failed pull, a node without a report */
  problems: 1,
  /** mirror-doctor could not run: a bad option or input, an unreadable file (a UsageError) */
  usage: 2,
  /** a bug in mirror-doctor (EX_SOFTWARE of BSD's sysexits.h, "internal software error") */
  bug: 70,
  /** stopped by Ctrl-C (SIGINT) before an answer: 128 + 2, what a shell reports for a process the signal ended */
  interrupted: 130,
  /** stopped by SIGTERM: 128 + 15 */
  terminated: 143,
} as const;

/** The exit code of a command a signal stopped (after it cleaned up). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
}

/**
 * The exit-code table every command's --help ends with (the README's "Exit codes" says the same).
 * `problems` says what code 1 means for the command; null when the command never finds problems.
 */
export function exitCodesHelp(problems: string | null, never1 = 'this command judges nothing'): string {
  return [
    'Exit codes (the same for every command):',
    '  0         done, nothing wrong',
    `  1         ${problems === null ? `not used (${never1})` : `problems found: ${problems}`}`,
    '  2         could not run: a bad option or input, an unreadable file, permission denied (one line on stderr says why)',
    `  70        a bug in mirror-doctor: please report it (${DEBUG_ENV}=1 adds the stack trace)`,
    '  130, 143  interrupted by Ctrl-C (SIGINT) or SIGTERM, after cleaning up: no answer',
    '',
  ].join('\n');
}


/**
 * An error the user can act on (bad input, missing file, wrong option): printed as one clear
 * line, with an optional hint (what to do instead), exit code 2, never a stack trace.
 */
export class UsageError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Something that cannot happen did: a bug in mirror-doctor, never a problem of the user's setup.
 * Any error that is not a UsageError is treated the same way; this one says so where it is thrown.
 */
export class BugError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BugError';
  }
}

/** `mirror-doctor: <message>` and the indented hint, each on its own line. */
export function usageErrorText(e: UsageError): string {
  return `mirror-doctor: ${e.message}\n${e.hint ? `  ${e.hint}\n` : ''}`;
}

/** Node's error for a failed system call (EACCES, ENOSPC, EROFS, …): it names the call and the code. */
function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException | null;
  return e instanceof Error && typeof e.code === 'string' && typeof e.syscall === 'string';
}

/** Plain words for the errno codes a file the user named fails with. */
const FILE_ERROR_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'it already exists',
  ELOOP: 'it is a symbolic link',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EINVAL: 'invalid argument (not an ordinary file?)',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EBUSY: 'device or resource busy',
  ETXTBSY: 'text file busy',
  ENXIO: 'no such device or address',
};

/** Why a file operation failed, e.g. "permission denied (EACCES)"; the message for an error without a code. */
export function fileErrorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string') return FILE_ERROR_WORDS[code] ? `${FILE_ERROR_WORDS[code]} (${code})` : code;
  return err instanceof Error ? err.message : String(err);
}

/** The exit code an error ends a command with: 2 for what the user or the machine can act on, else 70 (a bug). */
export function errorExitCode(err: unknown): number {
  return err instanceof UsageError || isSystemError(err) ? EXIT.usage : EXIT.bug;
}

/** What the CLI prints on stderr for an error that ended a command, and the exit code. */
export function failure(err: unknown, o: { version: string; debug: boolean }): { exitCode: number; text: string } {
  if (err instanceof UsageError) return { exitCode: EXIT.usage, text: usageErrorText(err) };
  if (isSystemError(err)) return { exitCode: EXIT.usage, text: `mirror-doctor: ${err.message}\n` };
  const message = err instanceof Error ? err.message : String(err);
  const how = o.debug ? '' : ` (${DEBUG_ENV}=1 adds the stack trace)`;
  let text =
    `mirror-doctor: internal error: ${message}\n` +
    `  This is a bug in mirror-doctor ${o.version}, not a problem of your setup: please report it with the command line you ran and this output${how}.\n`;
  if (o.debug && err instanceof Error && err.stack) text += `${err.stack}\n`;
  return { exitCode: EXIT.bug, text };
}
