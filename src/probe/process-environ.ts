/**
 * What /proc says about a running process beyond its command line: the proxy variables of its
 * environment (root only: /proc/<pid>/environ is private) and the systemd unit it runs in (from
 * its cgroup). Never throws; null when unreadable.
 */
import { readFileSync } from 'node:fs';
import { PROXY_VAR } from './systemd-unit.js';

/** HTTP(S)_PROXY / NO_PROXY in any case from /proc/<pid>/environ; null when unreadable. */
export function readProcessProxyEnv(pid: number, procDir = '/proc'): { env: Record<string, string> | null; error: string | null } {
  let raw: string;
  try {
    raw = readFileSync(`${procDir}/${pid}/environ`, 'latin1');
  } catch (e) {
    return { env: null, error: `${procDir}/${pid}/environ: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  const env: Record<string, string> = {};
  for (const entry of raw.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const k = entry.slice(0, eq);
    if (PROXY_VAR.test(k)) env[k] = entry.slice(eq + 1);
  }
  return { env, error: null };
}

/** The systemd unit of a process from /proc/<pid>/cgroup (`…/system.slice/containerd.service`). */
export function readProcessUnit(pid: number, procDir = '/proc'): string | null {
  try {
    const text = readFileSync(`${procDir}/${pid}/cgroup`, 'utf8');
    for (const line of text.split('\n')) {
      const path = line.slice(line.lastIndexOf(':') + 1);
      const unit = path.split('/').reverse().find((s) => /\.service$/.test(s));
      if (unit) return unit;
    }
  } catch {
    /* not visible */
  }
  return null;
}
