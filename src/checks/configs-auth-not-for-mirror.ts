/**
 * CRI's `registry.configs."<host>".auth` keyed by the registry a mirror stands in for: CRI gives a
 * request the credentials keyed by the host it goes to (v2.1.9 internal/cri/server/images/
 * image_pull.go `Configs[host]`, v1.6.12 pkg/cri/server/image_pull.go), in every mode, so the mirror
 * gets none (bottlerocket#2671, fixed by keying them by the mirror). Info from the files alone: the
 * credentials may be meant for the registry itself, and a mirror may need none; a mirror's 401 in
 * a trace is explained by mirror-fallback with the same words.
 */
import { dottedPath } from '../containerd/toml-scan.js';
import { configPosition } from './config-locate.js';
import { credentialHosts } from './config-credentials.js';
import type { Check } from './types.js';
import { fileEvidence, finding, quote, restartCommand } from './make.js';

export const configsAuthNotForMirror: Check = {
  id: 'configs-auth-not-for-mirror',
  run(facts, d) {
    const plan = d.plans.cri;
    if (!d.config.cri.loads || !plan.reference) return [];
    const creds = credentialHosts(d.configFiles);
    // credentials for a host the registry's own requests go to (the server or the upstream CRI appends)
    const own = creds.find((c) => plan.endpoints.some((e) => e.host === c.host && (e.kind === 'server' || e.kind === 'upstream')));
    if (!own) return [];
    const mirrors = [...new Set(plan.endpoints.filter((e) => (e.kind === 'mirror' || e.kind === 'legacy-mirror') && e.host !== own.host).map((e) => e.host))].filter((h) => !creds.some((c) => c.host === h));
    if (mirrors.length === 0) return [];
    const at = configPosition(d, own.path);
    const table = dottedPath(own.path.slice(0, -2));
    return [
      finding('configs-auth-not-for-mirror', {
        title: `registry.configs.${quote(own.host)}.auth does not reach the mirror ${mirrors.join(', ')}`,
        detail:
          `CRI gives each request the credentials keyed by the host it goes to, so those keyed by ${own.host} are sent to ${own.host} only, never to ${mirrors.join(' or ')}. ` +
          `Nothing to change if they are meant for ${own.host} and the mirror needs none; a mirror that needs them answers 401 and CRI moves on to the next host.`,
        evidence: at ? [fileEvidence(facts.snapshot, at, `credentials for ${own.host} only`)] : [],
        fix: [`if the mirror needs them: in ${at?.file ?? facts.configFile}, key the same credentials by the mirror host too:\n${mirrors.map((m) => `[${table}.${quote(m)}.auth]`).join('\n')}\n  (the username and password of [${table}.${quote(own.host)}.auth])`, restartCommand(facts)],
      }),
    ];
  },
};
