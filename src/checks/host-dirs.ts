/**
 * Hosts folders layer (containerd v2.1.9 core/remotes/docker/config/hosts.go): which folder containerd
 * uses for the registry, and whether it holds a hosts.toml it can read.
 */
import { goPathClean, goPathJoin, isLocalhost } from '../containerd/go-url.js';
import { hostDirectoryName } from '../containerd/host-dirs.js';
import { lookupEntry } from '../containerd/node-snapshot.js';
import { dottedPath, scanToml } from '../containerd/toml-scan.js';
import { rootNames, unreadFolders } from './misnamed-folders.js';
import { httpOwnEntryFix, httpRolesAskedOverHttps, mirrorRoleEvidence, mirrorRoleFix, mirrorRoleText } from './mirror-role-text.js';
import type { ClientPlan } from '../containerd/plan.js';
import type { Derived, HostDirView } from './derived.js';
import { selectedHostDirs } from './derived.js';
import type { Facts } from './facts.js';
import type { Finding } from './finding.js';
import type { Check } from './types.js';
import { decisionEvidence, finding, quote, restartCommand, rewritesFromRegistriesYaml, wholeFileEvidence } from './make.js';
import { registryPath } from './config-locate.js';
import { registryTables } from './registry-tables.js';
import { isTable } from '../containerd/go-value.js';

function rootExists(facts: Facts, root: string): boolean {
  return lookupEntry(facts.snapshot, root).kind === 'directory' || rootNames(facts, root).length > 0;
}

/** Views that matter: the roots CRI reads, else the ctr --hosts-dir root (when it exists). */
function relevantViews(facts: Facts, d: Derived): HostDirView[] {
  const cri = d.hostDirs.filter((v) => v.usedBy.includes('cri'));
  if (cri.length > 0) return cri;
  if (Object.keys(d.config.cri.mirrors).length > 0) return [];
  return d.hostDirs.filter((v) => v.usedBy.includes('ctr-hosts-dir') && rootExists(facts, v.root));
}

const hostDirMisnamed: Check = {
  id: 'host-dir-misnamed',
  run(facts, d) {
    if (!d.registryHost) return [];
    const out: Finding[] = [];
    for (const v of d.hostDirs) {
      const specific = v.dir && !v.dir.endsWith('/_default');
      if (specific || v.lookup.error) continue;
      for (const m of unreadFolders(facts, v.root, d.registryHost)) {
        const wrong = goPathJoin(v.root, m.name);
        const right = goPathJoin(v.root, d.registryHost.includes(':') ? hostDirectoryName(d.registryHost) : d.registryHost);
        // a folder moved into `_backup/`-like folders is most often the work of a tool that rewrites the root
        const byTool = m.nestedIn?.startsWith('_') ? [`if a tool moved it into ${m.nestedIn}/ when it started (one that writes the hosts folders itself), configure that tool to keep the node's own folders, or it moves this one again at its next start`] : [];
        out.push(
          finding('host-dir-misnamed', {
            severity: v.dir ? 'warning' : 'error',
            ...(m.nestedIn ? { title: `the registry's hosts folder is inside ${m.nestedIn}/, where containerd does not look` } : {}),
            detail: `${wrong} is never read for ${d.registryHost}: ${m.why}. containerd looks for ${v.lookup.candidates.filter((c) => c.consulted).map((c) => c.path).join(', ')}${v.dir ? `, and uses ${v.dir}` : ', finds none, and uses the upstream'}.`,
            evidence: [wholeFileEvidence(wrong, 'exists'), ...v.lookup.candidates.filter((c) => c.consulted).map((c) => wholeFileEvidence(c.path, c.state === 'missing' ? 'does not exist' : c.state))],
            fix: [`mv ${wrong} ${right}`, ...byTool],
          }),
        );
      }
    }
    return out;
  },
};

/** k3s or RKE2 when they write this hosts root from registries.yaml at start. */
function generatedBy(facts: Facts, root: string): 'k3s' | 'rke2' | null {
  const dist = facts.distribution;
  if ((dist.kind !== 'k3s' && dist.kind !== 'rke2') || !dist.generated || !dist.certsDir) return null;
  return goPathClean(root) === goPathClean(dist.certsDir) ? dist.kind : null;
}

