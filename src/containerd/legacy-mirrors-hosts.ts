/**
 * The hosts.toml files that make containerd ask the same hosts, in the same order, with the same
 * URLs as CRI's legacy `registry.mirrors` (cri-legacy-hosts.ts), and what no file can reproduce on a
 * given version. Each endpoint keeps the scheme CRI derives, its path as written (`override_path`),
 * and pull+resolve only (a hosts.toml entry without `capabilities` also gets push); the last host of
 * the legacy list becomes `server`, which hosts.toml always tries last.
 */
import { configureHosts, type RegistryEndpoint } from './configure-hosts.js';
import { criLegacyHosts } from './cri-legacy-hosts.js';
import { goPathClean, goUrlParse, isLocalhost } from './go-url.js';
import { hostDirectoryName } from './host-dirs.js';
import { emptySnapshot } from './node-snapshot.js';
import type { BehaviourProfile } from './version.js';

export interface ConvertedHostsFile {
  /** The registry host the folder is for, or `*` for `_default`. */
  registry: string;
  /** Folder name under the hosts root. */
  folder: string;
  text: string;
}

/** Pulls whose hosts the files cannot reproduce on this version, and why. */
export interface ConversionLimit {
  message: string;
  /** Registries concerned (each has its own folder, or would have had one). */
  registries: string[];
  /** Also concerned: every registry without its own folder, or only the loopback ones among them that {@link implicitUpstreamDiffers}. */
  withoutFolder?: 'all' | 'loopback';
}

export interface LegacyConversion {
  files: ConvertedHostsFile[];
  limits: ConversionLimit[];
}

const q = (s: string) => JSON.stringify(s);
const CAPS = 'capabilities = ["pull", "resolve"]';
const HOST_TABLE_NOTE = '[host]   # containerd 1.x before 1.7.32 rejects a hosts.toml without a [host] table';

/** The host an endpoint names, as CRI parses it ('' when it is not a URL). */
function endpointHost(endpoint: string): string {
  const u = goUrlParse(endpoint.includes('://') ? endpoint : `dummy://${endpoint}`);
  return u.ok ? u.url.host : '';
}

/** A `registry.mirrors` key CRI can match: a reference host (no scheme, path or spaces). */
function isRegistryKey(key: string): boolean {
  return key !== '' && !/[/\s]/.test(key);
}

/** The lines that make one legacy host a hosts.toml entry with the same scheme, host, path and capabilities. */
function entryLines(ep: RegistryEndpoint, profile: BehaviourProfile): { url: string; lines: string[]; problem?: string } {
  const u = goUrlParse(ep.written);
  const path = u.ok ? u.url.path : '';
  const lines = [CAPS];
  let problem: string | undefined;
  // CRI uses a written path as is (a trailing slash included); hosts.toml appends /v2 to a path unless override_path
  if (!ep.usable) problem = `${ep.written} cannot be reached (${ep.problem}): remove it`;
  else if (path !== '') {
    if (profile.overridePath) lines.push('override_path = true');
    else if (!goPathClean(path).endsWith('/v2')) problem = `${ep.written}: CRI uses the path ${path} as written, but ${profile.label} has no override_path (1.6.0+) and appends /v2 to it`;
  }
  return { url: ep.written, lines, ...(problem ? { problem } : {}) };
}

