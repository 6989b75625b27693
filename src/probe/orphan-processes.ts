/**
 * ctr processes of runs that are gone. Every ctr a trace starts carries OWNER_ENV (its owner's
 * pid and start time): a ctr whose owner is gone is an orphan — normally its watchdog has killed
 * it already (ctr-runner.ts); this finds the ones that outlived it. Reads /proc/PID/environ, which
 * only root (or the same user) can read.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { OWNER_ENV, ownerFromEnv, ownerState, processStart, type OwnerState, type RunOwner } from './run-owner.js';

export interface OrphanProcess {
  pid: number;
  comm: string;
  /** its own start, so that a pid reused between the scan and the kill is never signalled */
  start: string;
  owner: RunOwner;
  state: OwnerState;
}

const MARK = Buffer.from(`\0${OWNER_ENV}=`);

export function findOwnedProcesses(me: RunOwner): OrphanProcess[] {
  const out: OrphanProcess[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const p of pids) {
    const pid = Number(p);
    if (pid === me.pid) continue;
    let environ: Buffer;
    try {
      environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${p}/environ`)]);
    } catch {
      continue;
    }
    const at = environ.indexOf(MARK);
    if (at < 0) continue;
    const end = environ.indexOf(0, at + 1);
    const owner = ownerFromEnv(environ.toString('utf8', at + MARK.length, end < 0 ? environ.length : end));
    const start = processStart(pid);
    if (!owner || start === null) continue;
    let comm = '?';
    try {
      comm = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
    } catch {
      // gone meanwhile
    }
    out.push({ pid, comm, start, owner, state: ownerState(owner, me) });
  }
  return out;
}

/** Whether the process is gone (or a zombie: it holds nothing any more). */
function exited(pid: number, start: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return processStart(pid) !== start || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** SIGKILLs the processes (each only if it is still the same process) and waits up to 2 s for them to exit. */
export async function killProcesses(procs: OrphanProcess[]): Promise<Array<{ p: OrphanProcess; error: string | null }>> {
  const results = procs.map((p) => {
    if (processStart(p.pid) !== p.start) return { p, error: null };
    try {
      process.kill(p.pid, 'SIGKILL');
      return { p, error: null };
    } catch (e) {
      return { p, error: (e as NodeJS.ErrnoException).code === 'ESRCH' ? null : (e as Error).message };
    }
  });
  for (let i = 0; i < 40 && procs.some((p) => !exited(p.pid, p.start)); i++) await new Promise((r) => setTimeout(r, 50));
  return results.map((r) => (r.error === null && !exited(r.p.pid, r.p.start) ? { ...r, error: 'still running 2 s after SIGKILL' } : r));
}
