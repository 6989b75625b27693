/**
 * `nerdctl pull`: nerdctl never reads containerd's config.toml (no CRI config_path, no
 * registry.mirrors). It searches its own hosts dirs (`--hosts-dir`, nerdctl.toml `hosts_dir`,
 * default /etc/containerd/certs.d then /etc/docker/certs.d). Rules read from nerdctl v2.3.5:
 * - containerd < 2.0: nerdctl resolves itself; each hosts dir that is a directory is searched in
 *   order, the host key gets `:443` when it has no port (then retried without it), `docker.io`
 *   stays `docker.io`; a loopback registry gets DefaultScheme http.
 * - containerd 2.0+ (nerdctl 2.3+): the daemon's transfer service pulls, given only the FIRST
 *   hosts dir (or, with --insecure-registry, a temporary one holding only skip_verify).
 */
import { parse as parseToml } from 'smol-toml';
import type { Decision } from './decision.js';
import { goSplitHostPort, isLocalhost } from './go-url.js';
import { lookupHostDir, type HostDirLookup } from './host-dirs.js';
import { lookupEntry, type NodeSnapshot } from './node-snapshot.js';
import { parseCriReference } from './reference.js';
import { buildPlan, type ClientPlan, type PlanRequest } from './plan.js';
import { resolveProfile, type BehaviourProfile } from './version.js';

export const NERDCTL_DEFAULT_HOSTS_DIRS: readonly string[] = ['/etc/containerd/certs.d', '/etc/docker/certs.d'];
/** nerdctl's config file for root (rootless: ~/.config/nerdctl/nerdctl.toml). */
export const NERDCTL_TOML = '/etc/nerdctl/nerdctl.toml';

export interface NerdctlOptions {
  /** `--hosts-dir` values or nerdctl.toml `hosts_dir` (default: {@link NERDCTL_DEFAULT_HOSTS_DIRS}) */
  hostsDirs?: readonly string[];
  /** where hostsDirs came from, for the decision text */
  hostsDirsSource?: string;
  /** `--insecure-registry` (or nerdctl.toml `insecure_registry = true`) */
  insecureRegistry?: boolean;
}

/**
 * The key nerdctl's HostDir closure looks up, then the retry without the port:
 * `Parse` adds `:443` when no port is given; `docker.io` becomes `index.docker.io:443` and then
 * `docker.io` again; only port 443 is retried without the port.
 */
export function nerdctlHostKeys(refHost: string): string[] {
  if (refHost === 'docker.io' || refHost === 'index.docker.io') return ['docker.io'];
  const split = goSplitHostPort(refHost);
  if (!split) return [`${refHost}:443`, refHost];
  return split.port === '443' ? [refHost, split.host] : [refHost];
}

function isDirectory(snapshot: NodeSnapshot, path: string): boolean {
  return lookupEntry(snapshot, path).kind === 'directory';
}

/** nerdctl's client-side search: every hosts dir that is a directory, each with the keys in order. */
/**
 * The rules nerdctl reads hosts.toml with: on containerd 2.x the daemon's (transfer service); on 1.x
 * its own process resolves, with the containerd 2.x library nerdctl 2.x is built with (nerdctl 0.16+
 * vendors 1.6 or later, so override_path exists there: nerdctl#668).
 */
export function nerdctlHostsProfile(daemon: BehaviourProfile): BehaviourProfile {
  return daemon.version.major >= 2 ? daemon : (resolveProfile('2.1.9', 'option') as Extract<ReturnType<typeof resolveProfile>, { ok: true }>).profile;
}

export function nerdctlLookup(dirs: readonly string[], refHost: string, snapshot: NodeSnapshot, profile: BehaviourProfile): HostDirLookup {
  const valid = dirs.filter((d) => isDirectory(snapshot, d));
  const result: HostDirLookup = { host: refHost, roots: valid, candidates: [], decisions: [] };
  const dropped = dirs.filter((d) => !valid.includes(d));
  if (dropped.length > 0) {
    result.decisions.push({ code: 'nerdctl.hosts-dir-skipped', severity: 'info', message: `nerdctl skips ${dropped.join(', ')}: not a directory on this node`, source: 'nerdctlHostDirsFromRoot' });
  }
  const keys = nerdctlHostKeys(refHost);
  if (keys[0] !== refHost) {
    result.decisions.push({ code: 'nerdctl.host-key', severity: 'info', message: `nerdctl looks up ${refHost} as ${keys.map((k) => JSON.stringify(k)).join(', then ')} in each hosts dir`, source: keys[0] === 'docker.io' ? 'nerdctlHostDir' : 'nerdctlRegistryUrl' });
  }
  for (const root of valid) {
    for (const key of keys) {
      const one = lookupHostDir([root], key, snapshot, profile);
      result.candidates.push(...one.candidates);
      result.decisions.push(...one.decisions.filter((d) => d.code !== 'host-dir.none'));
      if (one.dir !== undefined || one.error !== undefined) {
        if (one.dir !== undefined) result.dir = one.dir;
        if (one.error !== undefined) result.error = one.error;
        return result;
      }
    }
  }
  const looked = result.candidates.filter((c) => c.state === 'missing').map((c) => c.path);
  result.decisions.push({
    code: 'host-dir.none',
    severity: 'info',
    message: `no host directory for ${refHost} in nerdctl's hosts dirs (looked for ${[...new Set(looked)].join(', ') || 'nothing: none of them is a directory'}); nerdctl uses the default upstream`,
    source: 'nerdctlHostDirsFromRoot',
  });
  return result;
}

