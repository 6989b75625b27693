/**
 * Keys of CRI's registry tables that containerd does not know (v2.1.9 internal/cri/config/config.go
 * Registry, Mirror, RegistryConfig, AuthConfig; 1.x TLSConfig): 1.x drops them without a word, 2.x
 * logs "Ignoring unknown key" at start. `mirror` for `mirrors` or `endpoints` for `endpoint` leaves
 * the registry with no mirror at all. config_path lookalikes are config-path-unset's; 2.x's
 * `configs.*.tls` is configs-tls-ignored's.
 */
import { dottedPath } from '../containerd/toml-scan.js';
import { isTable } from '../containerd/go-value.js';
import { configPosition } from './config-locate.js';
import type { Derived } from './derived.js';
import { editDistance } from './edit-distance.js';
import type { Finding } from './finding.js';
import type { Check } from './types.js';
import { fileEvidence, finding, restartCommand } from './make.js';
import { REGISTRY_KEYS, registryTables } from './registry-tables.js';

const AUTH = ['username', 'password', 'auth', 'identitytoken'];
const TLS = ['insecure_skip_verify', 'ca_file', 'cert_file', 'key_file'];

interface Unknown {
  /** the key path in its file, from `plugins` */
  path: string[];
  /** the known key it looks like */
  like: string | null;
  /** the mirror endpoints of `registry` are lost with it */
  losesMirrorsOf?: string;
}

const norm = (k: string) => k.toLowerCase().replace(/[-_\s]/g, '');
function lookalike(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const k of known) {
    // `user` for `username`, `pass` for `password`
    const dist = norm(key).length >= 3 && norm(k).startsWith(norm(key)) ? 1 : editDistance(norm(key), norm(k));
    if (dist < bestD) [best, bestD] = [k, dist];
  }
  return best;
}

/** Unknown keys of one table whose known keys are `known`. */
function unknownIn(table: Record<string, unknown>, path: string[], known: readonly string[]): Unknown[] {
  return Object.keys(table)
    .filter((k) => !known.includes(k))
    .map((k) => ({ path: [...path, k], like: lookalike(k, known) }));
}

/** Registry keys younger than 1.3: the release that added each (vendored containerd/cri pkg/config/config.go at v1.3.0, v1.4.0; pkg/cri/config/config.go at v1.5.0). */
const ADDED_IN: Readonly<Record<string, readonly [number, number]>> = { configs: [1, 3], headers: [1, 4], config_path: [1, 5] };

/** The release that added `key`, when this containerd is older; else null. */
function addedLater(d: Derived, key: string): string | null {
  const at = ADDED_IN[key];
  const v = d.profile.version;
  return at && v.major === at[0] && v.minor < at[1] ? `${at[0]}.${at[1]}` : null;
}

function unknownKeys(d: Derived): Unknown[] {
  const out: Unknown[] = [];
  const v2 = d.profile.version.major >= 2;
  const known = REGISTRY_KEYS.filter((k) => addedLater(d, k) === null);
  for (const { path, table } of registryTables(d.configFiles)) {
    for (const u of unknownIn(table, path, known)) {
      // config_path lookalikes: config-path-unset
      if (u.like === 'config_path') continue;
      const key = u.path.at(-1)!;
      const value = table[key];
      // `mirror."docker.io".endpoint` would have been a mirror list
      if (u.like === 'mirrors' && isTable(value)) out.push(...Object.keys(value).map((host) => ({ ...u, losesMirrorsOf: host })));
      else out.push(u);
    }
    const mirrors = table.mirrors;
    if (isTable(mirrors)) {
      for (const [host, m] of Object.entries(mirrors)) {
        if (isTable(m)) out.push(...unknownIn(m, [...path, 'mirrors', host], ['endpoint']).map((u) => ({ ...u, ...(u.like === 'endpoint' ? { losesMirrorsOf: host } : {}) })));
      }
    }
    for (const [name, known] of [['configs', ['auth', 'tls']], ['auths', AUTH]] as const) {
      const t = table[name];
      if (!isTable(t) || addedLater(d, name)) continue;
      for (const [host, c] of Object.entries(t)) {
        if (!isTable(c)) continue;
        const p = [...path, name, host];
        if (name === 'auths') {
          out.push(...unknownIn(c, p, AUTH));
          continue;
        }
        // tls is 1.x's; on 2.x configs-tls-ignored says it is dropped
        out.push(...unknownIn(c, p, known));
        if (isTable(c.auth)) out.push(...unknownIn(c.auth, [...p, 'auth'], AUTH));
        if (!v2 && isTable(c.tls)) out.push(...unknownIn(c.tls, [...p, 'tls'], TLS));
      }
    }
  }
  return out;
}

