/**
 * CRI looks up `registry.configs."<key>".auth` by the host each request goes to (the authorizer's
 * `last.Request.URL.Host`; v2.1.9 internal/cri/server/images/image_pull.go `Configs[host]`, 1.7
 * `registryHosts`), so credentials keyed by a name no request goes to are never sent: `docker.io`
 * (requests go to registry-1.docker.io or a mirror), or a key with a scheme (containerd#5855).
 */
import { dottedPath } from '../containerd/toml-scan.js';
import { configPosition } from './config-locate.js';
import { credentialHosts } from './config-credentials.js';
import type { Finding } from './finding.js';
import type { Check } from './types.js';
import { attemptEvidence, attemptsAt, fileEvidence, finding, restartCommand } from './make.js';

export const credentialsKeyNotAHost: Check = {
  id: 'credentials-key-not-a-host',
  run(facts, d) {
    const registry = d.registryHost;
    if (!registry || d.config.unreadable || d.config.startupError) return [];
    const asked = [...new Set(d.plans.cri.endpoints.map((e) => e.host))];
    if (asked.length === 0) return [];
    const out: Finding[] = [];
    for (const { host: key, path } of credentialHosts(d.configFiles)) {
      const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(key);
      const bare = scheme ? key.slice(scheme[0].length).split('/')[0]! : key;
      // only keys meant for this pull: the registry's name, or a host it asks written with a scheme
      if (bare !== registry && !asked.includes(bare)) continue;
      if (!scheme && asked.includes(key)) continue;
      // the host the key meant: itself without the scheme, or the registry's own endpoint (registry-1.docker.io)
      const to = scheme && asked.includes(bare) ? bare : d.plans.cri.endpoints.at(-1)!.host;
      // ctr never reads config.toml's credentials: its 401 shows that the host wants some, CRI's that it got none
      const refused = attemptsAt([d.trace.cri, d.trace.ctrHostsDir], to, (o) => o === 'unauthorized');
      // the cause of a mirror's 401, or of the registry's own when there is no mirror to blame first
      const mirrors = d.plans.cri.endpoints.filter((e) => e.kind === 'mirror' || e.kind === 'legacy-mirror');
      const proven = refused.length > 0 && (mirrors.length === 0 || mirrors.some((e) => e.host === to));
      const at = configPosition(d, path);
      const table = dottedPath(path.slice(0, -2));
      out.push(
        finding('credentials-key-not-a-host', {
          severity: proven ? 'error' : 'warning',
          detail:
            `config.toml keys credentials by ${JSON.stringify(key)}, but CRI looks credentials up by the host each request goes to (${asked.join(', ')} for ${registry}), ` +
            `${scheme ? 'never with a scheme' : `never by the registry's name`}: these are never sent, and the pull goes anonymous.` +
            (refused.length > 0 ? ` ${to} answers 401 without credentials (${refused.map(({ p }) => (p.path === 'cri' ? 'the CRI pull' : 'ctr --hosts-dir, which never sends these')).join(', ')}), so the CRI pull gets 401 there too.` : ''),
          evidence: [...(at ? [fileEvidence(facts.snapshot, at, `keyed by ${key}`)] : []), ...refused.map(({ p, a }) => attemptEvidence(p, a))],
          fix: [
            `rename the table to [${table}.${JSON.stringify(to)}.auth] in ${at?.file ?? facts.configFile}`,
            ...mirrors.filter((e) => e.host !== to).map((e) => `if they are the credentials of the mirror ${e.host}: [${table}.${JSON.stringify(e.host)}.auth]`),
            restartCommand(facts),
          ],
        }),
      );
    }
    return out;
  },
};
