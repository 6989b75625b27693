/**
 * The TLS settings of CRI's `registry.configs."<host>".tls` carried into the hosts.toml files that
 * replace `registry.mirrors` (legacy-mirrors): without them the converted mirror loses its CA,
 * client certificate or skip-verify (2.x ignores the table anyway: configs-tls-ignored). Pure.
 */
import type { LoadedConfigFile } from '../containerd/config-files.js';
import type { RegistryEndpoint } from '../containerd/configure-hosts.js';
import { criLegacyHosts } from '../containerd/cri-legacy-hosts.js';
import type { Derived } from './derived.js';
import { isTable } from '../containerd/go-value.js';
import { registryTables } from './registry-tables.js';

type Table = Record<string, unknown>;
const q = (s: string) => JSON.stringify(s);

/** Each host's configs.<host>.tls settings across CRI registry tables (a later one wins), with the key path where it was last set. */
export function tlsTablesOf(tables: ReadonlyArray<{ path: string[]; table: Table }>): Map<string, { path: string[]; settings: Table }> {
  const out = new Map<string, { path: string[]; settings: Table }>();
  for (const { path, table } of tables) {
    if (!isTable(table.configs)) continue;
    for (const [host, c] of Object.entries(table.configs)) {
      if (isTable(c) && isTable(c.tls)) out.set(host, { path: [...path, 'configs', host, 'tls'], settings: { ...(out.get(host)?.settings ?? {}), ...c.tls } });
    }
  }
  return out;
}

/** hosts.toml lines per host for those settings. */
export function tlsLinesOf(tables: ReadonlyArray<{ path: string[]; table: Table }>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [host, { settings: t }] of tlsTablesOf(tables)) {
    const lines: string[] = [];
    if (typeof t.ca_file === 'string' && t.ca_file !== '') lines.push(`ca = ${q(t.ca_file)}`);
    if (typeof t.cert_file === 'string' && t.cert_file !== '') lines.push(`client = [[${q(t.cert_file)}, ${q(typeof t.key_file === 'string' ? t.key_file : '')}]]`);
    if (t.insecure_skip_verify === true) lines.push('skip_verify = true');
    if (lines.length) out.set(host, lines);
  }
  return out;
}

/** hosts.toml lines per host, from every config file's configs.<host>.tls (a later file wins). */
export function legacyTlsLines(files: readonly LoadedConfigFile[]): Map<string, string[]> {
  return tlsLinesOf(registryTables(files));
}

/** A converted hosts.toml with each https host's TLS lines in its table (or beside `server`, for the server). */
export function withLegacyTls(text: string, tls: ReadonlyMap<string, string[]>): string {
  const lines = text.split('\n');
  for (const [host, add] of tls) {
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const h = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // https only: TLS settings on an http:// host make containerd try HTTPS first
    const table = at(new RegExp(`^\\[host\\."https://${h}(/[^"]*)?"\\]`));
    if (table >= 0) {
      // after the table's own lines that precede the next header
      lines.splice(table + 1, 0, ...add.map((l) => `  ${l}`));
      continue;
    }
    // an inline entry of [host] (1.x, an IPv6 host): the lines go inside its braces
    const entry = at(new RegExp(`^  "https://${h}(/[^"]*)?" = \\{ .* \\}$`));
    if (entry >= 0) {
      lines[entry] = `${lines[entry]!.slice(0, -2)}, ${add.join(', ')} }`;
      continue;
    }
    const server = at(new RegExp(`^server = "https://${h}(/[^"]*)?"`));
    if (server >= 0) lines.splice(server + 1, 0, ...add);
  }
  return lines.join('\n');
}

/**
 * The https mirrors CRI's legacy `registry.mirrors` asks for `registry` (the pulled reference's
 * registry) whose host has no tls table of its own: a tls table keyed by `registry` does not reach
 * them (containerd 1.x keys TLS by the host it connects to). Empty unless CRI pulls through
 * registry.mirrors.
 */
export function mirrorsWithoutOwnTls(d: Derived, registry: string, hasTls: (host: string) => boolean): RegistryEndpoint[] {
  const plan = d.plans.cri;
  if (plan.legacyMirrorsKey === undefined || plan.legacyMirrorsKey === null || plan.reference?.hostname !== registry) return [];
  return plan.endpoints.filter((e) => e.kind === 'legacy-mirror' && e.scheme === 'https' && e.host !== registry && !hasTls(e.host));
}

/**
 * Every request CRI's legacy registry.mirrors make to `host` is plain HTTP (its endpoints there are
 * http://, and pulls of `host` itself name it, so no https://host is added): a tls table keyed by
 * it changes nothing, on any version.
 */
export function reachedOnlyOverHttp(d: Derived, host: string): boolean {
  const mirrors = d.config.cri.mirrors;
  // the host lists CRI builds: for each registry with an entry (`*`: any other), and for pulls of `host` itself
  const registries = [...Object.keys(mirrors), host];
  const to = registries.flatMap((r) => criLegacyHosts(r, mirrors, d.profile).endpoints).filter((e) => e.host === host);
  return to.some((e) => e.kind === 'legacy-mirror') && to.every((e) => e.scheme === 'http');
}
