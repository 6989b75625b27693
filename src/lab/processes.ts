import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'node:net';

/** A process the lab started, identified by PID plus its start time (so a recycled PID is never killed). */
export interface LabProcess {
  name: string;
  pid: number;
  /** field 22 of /proc/<pid>/stat: start time in clock ticks since boot */
  startTicks: number;
  command: string[];
  log: string;
}

export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may contain spaces and parentheses: split after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** True when the PID still belongs to the process we started (and it is not a zombie). */
export function isAlive(p: Pick<LabProcess, 'pid' | 'startTicks'>): boolean {
  try {
    const stat = readFileSync(`/proc/${p.pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
  } catch {
    return false;
  }
  return processStartTicks(p.pid) === p.startTicks;
}

/**
 * Starts a long-running process detached from us (its own session), with stdout and stderr
 * appended to `log`. Returns once the process exists; readiness is the caller's to check.
 */
export function startDetached(
  name: string,
  command: string[],
  log: string,
  env: NodeJS.ProcessEnv = process.env,
): LabProcess {
  const [file, ...args] = command;
  if (!file) throw new Error(`empty command for ${name}`);
  const fd = openSync(log, 'a');
  try {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', fd, fd], env });
    if (child.pid === undefined) throw new Error(`could not start ${name} (${file})`);
    child.unref();
    const startTicks = processStartTicks(child.pid);
    if (startTicks === undefined) throw new Error(`${name} (${file}) exited at once; see ${log}`);
    return { name, pid: child.pid, startTicks, command, log };
  } finally {
    closeSync(fd);
  }
}

/** Stops a lab process by PID: SIGTERM, then SIGKILL after `graceMs`. Never signals a recycled PID. */
export async function stopProcess(p: LabProcess, graceMs = 5000): Promise<void> {
  if (!isAlive(p)) return;
  try {
    process.kill(p.pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(p)) return;
    await sleep(50);
  }
  try {
    process.kill(p.pid, 'SIGKILL');
  } catch {
    return;
  }
  for (let i = 0; i < 100 && isAlive(p); i++) await sleep(20);
}

/** Waits until `ready()` resolves true, failing early when the process dies. */
export async function waitUntil(
  what: string,
  p: LabProcess,
  ready: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    if (!isAlive(p)) throw new Error(`${what} exited during start-up; last lines of ${p.log}:\n${tail(p.log, 15)}`);
    await sleep(100);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms; last lines of ${p.log}:\n${tail(p.log, 15)}`);
}

export function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** True once a TCP connect to the port on 127.0.0.1 completes. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.on('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('error', () => resolve(false));
  });
}
