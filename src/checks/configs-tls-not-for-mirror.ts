/**
 * CRI's legacy `registry.configs."<host>".tls` keyed by the registry a `registry.mirrors` entry
 * stands in for, not by the mirror: containerd 1.x takes each request's TLS settings from the table
 * keyed by the host it connects to (v1.7.24 pkg/cri/server/image_pull.go registryHosts,
 * `Configs[u.Host]`), so the mirror is checked against the system's CAs only (kubespray#9192).
 * 2.x ignores the tls table altogether (configs-tls-ignored).
 */
import { dottedPath } from '../containerd/toml-scan.js';
import { configPosition } from './config-locate.js';
import type { Evidence } from './finding.js';
import { mirrorsWithoutOwnTls, tlsTablesOf } from './legacy-tls.js';
import { registryTables } from './registry-tables.js';
import type { Check } from './types.js';
import { attemptEvidence, attemptsAt, fileEvidence, finding, quote, restartCommand } from './make.js';

/** The settings as `k = v` TOML, one line each. */
const tomlLines = (settings: Record<string, unknown>): string[] => Object.entries(settings).map(([k, v]) => `${dottedPath([k])} = ${JSON.stringify(v)}`);

export const configsTlsNotForMirror: Check = {
  id: 'configs-tls-not-for-mirror',
  run(facts, d) {
    if (d.profile.version.major >= 2) return [];
    const plan = d.plans.cri;
    const registry = plan.reference?.hostname;
    const tls = tlsTablesOf(registryTables(d.configFiles));
    const own = registry ? tls.get(registry) : undefined;
    if (!registry || !own) return [];
    const mirrors = mirrorsWithoutOwnTls(d, registry, (h) => tls.has(h));
    if (mirrors.length === 0) return [];
    const failed = mirrors.flatMap((m) => attemptsAt([d.trace.cri], m.host, (o) => o.startsWith('tls-')));
    // the table still serves the registry itself when the mirror list names it: then it may be meant for it (info).
    // Reached only through the fallback CRI appends after the mirrors, it was meant for the mirror (containerd#3882)
    const servesRegistry = plan.endpoints.some((e) => e.host === registry && e.kind !== 'upstream');
    const fallbackOnly = !servesRegistry && plan.endpoints.some((e) => e.host === registry);
    const at = configPosition(d, own.path);
    const evidence: Evidence[] = [
      ...(at ? [fileEvidence(facts.snapshot, at, `TLS settings for ${registry} only`)] : []),
      ...failed.map(({ p, a }) => attemptEvidence(p, a)),
    ];
    const names = mirrors.map((m) => m.host);
    const parent = dottedPath(own.path.slice(0, -2));
    const settings = tomlLines(own.settings);
    return [
      finding('configs-tls-not-for-mirror', {
        severity: failed.length > 0 ? 'error' : servesRegistry ? 'info' : 'warning',
        title: `registry.configs.${quote(registry)}.tls does not reach the mirror ${names.join(', ')}`,
        detail:
          `CRI pulls ${registry} through registry.mirrors (config_path is empty), and takes the TLS settings of each request from registry.configs."<host>".tls keyed by the host it connects to. ` +
          `config.toml keys them by ${registry}, ${servesRegistry ? `which only CRI's requests to ${registry} itself use` : fallbackOnly ? `which only the fallback CRI appends after the mirrors uses (${registry} itself)` : `a host CRI never connects to (${registry}'s requests go to ${plan.endpoints.map((e) => e.host).join(', ')})`}, so ${names.join(' and ')} ${names.length === 1 ? 'is' : 'are'} checked against the system's CAs only.` +
          (failed.length > 0 ? ` The trace shows the result: the mirror's TLS handshake failed, and CRI moved on to the next host.` : ''),
        evidence,
        fix: [
          ...mirrors.map((m) =>
            m.host.includes('[')
              ? `in ${at?.file ?? facts.configFile}, key the same settings by the mirror host, as an inline table (containerd 1.x cannot read a [ in a table header):\n[${parent}]\n  ${quote(m.host)} = { tls = { ${settings.join(', ')} } }`
              : `in ${at?.file ?? facts.configFile}, key the same settings by the mirror host:\n[${parent}.${quote(m.host)}.tls]\n${settings.map((l) => `  ${l}`).join('\n')}`,
          ),
          'or move to hosts.toml (see legacy-mirrors), where each [host."…"] table carries its own ca and skip_verify',
          restartCommand(facts),
        ],
      }),
    ];
  },
};