/**
 * No folder for the registry in the hosts root k3s/RKE2 generate: registries.yaml has no mirror for
 * it, or it has one k3s has not written (registries.yaml is read only when k3s starts).
 */
function generatedDirMissing(facts: Facts, d: Derived, root: string, looked: string[], dist: 'k3s' | 'rke2'): Finding {
  const host = d.registryHost!;
  const y = facts.distribution.registriesYaml;
  const entry = y?.error === undefined ? y?.keys.find((k) => k.path.length === 2 && k.path[0] === 'mirrors' && (k.path[1] === host || k.path[1] === '*')) : undefined;
  const restart = `systemctl restart ${dist}   # ${dist}-agent on agents: ${dist} writes ${root} from registries.yaml when it starts`;
  const missing = looked.map((p) => wholeFileEvidence(p, 'does not exist'));
  // some k3s releases (v1.28.7 among them) write no folder when the endpoint list ends with the registry itself
  if (entry && y && y.endsWithOwnEndpoint?.includes(entry.path[1]!)) {
    return finding('host-dir-missing', {
      title: `${dist} wrote no folder for ${host}: its endpoint list ends with the registry itself`,
      detail: `${y.path} line ${entry.line} lists endpoints for ${entry.path[1]} that end with the registry itself, and ${root} has no folder for ${host}. Some ${dist} releases (v1.28.7+k3s1 among them: k3s#9341, fixed in v1.28.8) then write no hosts.toml for it at all, so containerd never tries the listed mirrors and pulls ${host} from the registry directly; a restart writes the same nothing.`,
      evidence: [{ kind: 'file', source: y.path, line: entry.line, text: `mirrors: ${entry.path[1]} (the last endpoint is the registry itself)` }, ...missing],
      fix: [`in ${y.path}, remove the last endpoint (containerd falls back to the registry after the mirrors anyway), or upgrade ${dist}`, restart],
    });
  }
  if (entry && y) {
    return finding('host-dir-missing', {
      title: `registries.yaml has a mirror for ${entry.path[1]}, but ${dist} has not written it`,
      detail: `${y.path} line ${entry.line} sets mirrors.${quote(entry.path[1]!)}, but ${root} has no folder for ${host}: ${dist} writes the certs.d folders from registries.yaml only when it starts, so it has not been restarted since that edit (or it failed to write them: its log says why). Until then CRI uses the upstream ${host === 'docker.io' ? 'registry-1.docker.io' : host} directly.`,
      evidence: [{ kind: 'file', source: y.path, line: entry.line, text: `mirrors: ${entry.path[1]}` }, ...missing],
      fix: [restart],
    });
  }
  // TLS settings reach containerd only through the folder k3s writes (credentials go to config.toml)
  const configs = y?.error === undefined ? y?.keys.find((k) => k.path.length === 2 && k.path[0] === 'configs' && k.path[1] === host) : undefined;
  const tls = configs && y?.keys.some((k) => k.path.length === 3 && k.path[0] === 'configs' && k.path[1] === host && k.path[2] === 'tls');
  if (configs && tls && y) {
    return finding('host-dir-missing', {
      title: `registries.yaml has settings for ${host}, but ${dist} has not written a folder for it`,
      detail: `${y.path} line ${configs.line} sets configs.${quote(host)}.tls and no mirror for it, but ${root} has no folder for ${host}, where those settings would be written, so containerd checks ${host} without them. ${dist} writes that folder when it starts, so it has not been restarted since that edit, or this release writes none for a registry without a mirror (k3s v1.29.3+k3s1 did not: k3s#9839).`,
      evidence: [{ kind: 'file', source: y.path, line: configs.line, text: `configs: ${host}` }, ...missing],
      fix: [restart, `if the folder is still missing after the restart: upgrade ${dist}, or name the registry as its own mirror, which every release writes:\nmirrors:\n  ${JSON.stringify(host)}:\n    endpoint:\n      - "https://${host}"`],
    });
  }
  return finding('host-dir-missing', {
    detail: `No folder in ${root} matches ${host} (containerd looked for ${looked.join(', ')}), so CRI uses the upstream ${host === 'docker.io' ? 'registry-1.docker.io' : host} directly. ${dist} writes this hosts root from ${y?.path ?? `/etc/rancher/${dist}/registries.yaml`} when it starts, and that file has no mirror for ${host}: the mirror belongs there, not in a folder made by hand.`,
    evidence: [...(y ? [{ kind: 'file' as const, source: y.path, text: `no mirrors entry for ${host}` }] : []), ...missing],
    fix: [`in /etc/rancher/${dist}/registries.yaml:\nmirrors:\n  ${JSON.stringify(host)}:\n    endpoint:\n      - "https://mirror.example.com"`, restart],
  });
}

