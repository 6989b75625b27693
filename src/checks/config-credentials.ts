/**
 * The hosts CRI has credentials for in config.toml (`registry.configs."<host>".auth`). containerd
 * hands a host's credentials only to that host (CRI's credentials callback is keyed by the request's
 * host), so credentials for docker.io never reach a mirror for it. Pure.
 */
import { dottedPath } from '../containerd/toml-scan.js';
import type { LoadedConfigFile } from '../containerd/config-files.js';
import { isTable } from '../containerd/go-value.js';
import { registryTables } from './registry-tables.js';
import { configPosition } from './config-locate.js';
import type { Derived } from './derived.js';
import type { Facts } from './facts.js';
import type { Evidence } from './finding.js';
import { fileEvidence } from './make.js';


/** Each host with an `auth` table, and the key path of that table as written. */
export function credentialHosts(files: readonly LoadedConfigFile[]): Array<{ host: string; path: string[] }> {
  const out: Array<{ host: string; path: string[] }> = [];
  for (const { path, table } of registryTables(files)) {
    if (!isTable(table.configs)) continue;
    for (const [host, c] of Object.entries(table.configs)) {
      if (isTable(c) && isTable(c.auth) && !out.some((o) => o.host === host)) out.push({ host, path: [...path, 'configs', host, 'auth'] });
    }
  }
  return out;
}

/** config.toml keys credentials by this host. */
export function hasCredentials(d: Derived, host: string): boolean {
  return credentialHosts(d.configFiles).some((h) => h.host === host);
}

/**
 * For a mirror that answered 401: the credentials config.toml keys by other hosts (the registry
 * the mirror stands in for, typically), which containerd does not send to the mirror; null when
 * it has none or has the mirror's own.
 */
export function credentialsElsewhere(facts: Facts, d: Derived, mirror: string): { detail: string; evidence: Evidence[]; fix: string } | null {
  const hosts = credentialHosts(d.configFiles);
  if (hosts.length === 0 || hosts.some((h) => h.host === mirror)) return null;
  const evidence = hosts.flatMap((h) => {
    const at = configPosition(d, h.path);
    return at ? [fileEvidence(facts.snapshot, at, `credentials for ${h.host} only`)] : [];
  });
  const first = hosts[0]!;
  const table = dottedPath(first.path.slice(0, -2));
  return {
    detail: `: config.toml has credentials for ${hosts.map((h) => h.host).join(', ')} (registry.configs."…".auth), and CRI gives credentials only to the host they are keyed by, so ${mirror} gets none`,
    evidence,
    fix: `key the same credentials by the mirror host too: [${table}.${JSON.stringify(mirror)}.auth] with the username and password of [${table}.${JSON.stringify(first.host)}.auth]`,
  };
}
