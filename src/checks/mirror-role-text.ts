/**
 * The words for a reference that names a mirror itself (Derived.mirrorRoles): it is pulled from
 * that host directly, and no hosts folder of its own is expected.
 */
import { dottedPath } from '../containerd/toml-scan.js';
import { goPathJoin } from '../containerd/go-url.js';
import { hostDirectoryName } from '../containerd/host-dirs.js';
import type { MirrorRole } from '../containerd/mirror-roles.js';
import { configPosition, registryPath } from './config-locate.js';
import type { Derived } from './derived.js';
import type { Facts } from './facts.js';
import type { Evidence } from './finding.js';
import { fileEvidence, quote, restartCommand, wholeFileEvidence } from './make.js';

function where(r: MirrorRole, facts: Facts): string {
  return 'hostsToml' in r.from ? r.from.hostsToml : `registry.mirrors.${quote(r.from.mirrorsKey)} in ${facts.configFile}`;
}

/** `127.0.0.1:5000 is the mirror this node uses for docker.io (…/docker.io/hosts.toml)` */
export function mirrorRoleText(facts: Facts, d: Derived): string {
  const each = d.mirrorRoles.map((r) => `${r.registry === '*' ? 'every registry without a folder of its own' : r.registry} (${where(r, facts)})`);
  return `${d.registryHost} is the mirror this node uses for ${each.join(', ')}`;
}

export function mirrorRoleEvidence(facts: Facts, d: Derived): Evidence[] {
  return d.mirrorRoles.map((r) => {
    if ('hostsToml' in r.from) return wholeFileEvidence(r.from.hostsToml, `names ${d.registryHost}`);
    const key = r.from.mirrorsKey;
    const at = configPosition(d, [...registryPath(d), 'mirrors', key]) ?? configPosition(d, ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'mirrors', key]);
    return at ? fileEvidence(facts.snapshot, at) : wholeFileEvidence(facts.configFile, `registry.mirrors.${quote(key)} names ${d.registryHost}`);
  });
}

/** `mirror-doctor check` of the same repository on a registry the host mirrors: the pull that goes through it as a mirror. */
export function mirrorRoleFix(d: Derived): string[] {
  const registry = d.mirrorRoles.find((r) => r.registry !== '*')?.registry;
  if (!registry || !d.ref) return [`mirror-doctor explain ${d.ctrRef}   # what each client does with this reference`];
  return [`mirror-doctor check ${registry}/${d.ref.repository}:${d.ref.tag ?? 'latest'}   # a pull through ${d.registryHost} as the mirror (on a proxy cache the path may differ)`];
}

/**
 * The roles that write the host as plain HTTP while a reference naming it, with no folder of its
 * own, is asked over HTTPS only (containerd gives plain HTTP to localhost alone): such a pull fails
 * with "server gave HTTP response to HTTPS client".
 */
export function httpRolesAskedOverHttps(d: Derived): MirrorRole[] {
  const upstream = d.plans.cri.endpoints.at(-1);
  if (!upstream || upstream.scheme !== 'https' || upstream.httpFallback) return [];
  return d.mirrorRoles.filter((r) => r.scheme === 'http');
}

/**
 * What makes a reference naming the mirror ask it over plain HTTP: a folder of its own with an
 * http:// server, or, where CRI reads registry.mirrors (config_path empty), an entry there.
 */
export function httpOwnEntryFix(facts: Facts, d: Derived, root: string): string[] {
  const host = d.registryHost!;
  if (d.config.cri.configPath === '' && Object.keys(d.config.cri.mirrors).length > 0) {
    const table = `[${dottedPath([...registryPath(d), 'mirrors', host])}]`;
    return [`in ${facts.configFile}:\n${table}\n  endpoint = ["http://${host}"]`, restartCommand(facts)];
  }
  const dir = goPathJoin(root, hostDirectoryName(host));
  return [`mkdir -p ${dir} && cat > ${dir}/hosts.toml <<'EOF'\nserver = "http://${host}"${d.profile.requiresHostTable ? '\n\n[host]   # containerd 1.x before 1.7.32 rejects a hosts.toml without a [host] table' : ''}\nEOF`];
}