/** The hosts dirs nerdctl actually reads on this containerd: every dir before 2.0; the first (none with --insecure-registry) on 2.0+. */
export function nerdctlReadDirs(o: NerdctlOptions, profile: BehaviourProfile): string[] {
  const dirs = o.hostsDirs && o.hostsDirs.length > 0 ? [...o.hostsDirs] : [...NERDCTL_DEFAULT_HOSTS_DIRS];
  if (profile.version.major < 2) return dirs;
  return o.insecureRegistry === true ? [] : dirs.slice(0, 1);
}

export function planNerdctl(req: PlanRequest & { nerdctl?: NerdctlOptions }): ClientPlan {
  const o = req.nerdctl ?? {};
  const dirs = o.hostsDirs && o.hostsDirs.length > 0 ? [...o.hostsDirs] : [...NERDCTL_DEFAULT_HOSTS_DIRS];
  const insecure = o.insecureRegistry === true;
  const transfer = req.profile.version.major >= 2;
  const decisions: Decision[] = [
    {
      code: 'nerdctl.no-cri-config',
      severity: 'info',
      message: `nerdctl reads no config.toml: CRI's config_path and registry.mirrors do not apply; its hosts dirs are ${dirs.join(', ')} (${o.hostsDirsSource ?? 'the default'})`,
      source: 'nerdctlHostsDirs',
    },
  ];
  const title = `nerdctl pull ${req.ref}${insecure ? ' --insecure-registry' : ''} (hosts dirs ${dirs.join(', ')})`;
  if (transfer) {
    decisions.push({
      code: 'nerdctl.transfer',
      severity: 'info',
      message: `on containerd ${req.profile.version.major}.${req.profile.version.minor} nerdctl 2.3+ pulls through the daemon's transfer service (nerdctl before 2.3 resolves itself, searching every hosts dir)`,
      source: 'nerdctlTransfer',
    });
    if (insecure) {
      decisions.push({
        code: 'nerdctl.insecure-temp-hosts-dir',
        severity: 'warning',
        message: `--insecure-registry: nerdctl hands the daemon a temporary hosts dir holding only skip_verify = true, so no hosts.toml of ${dirs.join(', ')} is read`,
        source: 'nerdctlTransferHostDir',
      });
    } else if (dirs.length > 1) {
      decisions.push({
        code: 'nerdctl.transfer-first-dir',
        severity: 'info',
        message: `only the first hosts dir (${dirs[0]}) is passed to the transfer service; ${dirs.slice(1).join(', ')} is not read`,
        source: 'nerdctlTransferHostDir',
      });
    }
  }
  const clientProfile = nerdctlHostsProfile(req.profile);
  const base = { client: 'nerdctl' as const, title, mode: transfer ? ('transfer' as const) : ('local' as const), refInput: req.ref, snapshot: req.snapshot, profile: clientProfile, decisions };
  const localScheme = (host: string) => (isLocalhost(host) ? { defaultScheme: 'http' as const } : {});
  const parsed = parseCriReference(req.ref);
  const host = parsed.ok ? parsed.ref.hostname : null;
  if (host !== null && isLocalhost(host)) {
    decisions.push({ code: 'nerdctl.localhost-http', severity: 'info', message: `${host} is a loopback registry: nerdctl sets DefaultScheme http (no HTTPS attempt) for the registry itself`, source: 'nerdctlDefaultScheme' });
  }
  const configure = { ...(host !== null ? localScheme(host) : {}), ...(insecure && !(host !== null && isLocalhost(host)) ? { defaultTls: true } : {}) };
  if (insecure) {
    decisions.push({ code: 'nerdctl.insecure', severity: 'info', message: '--insecure-registry: HTTPS without certificate verification first; plain HTTP is retried only when that fails with a connection refused or an HTTP answer to HTTPS', source: 'nerdctlInsecure' });
  }
  if (transfer) {
    return buildPlan({ ...base, roots: insecure ? null : [dirs[0]!], configure });
  }
  return buildPlan({ ...base, roots: dirs, lookup: (h) => nerdctlLookup(dirs, h, req.snapshot, clientProfile), configure });
}

/** nerdctl.toml's `hosts_dir` and `insecure_registry` (a file that is absent or not valid TOML sets nothing). */
export function nerdctlTomlOptions(snapshot: NodeSnapshot, file: string = NERDCTL_TOML): NerdctlOptions {
  const e = lookupEntry(snapshot, file);
  if (e.kind !== 'file' || e.content?.kind !== 'text') return {};
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(e.content.text) as Record<string, unknown>;
  } catch {
    return {};
  }
  const out: NerdctlOptions = {};
  const dirs = doc['hosts_dir'];
  if (Array.isArray(dirs) && dirs.every((d) => typeof d === 'string')) {
    out.hostsDirs = dirs as string[];
    out.hostsDirsSource = `hosts_dir in ${file}`;
  }
  if (doc['insecure_registry'] === true) out.insecureRegistry = true;
  return out;
}
