/**
 * hosts.toml lines written into config.toml (a top-level `server`, `[host."…"]` tables): config.toml
 * has no such keys. 1.x ignores them without a word; 2.x logs `Ignoring unknown key in TOML` with
 * the key at start (config dump on 1.6.20 and 2.1.9). A setup script that wrote the hosts.toml text
 * over config.toml leaves the mirror nowhere (containerd#9778).
 */
import { goPathJoin } from '../containerd/go-url.js';
import { hostDirectoryName } from '../containerd/host-dirs.js';
import { configPosition } from './config-locate.js';
import { suggestedRoot } from './config-path.js';
import type { Evidence } from './finding.js';
import type { Check } from './types.js';
import { fileEvidence, finding, quote, restartCommand } from './make.js';

/** Top-level hosts.toml keys, none of which config.toml has. */
const HOSTS_KEYS = ['server', 'host', 'capabilities', 'ca', 'client', 'skip_verify', 'override_path', 'header'];

export const hostsTomlInConfig: Check = {
  id: 'hosts-toml-in-config',
  run(facts, d) {
    if (d.config.unreadable || d.config.startupError) return [];
    const found = d.configFiles.flatMap((f) => HOSTS_KEYS.filter((k) => f.data[k] !== undefined).map((k) => ({ file: f.path, key: k })));
    // `server` or a host table: one stray key alone could be anything
    if (!found.some((x) => x.key === 'server' || x.key === 'host')) return [];
    const evidence: Evidence[] = [];
    for (const x of found) {
      const at = configPosition(d, [x.key]);
      if (at) evidence.push(fileEvidence(facts.snapshot, at, 'a hosts.toml key'));
    }
    const dir = d.registryHost ? goPathJoin(suggestedRoot(d), hostDirectoryName(d.registryHost)) : `${suggestedRoot(d)}/<registry>`;
    const files = [...new Set(found.map((x) => x.file))];
    return [
      finding('hosts-toml-in-config', {
        detail:
          `${files.join(' and ')} ${files.length === 1 ? 'has' : 'have'} hosts.toml lines (${[...new Set(found.map((x) => x.key))].map(quote).join(', ')}) at the top level, which config.toml does not have: ` +
          `${d.profile.version.major >= 2 ? `${d.profile.label} ignores them and logs "Ignoring unknown key in TOML" for each` : `${d.profile.label} ignores them without a word`}, so no mirror comes of them.`,
        evidence,
        fix: [`move those lines to ${dir}/hosts.toml (and set config_path in config.toml if it is not set), then: ${restartCommand(facts)}`],
      }),
    ];
  },
};