/** `registry.mirrors."docker.io".endpoints` from `plugins.<id>.registry.…` */
function keyName(path: string[]): string {
  return dottedPath(path.slice(2));
}

/**
 * Credentials written one level off: `configs.auths."https://host"` (registry.auths nested under
 * configs: containerd#4862) or `configs."host".username` without `.auth`. Removing them would lose
 * the credentials: they move to `configs."<host>".auth`. The host, or null when it is not that.
 */
function misplacedCredentialsHost(d: Derived, path: string[]): string | null {
  const i = path.lastIndexOf('configs');
  if (i < 0) return null;
  const rest = path.slice(i + 1);
  const value = d.configFiles.map((f) => path.reduce<unknown>((t, k) => (isTable(t) ? t[k] : undefined), f.data)).find((v) => v !== undefined);
  const bare = (k: string) => k.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0]!;
  if (rest.length === 2 && isTable(value) && Object.keys(value).some((k) => AUTH.includes(k))) return bare(rest[1]!);
  if (rest.length === 2 && AUTH.includes(rest[1]!)) return bare(rest[0]!);
  return null;
}

export const registryKeyUnknown: Check = {
  id: 'registry-key-unknown',
  run(facts, d) {
    if (d.config.unreadable || d.config.startupError) return [];
    const ref = d.registryHost;
    const out: Finding[] = [];
    for (const u of unknownKeys(d)) {
      const at = configPosition(d, u.path, true) ?? configPosition(d, u.path);
      const name = keyName(u.path);
      const key = u.path.at(-1)!;
      const since = u.path.length === 4 ? addedLater(d, key) : null;
      const credentialsFor = misplacedCredentialsHost(d, u.path);
      const table = dottedPath(u.path.slice(0, u.path.lastIndexOf('configs') + 1));
      // the reference's registry (or every registry, "*") loses its mirrors: what CRI does then is certain
      const lost = u.losesMirrorsOf !== undefined && (u.losesMirrorsOf === ref || u.losesMirrorsOf === '*');
      const evidence = at ? [fileEvidence(facts.snapshot, at, 'containerd does not know this key')] : [];
      // 2.x decodes plugin tables strictly and logs each unknown key at start (recorded with 2.1.9)
      if (d.profile.version.major >= 2) {
        evidence.push({ kind: 'log', source: 'containerd (expected log line)', text: `level=warning msg="Ignoring unknown key in TOML for plugin" error="strict mode: fields in the document are missing in the target struct" key="${u.path.slice(2).join(' ')}" plugin=${u.path[1]}` });
      }
      out.push(
        finding('registry-key-unknown', {
          severity: lost ? 'error' : 'warning',
          title: `${name} is not a key ${since ? d.profile.label : 'containerd'} knows: it is ignored`,
          detail:
            `${d.profile.label} ${d.profile.version.major >= 2 ? 'ignores it and logs "Ignoring unknown key" at start' : 'ignores it without a word'}${since ? `: registry.${key} came in containerd ${since}` : u.like ? `; the key it knows here is ${u.like}` : ''}.` +
            (lost ? ` So the mirror endpoints written for ${u.losesMirrorsOf} are not read, and CRI pulls ${u.losesMirrorsOf === '*' ? 'every registry without its own entry' : ref} from the registry itself.` : ''),
          evidence,
          fix: since
            ? [
                `upgrade containerd to ${since} or later, which reads registry.${key}`,
                ...(key === 'config_path' ? [`or, on ${d.profile.label}, write the mirrors in registry.mirrors and a registry's TLS settings in registry.configs."<host>".tls: CRI reads no hosts folder before 1.5`] : []),
              ]
            : credentialsFor
              ? [`move these credentials to [${table}.${JSON.stringify(credentialsFor)}.auth]${at ? ` (now ${at.file} line ${at.line})` : ''}: CRI looks credentials up there, by the host each request goes to; then: ${restartCommand(facts)}`]
            : [`${u.like ? `rename ${key} to ${u.like}` : `remove ${key}`}${at ? ` in ${at.file} line ${at.line}` : ''}, then: ${restartCommand(facts)}`],
        }),
      );
    }
    return out;
  },
};