/** CRI's legacy registry.mirrors (no folders): a reference naming a plain-HTTP mirror of another registry, which has no entry of its own (k3s#1713). */
function legacyHttpMirrorAskedOverHttps(facts: Facts, d: Derived): Finding[] {
  const mirrors = d.config.cri.mirrors;
  if (d.config.cri.configPath !== '' || Object.keys(mirrors).length === 0 || d.registryHost! in mirrors) return [];
  if (httpRolesAskedOverHttps(d).length === 0) return [];
  const dist = facts.distribution;
  const k3s = rewritesFromRegistriesYaml(facts) !== null;
  return [
    finding('host-dir-missing', {
      severity: 'warning',
      title: 'a reference that names this plain-HTTP mirror is asked over HTTPS',
      detail: `${mirrorRoleText(facts, d)}, written there as http://${d.registryHost}. registry.mirrors has no entry for ${d.registryHost} itself, so CRI asks a reference that names it over HTTPS only (plain HTTP goes to localhost alone), and such a pull fails with "http: server gave HTTP response to HTTPS client". Pulls through it as a mirror are not affected.`,
      evidence: mirrorRoleEvidence(facts, d),
      fix: k3s
        ? [`in /etc/rancher/${dist.kind}/registries.yaml:\nmirrors:\n  ${JSON.stringify(d.registryHost)}:\n    endpoint:\n      - "http://${d.registryHost}"`, `systemctl restart ${dist.kind}   # ${dist.kind}-agent on agents`]
        : [...httpOwnEntryFix(facts, d, ''), ...mirrorRoleFix(d)],
    }),
  ];
}