/** One folder's hosts.toml: `hosts` as `[host]` tables in order, then `server` (absent for `_default`). */
function fileText(hosts: RegistryEndpoint[], server: RegistryEndpoint | null, profile: BehaviourProfile): { text: string; problems: string[]; dropped: string[] } {
  const problems: string[] = [];
  const dropped: string[] = [];
  const top: string[] = [];
  if (server) {
    const e = entryLines(server, profile);
    top.push(`server = ${q(e.url)}`, ...e.lines);
    if (e.problem) problems.push(e.problem);
  }
  const inline: string[] = [];
  const tables: string[] = [];
  const seen = new Set<string>();
  // go-toml v1 cannot read a `[` in a table header: on 1.x an IPv6 host is an inline entry of
  // [host], which 1.x tries before every header table (and inline ones in random order)
  const v1 = profile.hostsParser === 'go-toml-v1';
  const ipv6 = hosts.filter((h) => v1 && h.written.includes('['));
  if (ipv6.length > 1 || (ipv6.length === 1 && ipv6[0] !== hosts[0])) {
    problems.push(`${ipv6.map((h) => h.written).join(', ')}: ${profile.label} reads an IPv6 host only as an inline [host] entry, and tries inline entries first (in random order among themselves), so the order of the old list cannot be kept; name ${ipv6.length === 1 ? 'it' : 'them'} by DNS names`);
  }
  for (const h of hosts) {
    // TOML allows one table per key: a host listed twice is asked once
    if (seen.has(h.written)) {
      dropped.push(h.written);
      continue;
    }
    seen.add(h.written);
    const e = entryLines(h, profile);
    if (e.problem) problems.push(e.problem);
    if (ipv6.includes(h)) inline.push(`  ${q(e.url)} = { ${e.lines.join(', ')} }`);
    else tables.push(`[host.${q(e.url)}]`, ...e.lines.map((l) => `  ${l}`), '');
  }
  if (inline.length) tables.unshift('[host]   # inline: containerd 1.x cannot read an IPv6 address in a [host."…"] header; 2.x ignores inline entries, so write a header after upgrading', ...inline, '');
  if (tables.length === 0) tables.push(HOST_TABLE_NOTE, '');
  const text = [...(top.length ? [...top, ''] : []), ...tables].join('\n');
  return { text, problems, dropped };
}

function describe(ep: RegistryEndpoint): string {
  return ep.httpFallback ? `HTTPS first, then plain HTTP on a TLS or connection error` : ep.scheme === 'http' ? 'plain HTTP' : 'HTTPS only';
}

/**
 * True when a loopback registry without a folder is asked differently through hosts.toml (the
 * implicit upstream's localhost rules) than by CRI's legacy path (plain http, never HTTPS).
 */
export function implicitUpstreamDiffers(registry: string, profile: BehaviourProfile): boolean {
  if (!isLocalhost(registry)) return false;
  const viaHosts = configureHosts(registry, null, emptySnapshot(), profile).endpoints[0];
  const legacy = criLegacyHosts(registry, {}, profile).endpoints[0];
  if (!viaHosts || !legacy) return false;
  return viaHosts.scheme !== legacy.scheme || viaHosts.httpFallback !== legacy.httpFallback;
}

const LOOPBACK_SAMPLES = ['localhost:5000', '127.0.0.1:5000', 'localhost', 'localhost:80', 'localhost:443'];

/**
 * @param mirrors `registry.mirrors` as config.toml sets them (key → endpoint list as written)
 */
