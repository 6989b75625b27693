/**
 * CRI looks `registry.configs."<key>"` up by the host each request goes to: credentials (`auth`) on
 * every version (the authorizer's `last.Request.URL.Host`; v2.1.9 internal/cri/server/images/
 * image_pull.go `Configs[host]`), TLS settings (`tls`) on 1.x with registry.mirrors (`Configs[u.Host]`).
 * A table keyed by a name no request goes to is never used: `docker.io` for credentials (requests go
 * to registry-1.docker.io or a mirror: containerd#5855), or a key with a scheme (kubespray#9371).
 * A tls table keyed by the registry a mirror stands in for is configs-tls-not-for-mirror.
 */
import type { TraceAttempt } from '../trace/schema.js';
import { dottedPath } from '../containerd/toml-scan.js';
import { configPosition } from './config-locate.js';
import { credentialHosts } from './config-credentials.js';
import { tlsTablesOf } from './legacy-tls.js';
import { registryTables } from './registry-tables.js';
import { DOCKER_HUB_OTHER_NAMES } from './misnamed-folders.js';
import type { Finding } from './finding.js';
import type { Check } from './types.js';
import { attemptEvidence, attemptsAt, fileEvidence, finding, restartCommand, rewritesFromRegistriesYaml } from './make.js';

interface KeyedTable {
  kind: 'auth' | 'tls';
  key: string;
  /** the table's key path, ending in `auth` or `tls` */
  path: string[];
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** A registry.configs key written with a scheme, which no request's host ever equals. */
export const keyHasScheme = (key: string): boolean => SCHEME.test(key);

export const configsKeyNotAHost: Check = {
  id: 'configs-key-not-a-host',
  run(facts, d) {
    const registry = d.registryHost;
    if (!registry || d.config.unreadable || d.config.startupError) return [];
    const endpoints = d.plans.cri.endpoints;
    const asked = [...new Set(endpoints.map((e) => e.host))];
    if (asked.length === 0) return [];
    const tables: KeyedTable[] = credentialHosts(d.configFiles).map((h) => ({ kind: 'auth' as const, key: h.host, path: h.path }));
    // 1.x reads a tls table only for registry.mirrors (config_path: hosts.toml); 2.x never (configs-tls-ignored)
    if (d.profile.version.major < 2 && d.plans.cri.legacyMirrorsKey !== undefined) {
      for (const [key, t] of tlsTablesOf(registryTables(d.configFiles))) tables.push({ kind: 'tls', key, path: t.path });
    }
    // k3s/RKE2 write config.toml from registries.yaml at every start: the key is fixed there
    const k3s = rewritesFromRegistriesYaml(facts);
    const out: Finding[] = [];
    for (const { kind, key, path } of tables) {
      const scheme = SCHEME.exec(key);
      const bare = scheme ? key.slice(scheme[0].length).split('/')[0]! : key;
      // `*` is a wildcard in registry.mirrors only: as a configs key it is meant for every pull (k3s#11352)
      const wildcard = key === '*';
      // only keys meant for this pull: the registry's name, or a host it asks; a tls table by the registry's bare name is configs-tls-not-for-mirror
      // Docker Hub's other names (`https://index.docker.io/v1/`, as docker login writes it: k3s#12438)
      const alias = registry === 'docker.io' && DOCKER_HUB_OTHER_NAMES.includes(bare.toLowerCase());
      if (!wildcard && !alias && bare !== registry && !asked.includes(bare)) continue;
      if (!wildcard && !scheme && (asked.includes(key) || kind === 'tls')) continue;
      const mirrors = endpoints.filter((e) => e.kind === 'mirror' || e.kind === 'legacy-mirror');
      // the host the key meant: itself without the scheme, the first mirror for `*`, or the registry's own endpoint (registry-1.docker.io)
      const to = scheme && asked.includes(bare) ? bare : wildcard ? (mirrors[0] ?? endpoints.at(-1)!).host : endpoints.at(-1)!.host;
      const failedHere = (o: TraceAttempt['outcome']) => (kind === 'auth' ? o === 'unauthorized' : o.startsWith('tls-'));
      // ctr never reads config.toml: its 401 shows that the host wants credentials, its TLS failure that it needs these settings
      const failed = attemptsAt([d.trace.cri, d.trace.ctrHostsDir], to, failedHere);
      // the cause of a mirror's failure, or of the registry's own when there is no mirror to blame first
      const proven = failed.length > 0 && (mirrors.length === 0 || mirrors.some((e) => e.host === to));
      const at = configPosition(d, path);
      const table = dottedPath(path.slice(0, -2));
      const what = kind === 'auth' ? 'credentials' : 'TLS settings';
      out.push(
        finding('configs-key-not-a-host', {
          severity: proven ? 'error' : 'warning',
          title: `registry.configs.${JSON.stringify(key)}.${kind} is keyed by a name no request goes to`,
          detail:
            `config.toml keys ${what} by ${JSON.stringify(key)}, but CRI looks them up by the host each request goes to (${asked.join(', ')} for ${registry}), ` +
            `${scheme ? 'never with a scheme' : wildcard ? 'never by a wildcard (`*` is one in registry.mirrors only)' : alias ? `never by ${bare}, a name of Docker Hub no request goes to` : "never by the registry's name"}: they are never used` +
            (kind === 'auth' ? ', and the pull goes anonymous.' : `, and ${to} is checked against the system's CAs only.`) +
            (k3s && kind === 'auth' && key === 'docker.io' ? ` (${k3s}'s own containerd accepts docker.io here from k3s v1.31.11, v1.32.7 and v1.33.3 on, a k3s patch: k3s#12613; keyed by registry-1.docker.io it works with every release.)` : '') +
            (failed.length > 0
              ? ` ${to} ${kind === 'auth' ? 'answers 401 without credentials' : 'fails on TLS without them'} (${failed.map(({ p }) => (p.path === 'cri' ? 'the CRI pull' : 'ctr --hosts-dir, which never reads config.toml')).join(', ')}), so the CRI pull fails there too.`
              : ''),
          evidence: [...(at ? [fileEvidence(facts.snapshot, at, `keyed by ${key}`)] : []), ...failed.map(({ p, a }) => attemptEvidence(p, a))],
          fix: k3s
            ? [
                `in /etc/rancher/${k3s}/registries.yaml, key the configs entry by ${JSON.stringify(to)} instead of ${JSON.stringify(key)}${kind === 'auth' && mirrors.some((e) => e.host !== to) ? ` (or by the mirror whose credentials they are: ${mirrors.filter((e) => e.host !== to).map((e) => e.host).join(', ')})` : ''}: ${k3s} writes ${at?.file ?? facts.configFile} from it when it starts`,
                restartCommand(facts),
              ]
            : [
                `rename the table to [${table}.${JSON.stringify(to)}.${kind}] in ${at?.file ?? facts.configFile}`,
                ...(kind === 'auth' ? mirrors.filter((e) => e.host !== to).map((e) => `if they are the credentials of the mirror ${e.host}: [${table}.${JSON.stringify(e.host)}.auth]`) : []),
                restartCommand(facts),
              ],
        }),
      );
    }
    return out;
  },
};