const hostDirMissing: Check = {
  id: 'host-dir-missing',
  run(facts, d) {
    if (!d.registryHost) return [];
    const legacy = legacyHttpMirrorAskedOverHttps(facts, d);
    if (legacy.length > 0) return legacy;
    for (const v of relevantViews(facts, d)) {
      if (v.dir || v.lookup.error) continue;
      if (!rootExists(facts, v.root)) continue; // config-path-missing-dir
      if (unreadFolders(facts, v.root, d.registryHost).length > 0) continue; // host-dir-misnamed
      const looked = v.lookup.candidates.filter((c) => c.consulted).map((c) => c.path);
      // a reference that names a mirror is pulled from it directly, as it should be
      if (d.mirrorRoles.length > 0) {
        const http = httpRolesAskedOverHttps(d);
        if (http.length > 0) {
          return [
            finding('host-dir-missing', {
              severity: 'warning',
              title: 'a reference that names this plain-HTTP mirror is asked over HTTPS',
              detail: `${mirrorRoleText(facts, d)}, written there as http://${d.registryHost}. With no folder of its own in ${v.root}, containerd asks a reference that names it over HTTPS only (it gives plain HTTP to localhost alone), so such a pull fails with "http: server gave HTTP response to HTTPS client". Pulls through it as a mirror are not affected.`,
              evidence: [...mirrorRoleEvidence(facts, d), ...looked.map((p) => wholeFileEvidence(p, 'does not exist'))],
              fix: [...httpOwnEntryFix(facts, d, v.root), ...mirrorRoleFix(d)],
            }),
          ];
        }
        return [
          finding('host-dir-missing', {
            severity: 'info',
            title: 'the registry is itself a mirror: pulled from directly',
            detail: `No folder in ${v.root} matches ${d.registryHost}, and none is needed: ${mirrorRoleText(facts, d)}. containerd looks up a folder for the reference's own registry only, so a reference that names the mirror is pulled from it directly.`,
            evidence: [...mirrorRoleEvidence(facts, d), ...looked.map((p) => wholeFileEvidence(p, 'does not exist'))],
            fix: mirrorRoleFix(d),
          }),
        ];
      }
      const generated = generatedBy(facts, v.root);
      if (generated) return [generatedDirMissing(facts, d, v.root, looked, generated)];
      // nothing configures a mirror anywhere, and config.toml has credentials or TLS settings for the
      // registry: they are what was meant, not a mirror (talos#10617, containerd#11624)
      const settingsOnly = !d.hostDirs.some((x) => x.dir) && d.misnamedDirs.length === 0 && Object.keys(d.config.cri.mirrors).length === 0 && registrySettingsKeys(d).length > 0;
      if (settingsOnly) {
        return [
          finding('host-dir-missing', {
            severity: 'info',
            title: 'no mirror is configured for the registry',
            detail: `No folder in ${v.root} matches ${d.registryHost}, and nothing else configures a mirror for it, so CRI pulls it from the registry itself. config.toml has settings for it (registry.configs ${registrySettingsKeys(d).map(quote).join(', ')}): the findings about them say whether they are used.`,
            evidence: looked.map((p) => wholeFileEvidence(p, 'does not exist')),
            fix: newHostsTomlFix(v.root, d.registryHost),
          }),
        ];
      }
      // a loopback registry asked over HTTPS only: plain HTTP is lost (config_path set on 1.6.0–1.6.8, containerd#7392)
      const up = d.plans.cri.endpoints.at(-1);
      const httpsOnly = v.usedBy.includes('cri') && isLocalhost(d.registryHost) && up?.scheme === 'https' && !up.httpFallback;
      return [
        finding('host-dir-missing', {
          detail:
            `No folder in ${v.root} matches ${d.registryHost} (containerd looked for ${looked.join(', ')}), so ${v.usedBy.includes('cri') ? 'CRI' : 'ctr --hosts-dir'} uses the upstream ${d.registryHost === 'docker.io' ? 'registry-1.docker.io' : d.registryHost} directly.` +
            (httpsOnly ? ` ${d.profile.label} asks this loopback registry over HTTPS only while config_path is set (containerd#7392, fixed in 1.6.9 and 1.7.0): a plain-HTTP registry needs a folder with server = "http://${d.registryHost}".` : ''),
          evidence: looked.map((p) => wholeFileEvidence(p, 'does not exist')),
          fix: newHostsTomlFix(v.root, d.registryHost),
        }),
      ];
    }
    return [];
  },
};

/** registry.configs keys meant for the registry itself (its name, or Docker Hub's API host). */
function registrySettingsKeys(d: Derived): string[] {
  const own = new Set([d.registryHost, d.registryHost === 'docker.io' ? 'registry-1.docker.io' : null]);
  return registryTables(d.configFiles).flatMap((t) => (isTable(t.table.configs) ? Object.keys(t.table.configs).filter((k) => own.has(k)) : []));
}

/** Writing the registry's first hosts.toml under `root`, with an example mirror. */
export function newHostsTomlFix(root: string, registryHost: string): string[] {
  const dir = goPathJoin(root, hostDirectoryName(registryHost));
  // a loopback registry is plain HTTP as a rule (kind, zarf, a local registry:2)
  const server = registryHost === 'docker.io' ? 'https://registry-1.docker.io' : `${isLocalhost(registryHost) ? 'http' : 'https'}://${registryHost}`;
  return [`mkdir -p ${dir} && $EDITOR ${goPathJoin(dir, 'hosts.toml')}`, `example:\nserver = ${quote(server)}\n\n[host."https://mirror.example.com"]\n  capabilities = ["pull", "resolve"]`];
}

function hasHostsToml(facts: Facts, dir: string): boolean {
  const e = lookupEntry(facts.snapshot, goPathJoin(dir, 'hosts.toml'));
  return e.kind === 'file' && e.size > 0;
}