export function convertLegacyMirrors(mirrors: Record<string, string[]>, profile: BehaviourProfile): LegacyConversion {
  const files: ConvertedHostsFile[] = [];
  const limits: ConversionLimit[] = [];
  const keys = Object.keys(mirrors).filter((k) => k !== '*' && isRegistryKey(k));

  /** The file for one registry: the whole legacy list, its last host as `server`. */
  const registryFile = (registry: string, source: Record<string, string[]>, via: string) => {
    const legacy = criLegacyHosts(registry, source, profile);
    if (legacy.error !== undefined) {
      limits.push({ registries: [registry], message: `registry.mirrors.${q(via)} holds an endpoint that is not a URL (${legacy.error}): CRI fails every pull of ${registry}; no hosts.toml reproduces that — correct the endpoint, then convert` });
      return;
    }
    const eps = legacy.endpoints;
    const f = fileText(eps.slice(0, -1), eps[eps.length - 1]!, profile);
    files.push({ registry, folder: hostDirectoryName(registry), text: f.text });
    for (const p of f.problems) limits.push({ registries: [registry], message: p });
    if (f.dropped.length) limits.push({ registries: [registry], message: `registry.mirrors.${q(via)} lists ${f.dropped.join(', ')} more than once; CRI asks it again, a hosts.toml names a host once (the repeat only retries a host that already failed)` });
  };

  for (const key of keys) registryFile(key, { [key]: mirrors[key]! }, key);
  for (const key of Object.keys(mirrors)) {
    if (key !== '*' && !isRegistryKey(key)) {
      limits.push({ registries: [], message: `registry.mirrors.${q(key)} is not a registry host (no scheme or path belongs in the key): CRI never uses it, so it gets no folder` });
    }
  }

  const star = mirrors['*'];
  if (star !== undefined) {
    // the "*" list as CRI uses it for a registry no endpoint names (`.invalid` is never a real host); the appended registry is left out
    const legacy = criLegacyHosts('registry.invalid', { '*': star }, profile);
    if (legacy.error !== undefined) {
      limits.push({ registries: [], withoutFolder: 'all', message: `registry.mirrors."*" holds an endpoint that is not a URL (${legacy.error}): CRI fails every pull of a registry without its own entry; no hosts.toml reproduces that — correct the endpoint, then convert` });
    } else {
      const eps = legacy.endpoints.filter((e) => e.kind === 'legacy-mirror');
      // A registry that a "*" endpoint names gets no append in CRI, while _default always appends it: give it its own folder.
      const named = [...new Set(eps.map((e) => e.host))].filter((h) => h !== '' && !keys.includes(h));
      for (const h of named) registryFile(h, { '*': star }, '*');
      if (eps.length > 0) {
        const f = fileText(eps, null, profile);
        if (!profile.defaultHostDir) {
          limits.push({ registries: [], withoutFolder: 'all', message: `${profile.label} does not read a _default folder (1.6.17+, 1.7.0+), so registry.mirrors."*" has no hosts.toml equivalent: a registry without its own folder is pulled from directly; give each registry you pull from a folder like the ones below` });
        } else {
          files.push({ registry: '*', folder: '_default', text: f.text });
          for (const p of f.problems) limits.push({ registries: named, withoutFolder: 'all', message: p });
          if (f.dropped.length) limits.push({ registries: named, withoutFolder: 'all', message: `registry.mirrors."*" lists ${f.dropped.join(', ')} more than once; CRI asks it again, a hosts.toml names a host once (the repeat only retries a host that already failed)` });
        }
      }
    }
  }

  // Without a folder of its own, a registry is asked through hosts.toml's implicit upstream, whose localhost rules CRI's legacy path does not
  // have: a loopback registry the config names as an endpoint gets a folder that keeps plain http, as the ones you pull from directly should.
  const looped = [...new Set(Object.values(mirrors).flat().map(endpointHost))].filter(
    (h) => h !== '' && !files.some((f) => f.registry === h) && implicitUpstreamDiffers(h, profile),
  );
  for (const h of looped) registryFile(h, star !== undefined ? { '*': star } : {}, '*');
  const differing = LOOPBACK_SAMPLES.filter((h) => implicitUpstreamDiffers(h, profile));
  if (differing.length > 0) {
    const byWay = new Map<string, string[]>();
    for (const h of differing) {
      const way = describe(configureHosts(h, null, emptySnapshot(), profile).endpoints[0]!);
      byWay.set(way, [...(byWay.get(way) ?? []), h]);
    }
    const ways = [...byWay].map(([way, hs]) => `${hs.join(', ')} with ${way}`).join('; ');
    const sample = differing[0]!;
    limits.push({
      registries: [],
      withoutFolder: 'loopback',
      message: `a loopback registry without its own folder is asked by ${profile.label} through hosts.toml as the registry itself (${ways}), where the old config asked plain HTTP only; give each one you pull from its own folder like ${hostDirectoryName(sample)}/hosts.toml: ${star !== undefined && profile.defaultHostDir ? "_default's hosts.toml plus " : ''}server = ${q(`http://${sample}`)} and ${CAPS}${profile.requiresHostTable ? ' (and a [host] table)' : ''}`,
    });
  }
  // one message per problem, naming every registry it concerns
  const merged = new Map<string, ConversionLimit>();
  for (const l of limits) {
    const m = merged.get(l.message);
    if (!m) merged.set(l.message, { ...l, registries: [...l.registries] });
    else {
      m.registries = [...new Set([...m.registries, ...l.registries])];
      if (l.withoutFolder === 'all' || (l.withoutFolder && !m.withoutFolder)) m.withoutFolder = l.withoutFolder;
    }
  }
  return { files, limits: [...merged.values()] };
}

/** True when `limit` names pulls of `registry` (a reference host) after the conversion. */
export function limitCovers(conversion: LegacyConversion, limit: ConversionLimit, registry: string, profile: BehaviourProfile): boolean {
  if (limit.registries.includes(registry)) return true;
  const ownFolder = conversion.files.some((f) => f.registry === registry);
  if (ownFolder || limit.withoutFolder === undefined) return false;
  return limit.withoutFolder === 'all' || implicitUpstreamDiffers(registry, profile);
}
