/**
 * containerd 2.x has no `registry.configs."<host>".tls` (its RegistryConfig keeps only `auth`): the
 * table is an unknown key the daemon skips with a warning at startup, so the host's CA, client
 * certificate and skip-verify setting from config.toml no longer apply. A node upgraded from 1.x
 * with such a table fails on the host's certificate and falls back.
 */
import { dottedPath } from '../containerd/toml-scan.js';
import { configPosition, decisions } from './config-locate.js';
import type { Evidence, Finding } from './finding.js';
import type { Check } from './types.js';
import { attemptEvidence, attemptsAt, decisionEvidence, fileEvidence, finding } from './make.js';
import { legacyTlsLines, mirrorsWithoutOwnTls, reachedOnlyOverHttp } from './legacy-tls.js';
import { suggestedRoot } from './config-path.js';
import { anyHostsToml, type Derived } from './derived.js';
import { goPathJoin } from '../containerd/go-url.js';
import { hostDirectoryName } from '../containerd/host-dirs.js';

/** A hosts.toml for `host` itself, holding its TLS settings, and config_path when CRI reads no folder yet. */
function ownFolderFix(d: Derived, host: string, lines: string[]): string[] {
  const root = suggestedRoot(d);
  const dir = goPathJoin(root, hostDirectoryName(host));
  // top-level settings apply to `server`, the registry itself
  const body = [`server = "https://${host}"`, ...(lines.length ? lines : ['ca = "<the ca_file of that table>"'])].join('\n');
  return [`mkdir -p ${dir} && $EDITOR ${dir}/hosts.toml   # with:\n${body}`, ...(d.config.cri.configPath === '' ? [`then set config_path = "${root}" (see config-path-unset)`] : [])];
}

export const configsTlsIgnored: Check = {
  id: 'configs-tls-ignored',
  run(facts, d) {
    const out: Finding[] = [];
    // the table's own settings, as hosts.toml lines
    const tls = legacyTlsLines(d.configFiles);
    for (const x of decisions(d, 'config.configs-tls-ignored')) {
      const host = x.configPath?.at(-2);
      if (!host) continue;
      const at = x.configPath ? configPosition(d, x.configPath) : undefined;
      // keyed by the registry a legacy mirror stands in for (configs-tls-not-for-mirror): the settings meant for the mirror
      const mirrors = mirrorsWithoutOwnTls(d, host, (h) => tls.has(h)).map((e) => e.host);
      const failed = [host, ...mirrors].flatMap((h) => attemptsAt([d.trace.ctrHostsDir, d.trace.cri], h, (o) => o.startsWith('tls-')));
      const failedHost = failed[0]?.a.host ?? host;
      const evidence: Evidence[] = [...(at ? [fileEvidence(facts.snapshot, at)] : []), ...decisionEvidence(facts.snapshot, x), ...failed.map(({ p, a }) => attemptEvidence(p, a))];
      const legacy = decisions(d, 'config.mirrors-deprecated').length > 0;
      // the registry itself, with no hosts.toml anywhere (a folder of its certificate files at most): the fix writes its hosts.toml (containerd#11624, kind#3884)
      const ownFolder = mirrors.length === 0 && host === d.registryHost && !anyHostsToml(d) && !legacy;
      const deleteIt = `delete [${dottedPath(x.configPath ?? [])}] from config.toml${legacy ? '; the mirrors themselves must move to hosts.toml too (see legacy-mirrors), since config_path and registry.mirrors cannot be set together' : ''}`;
      if (reachedOnlyOverHttp(d, host)) {
        out.push(
          finding('configs-tls-ignored', {
            severity: 'info',
            title: `registry.configs."${host}".tls is ignored by containerd ${d.profile.version.major}.x, and changes nothing`,
            detail: `${x.message}. It changes nothing: registry.mirrors reach ${host} over plain HTTP only, where no certificate is checked (on 1.x either).`,
            evidence,
            fix: [deleteIt],
          }),
        );
        continue;
      }
      out.push(
        finding('configs-tls-ignored', {
          severity: failed.length > 0 ? 'error' : 'warning',
          title: `registry.configs."${host}".tls is ignored by containerd ${d.profile.version.major}.x`,
          detail: `${x.message}. containerd checks ${host}'s certificate as if the table were not there${mirrors.length > 0 ? ` (keyed by ${host}, it did not reach its mirror ${mirrors.join(', ')} on 1.x either: containerd 1.x took TLS settings from the table keyed by the host it connected to)` : ''}${failed.length > 0 ? `, and the trace shows the result: ${failedHost} failed on TLS (${failed[0]!.a.outcome})` : ''}. Since 2.0, TLS settings for a registry or mirror live only in hosts.toml.`,
          evidence,
          fix: [
            ...(ownFolder ? ownFolderFix(d, host, tls.get(host) ?? []) : []),
            ...(ownFolder ? [] : mirrors.length > 0 ? mirrors : [host]).map(
              (h) => `in the hosts.toml of each registry that uses ${h}, under [host."https://${h}"]:\n${(tls.get(host) ?? ['ca = "<the ca_file of that table>"']).map((l) => `  ${l}`).join('\n')}`,
            ),
            deleteIt,
          ],
        }),
      );
    }
    return out;
  },
};