function shadowFindings(facts: Facts, plan: ClientPlan, who: string): Finding[] {
  const lookup = plan.lookup;
  if (!lookup?.dir) return [];
  const selected = lookup.candidates.find((c) => c.path === lookup.dir);
  const selHasToml = hasHostsToml(facts, lookup.dir);
  const out: Finding[] = [];
  for (const c of lookup.candidates) {
    if (c.state !== 'not-reached' || !hasHostsToml(facts, c.path)) continue;
    const crossRoot = c.root !== selected?.root;
    if (selHasToml && !(crossRoot && selected?.form === 'default')) continue; // a specific hosts.toml winning over _default is intended
    out.push(
      finding('host-dir-shadows-default', {
        detail: `${who} uses ${lookup.dir}${selHasToml ? '' : ', which has no hosts.toml'}, because it is found first; ${c.path}/hosts.toml is never read for ${lookup.host}${crossRoot ? ' (the first config_path root with any match wins, including its _default)' : ''}.`,
        evidence: [wholeFileEvidence(lookup.dir, selHasToml ? 'found first' : 'found first, no hosts.toml'), wholeFileEvidence(`${c.path}/hosts.toml`, 'shadowed')],
        fix: selHasToml ? [`move ${c.path}/hosts.toml to ${lookup.dir}/hosts.toml, or reorder config_path`] : [`rm -r ${lookup.dir}   # if it is empty or only holds certificates you do not need`, `or: cp ${c.path}/hosts.toml ${lookup.dir}/hosts.toml`],
      }),
    );
  }
  return out;
}

const hostDirShadowsDefault: Check = {
  id: 'host-dir-shadows-default',
  run(facts, d) {
    const out = [...shadowFindings(facts, d.plans.cri, 'CRI')];
    if (d.plans.ctrHostsDir.lookup?.dir !== d.plans.cri.lookup?.dir) out.push(...shadowFindings(facts, d.plans.ctrHostsDir, 'ctr --hosts-dir'));
    return out;
  },
};

const defaultDirUnsupported: Check = {
  id: 'default-dir-unsupported',
  run(facts, d) {
    const seen = new Set<string>();
    const out: Finding[] = [];
    for (const v of d.hostDirs) {
      for (const x of v.decisions.filter((y) => y.code === 'host-dir.default-unsupported')) {
        if (seen.has(x.message)) continue;
        seen.add(x.message);
        out.push(
          finding('default-dir-unsupported', {
            detail: `${x.message}, so the mirror in it is never used.`,
            evidence: [wholeFileEvidence(goPathJoin(v.root, '_default'), `exists; ${d.profile.label}`)],
            fix: [`cp -r ${goPathJoin(v.root, '_default')} ${goPathJoin(v.root, d.registryHost ? hostDirectoryName(d.registryHost) : '<registry>')}   # one folder per registry`, 'or upgrade containerd to 1.6.17+ / 1.7+'],
          }),
        );
      }
    }
    return out;
  },
};

const NEAR_MISS = /^(hosts?|host_?s)\.(toml|tml|yaml|yml|json|conf|ini|txt)(\..*)?$|^hosts\.toml.+$|^config\.toml$|^hosts$/i;

