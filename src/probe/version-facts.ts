/**
 * The containerd versions gathering knows: the local binaries' `--version` (live node, or a ctr
 * given while online), and the version the emulation follows (option, server, binary, else assumed).
 */
import { execa } from 'execa';
import { BugError } from '../errors.js';
import type { Facts, Known } from '../checks/facts.js';
import { ASSUMED_VERSION, resolveProfile, type BehaviourProfile } from '../containerd/version.js';
import type { DaemonProcess } from './daemon-process.js';
import { known, unknown } from './fact-values.js';

export interface ExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** spawn failure or timeout, as text */
  error: string | null;
}

export type Exec = (file: string, args: string[], timeoutMs: number) => Promise<ExecResult>;

export const defaultExec: Exec = async (file, args, timeoutMs) => {
  try {
    const r = await execa(file, args, { reject: false, timeout: timeoutMs, stdin: 'ignore', windowsHide: true });
    const failed = r.failed && (r.exitCode === undefined || r.timedOut);
    const notFound = (r as { code?: string }).code === 'ENOENT' || /\bENOENT\b/.test(r.shortMessage ?? '');
    const error = notFound ? `${file}: command not found` : failed ? (r.shortMessage ?? 'failed').split('\n')[0]! : null;
    return { exitCode: r.exitCode ?? null, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), error };
  } catch (e) {
    return { exitCode: null, stdout: '', stderr: '', error: (e as Error).message };
  }
};

/** The version token of a `containerd --version` / `ctr --version` line. */
export function versionToken(line: string): string | null {
  const m = /(?:^|\s)v?(\d+\.\d+\.\d+[^\s]*)/.exec(line);
  return m ? m[1]! : null;
}

export interface BinaryVersionsInput {
  exec: Exec;
  live: boolean;
  offline: boolean;
  root: string;
  /** the ctr to ask (--ctr, else `ctr`) */
  ctr: string;
  /** whether --ctr was given */
  ctrGiven: boolean;
  proc: DaemonProcess | null;
}

/** `containerd --version` and `ctr --version`, where their answer describes the node checked. */
export async function gatherBinaryVersions(i: BinaryVersionsInput): Promise<{ binary: Known<string>; ctr: Known<string> }> {
  const { exec, live, offline, root, ctr, proc } = i;
  /** `BIN --version`: its first line's version token, or why it could not be run */
  const askVersion = async (bin: string): Promise<Known<string>> => {
    const r = await exec(bin, ['--version'], 5000);
    const line = r.stdout.trim().split('\n')[0] ?? '';
    return r.exitCode === 0 && line ? known(versionToken(line) ?? line, `${bin} --version`) : unknown(r.error ?? (r.stderr.trim() || `exit code ${r.exitCode}`), `${bin} --version`);
  };
  const notThisNode = `with --root ${root} the binaries of this machine do not describe that node`;
  // the daemon's own binary first; one this user cannot run (not root: under /root, a private
  // folder) falls back to the containerd on PATH, which the source then names
  let binary: Known<string> = live ? await askVersion(proc?.argv[0]?.startsWith('/') ? proc.argv[0] : 'containerd') : unknown(notThisNode, 'containerd --version');
  if (live && binary.value === null && proc?.argv[0]?.startsWith('/')) {
    const onPath = await askVersion('containerd');
    binary = onPath.value !== null ? onPath : binary;
  }
  // with --root, only a ctr given with --ctr while online (a pod of the fleet manifest): that ctr makes the pulls
  const ctrVersion: Known<string> = live || (i.ctrGiven && !offline) ? await askVersion(ctr) : unknown(notThisNode, `${ctr} --version`);
  return { binary, ctr: ctrVersion };
}

/** The containerd version the emulation uses, and its behaviour profile; a version that does not parse is noted and assumed. */
export function emulatedVersion(
  option: string | undefined,
  server: Known<string>,
  binary: Known<string>,
  notes: string[],
): { containerdVersion: Facts['containerdVersion']; profile: BehaviourProfile } {
  let containerdVersion: Facts['containerdVersion'];
  if (option !== undefined) containerdVersion = { value: option, source: 'option' };
  else if (server.value !== null) containerdVersion = { value: server.value, source: 'server' };
  else if (binary.value !== null) containerdVersion = { value: binary.value, source: 'binary' };
  else {
    containerdVersion = { value: ASSUMED_VERSION, source: 'assumed' };
    const why = [server, binary].map((k) => (k.value === null ? `${k.unknown.source}: ${k.unknown.error}` : null)).filter(Boolean);
    notes.push(`containerd version unknown (${why.join('; ')}): the emulation assumes ${ASSUMED_VERSION}; pass --containerd-version X.Y.Z (what \`containerd --version\` prints as root) to emulate the daemon's own version`);
  }
  let profile: BehaviourProfile;
  const prof = resolveProfile(containerdVersion.value, 'option');
  if (prof.ok) {
    profile = prof.profile;
    // how a distribution's or a development build's string maps to the upstream version the emulation follows
    const mapping = profile.version.buildNote;
    if (mapping) notes.push(`containerd ${mapping}`);
  } else {
    notes.push(`cannot read the containerd version ${JSON.stringify(containerdVersion.value)} (${containerdVersion.source}); assuming ${ASSUMED_VERSION}`);
    containerdVersion = { value: ASSUMED_VERSION, source: 'assumed' };
    const p = resolveProfile(ASSUMED_VERSION, 'option');
    if (!p.ok) throw new BugError(`the assumed containerd version ${ASSUMED_VERSION} does not parse`);
    profile = p.profile;
  }
  return { containerdVersion, profile };
}
