/**
 * What /proc says about a running process beyond its command line: the proxy variables of its
 * environment (root only: /proc/<pid>/environ is private) and the systemd unit it runs in (from
 * its cgroup). Never throws; null when unreadable.
 */
import { readFileSync } from 'node:fs';
import { redactProxyValue } from '../report/redact.js';
import { PROXY_VAR } from './systemd-unit.js';

/**
 * HTTP(S)_PROXY / NO_PROXY in any case from /proc/<pid>/environ; null when unreadable. A proxy's
 * credentials (userinfo, with a scheme or without) never leave this function.
 */
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
    if (PROXY_VAR.test(k)) env[k] = redactProxyValue(entry.slice(eq + 1));
  }
  return { env, error: null };
}

/** The systemd unit of a process from /proc/<pid>/cgroup (`…/system.slice/containerd.service`), or null. */
export function readProcessUnit(pid: number, procDir = '/proc'): string | null {
  try {
    return unitFromCgroup(readFileSync(`${procDir}/${pid}/cgroup`, 'utf8'));
  } catch {
    return null;
  }
}

/** The systemd unit in /proc/<pid>/cgroup text (v2 `0::/…`, or v1 `N:name=systemd:/…`): its innermost .service. */
export function unitFromCgroup(text: string): string | null {
  let v2: string | null = null;
  let v1: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === '0' && m[2] === '') v2 = m[3] as string;
    else if ((m[2] as string).split(',').includes('name=systemd')) v1 = m[3] as string;
  }
  for (const path of [v2, v1]) {
    const unit = path?.split('/').filter((p) => p.endsWith('.service')).at(-1);
    if (unit) return unit;
  }
  return null;
}