/** Whether a hosts file (read into the snapshot) names a host other than the registry's own, or cannot be read as one. */
function namesMirror(facts: Facts, path: string, registryHost: string): boolean {
  const e = lookupEntry(facts.snapshot, path);
  if (e.kind !== 'file' || e.content?.kind !== 'text' || !/\.(toml|tml)$/i.test(path)) return true;
  const own = new Set([registryHost, registryHost === 'docker.io' ? 'registry-1.docker.io' : registryHost]);
  let names: string[];
  try {
    const scan = scanToml(e.content.text);
    names = [...new Set([...scan.keyValues, ...scan.headers].filter((x) => x.path[0] === 'host' && x.path.length >= 2).map((x) => x.path[1]!))];
  } catch {
    return true;
  }
  return names.some((n) => !own.has(n.replace(/^[a-z]+:\/\//i, '').split('/')[0]!));
}

const hostsTomlMissing: Check = {
  id: 'hosts-toml-missing',
  run(facts, d) {
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      if (!v.loaded || !v.loaded.decisions.some((x) => x.code === 'hosts-toml.absent')) continue;
      const e = lookupEntry(facts.snapshot, v.dir!);
      const files = e.kind === 'directory' ? (e.entries ?? []).filter((x) => x.kind !== 'directory').map((x) => x.name) : [];
      const near = files.filter((f) => NEAR_MISS.test(f) && f !== 'hosts.toml');
      const certsOnly = near.length === 0 && files.length > 0 && files.every((f) => /\.(crt|cert|key|pem)$/.test(f));
      const hostsToml = goPathJoin(v.dir!, 'hosts.toml');
      const fix = near.map((n) => (/\.toml/.test(n) || !/\.(ya?ml|json)$/.test(n) ? `mv ${goPathJoin(v.dir!, n)} ${hostsToml}` : `rewrite ${goPathJoin(v.dir!, n)} as TOML in ${hostsToml} (only hosts.toml is read)`));
      const mirrorsIn = near.filter((n) => namesMirror(facts, goPathJoin(v.dir!, n), d.registryHost!));
      // a misnamed file that names no mirror asks for what the folder's certificate files give anyway (containerd#7896)
      const harmless = near.length > 0 ? mirrorsIn.length === 0 && files.some((f) => /\.(crt|cert|key|pem)$/.test(f)) : certsOnly;
      const shadows = !v.dir!.endsWith('/_default') && lookupEntry(facts.snapshot, goPathJoin(v.root, '_default')).kind === 'directory';
      // a root no client of this node reads (config_path elsewhere or unset): the folder is not used at all
      const used = v.usedBy.length > 0 || (facts.client === 'nerdctl' && d.nerdctl.readDirs.includes(v.root));
      const registry = d.registryHost === 'docker.io' ? 'registry-1.docker.io' : d.registryHost;
      // only certificate files for the registry itself, and no other folder to shadow: a valid layout for a private registry's CA or client certificate
      const certificatesOnly = certsOnly && !shadows;
      // CRI before 1.5 reads no hosts folder: the certificates serve ctr --hosts-dir only (gitpod-eks-guide#27, containerd 1.4.6)
      const criReadsNone = certificatesOnly && (facts.client ?? 'cri') === 'cri' && !d.profile.criConfigPath;
      const crt = files.find((f) => f.endsWith('.crt'));
      out.push(
        finding('hosts-toml-missing', {
          severity: criReadsNone ? 'warning' : certificatesOnly ? 'info' : harmless ? 'warning' : 'error',
          ...(criReadsNone
            ? { title: `${v.dir} holds certificates for ${d.registryHost}, which CRI before 1.5 never reads` }
            : certificatesOnly
              ? { title: `${v.dir} holds certificates for ${d.registryHost}, no hosts.toml` }
              : {}),
          detail: certificatesOnly
            ? `${v.dir} ${used ? 'is the folder containerd uses for' : 'is the folder for'} ${d.registryHost}${used ? '' : ` under ${v.root}, a root no client reads here (see config_path)`}; it holds only ${files.join(', ')} and no hosts.toml. containerd reads such a folder as Docker-style certificates (*.crt as CAs, *.cert with *.key as client certificates) for ${registry} itself: a valid layout for a private registry, with no mirror. A mirror for ${d.registryHost} needs a hosts.toml here.` +
              (criReadsNone ? ` But CRI (kubelet, crictl) reads no hosts folder before containerd 1.5: on ${d.profile.label} these certificates serve \`ctr --hosts-dir\` only.` : '')
            : `${v.dir} ${used ? 'is the folder containerd uses for' : 'is the folder for'} ${d.registryHost}${used ? '' : ` under ${v.root}, a root no client reads here (see config_path)`}, but it has no hosts.toml${near.length ? ` (it has ${near.join(', ')}: only the exact name hosts.toml is read)` : files.length ? ` (it holds ${files.join(', ')})` : ' (it is empty)'}. ` +
              `containerd reads it as a Docker-style certificate folder (*.crt as CAs, *.cert with *.key as client certificates) for ${registry} itself, with no mirror` +
              (mirrorsIn.length ? `: the mirror in ${mirrorsIn.join(', ')} is never used` : near.length ? `; ${near.join(', ')} names no mirror either` : '') +
              (shadows ? `, and the folder shadows ${goPathJoin(v.root, '_default')}.` : '.'),
          evidence: [...near.map((n) => wholeFileEvidence(goPathJoin(v.dir!, n), 'not read: wrong name')), wholeFileEvidence(hostsToml, 'does not exist')],
          fix: fix.length
            ? fix
            : criReadsNone
              ? [`for CRI on ${d.profile.label}: in ${facts.configFile}, [${dottedPath([...registryPath(d), 'configs', d.registryHost!, 'tls'])}] with ${crt ? `ca_file = ${quote(goPathJoin(v.dir!, crt))}` : 'ca_file, cert_file and key_file'}, then: ${restartCommand(facts)}`, 'or upgrade containerd to 1.5 or later, whose CRI reads this folder through config_path']
              : [`$EDITOR ${hostsToml}${certificatesOnly ? '   # only to add a mirror: the certificates work without it' : ''}`],
        }),
      );
    }
    return out;
  },
};

const hostsTomlEmpty: Check = {
  id: 'hosts-toml-empty',
  run(facts, d) {
    return selectedHostDirs(d)
      .filter((v) => v.loaded?.decisions.some((x) => x.code === 'hosts-toml.empty'))
      .map((v) =>
        finding('hosts-toml-empty', {
          detail: `${v.dir}/hosts.toml is 0 bytes: containerd treats the folder as Docker-style certificates and uses the upstream for ${d.registryHost}.`,
          evidence: [{ kind: 'file', source: `${v.dir}/hosts.toml`, text: 'size 0' }],
          fix: [`$EDITOR ${v.dir}/hosts.toml   # the editor may not have saved, or a config tool truncated it`],
        }),
      );
  },
};

function modeText(f: Facts['hostDirEntries'][number]): string {
  return `${f.kind}${f.mode !== null ? ` mode ${f.mode.toString(8).padStart(4, '0')}` : ''}${f.owner !== null ? ` owner ${f.owner}:${f.group ?? '?'}` : ''}`;
}

const UNREADABLE_CODES = new Set(['host-dir.stat-error', 'hosts-toml.read-error', 'cert-files.read-error', 'host-dir.not-a-directory']);

const hostsPathUnreadable: Check = {
  id: 'hosts-path-unreadable',
  run(facts, d) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const v of d.hostDirs) {
      const ds = v.decisions.filter((y) => UNREADABLE_CODES.has(y.code) && !seen.has(y.message));
      if (ds.length === 0) continue;
      for (const x of ds) seen.add(x.message);
      const notDir = ds.some((x) => x.code === 'host-dir.not-a-directory');
      const target = v.dir ?? v.root;
      seen.add(target);
      out.push(
        finding('hosts-path-unreadable', {
          detail: `${ds.map((x) => x.message).join('; ')}.`,
          evidence: [wholeFileEvidence(target, notDir ? 'not a directory' : 'cannot be read'), ...ds.flatMap((x) => decisionEvidence(facts.snapshot, x))],
          fix: [notDir ? `mv ${target} ${target}.bak && mkdir ${target}   # the registry entry must be a folder holding hosts.toml` : `chmod a+rX ${target}; ls -l ${target}`],
        }),
      );
    }
    for (const f of facts.hostDirEntries) {
      if (f.readableByRoot === false && !seen.has(f.path)) {
        seen.add(f.path);
        out.push(
          finding('hosts-path-unreadable', {
            detail: `${f.path} cannot be read by root (containerd): every pull through it fails with a read error instead of falling back.`,
            evidence: [{ kind: 'file', source: f.path, text: modeText(f) }],
            fix: [`chmod a+rX ${f.path}`, 'check SELinux/AppArmor labels: ls -Z'],
          }),
        );
      } else if (f.readableByUser === false && f.readableByRoot !== false && f.kind !== 'missing' && !seen.has(f.path)) {
        seen.add(f.path);
        out.push(
          finding('hosts-path-unreadable', {
            severity: 'warning',
            detail: `${f.path} is readable by root but not by user ${facts.invokingUser.name ?? facts.invokingUser.uid}: ctr run as that user (local mode) cannot read it, while the daemon can.`,
            evidence: [{ kind: 'file', source: f.path, text: modeText(f) }],
            fix: [`chmod a+rX ${f.path}   # or run ctr with sudo`],
          }),
        );
      }
    }
    return out;
  },
};

export const HOST_DIR_CHECKS: Check[] = [hostDirMissing, hostDirMisnamed, hostDirShadowsDefault, defaultDirUnsupported, hostsTomlMissing, hostsTomlEmpty, hostsPathUnreadable];

