/**
 * Which hosts directory containerd uses for a registry host (v2.1.9 core/remotes/docker/config/hosts.go).
 *
 * `HostDirFromRoot(root)` stats `<root>/<host>_<port>_`, `<root>/<host:port>` and (1.6.17+,
 * 1.7+) `<root>/_default` in that order; the first path that exists at all wins, even an
 * empty directory or a file; a stat error other than "not exist" is returned as the error.
 * CRI local pulls try several roots (`config_path` split on `:`); the transfer service and
 * `ctr --hosts-dir` use the string as ONE path.
 */
import type { Decision } from './decision.js';
import { goPathJoin } from './go-url.js';
import { goPathError, isNotExist, lookupEntry, type NodeSnapshot } from './node-snapshot.js';
import type { BehaviourProfile } from './version.js';

/** containerd `hostDirectory`: the last `:` becomes `_…_` (`myregistry.io:5000` → `myregistry.io_5000_`). */
export function hostDirectoryName(host: string): string {
  const idx = host.lastIndexOf(':');
  if (idx > 0) return `${host.slice(0, idx)}_${host.slice(idx + 1)}_`;
  return host;
}

/** A hosts folder's name as the registry host it serves (`host_5000_` → `host:5000`; `_default` stays). */
export function registryOfDirName(name: string): string {
  const m = /^(.+)_(\d+)_$/.exec(name);
  return m ? `${m[1]}:${m[2]}` : name;
}

export interface HostPathCandidate {
  path: string;
  /** Why this candidate exists: port form, host as written, or `_default`. */
  form: 'port-underscore' | 'host' | 'default';
  /** False when the version does not look at it (`_default` before 1.6.17). */
  consulted: boolean;
}

/** containerd `hostPaths` (Unix) for one root, with `_default` marked by version. */
export function hostPaths(root: string, host: string, profile: BehaviourProfile): HostPathCandidate[] {
  const out: HostPathCandidate[] = [];
  const ch = hostDirectoryName(host);
  if (ch !== host) out.push({ path: goPathJoin(root, ch), form: 'port-underscore', consulted: true });
  out.push({ path: goPathJoin(root, host), form: 'host', consulted: true });
  out.push({ path: goPathJoin(root, '_default'), form: 'default', consulted: profile.defaultHostDir });
  return out;
}

export type CandidateState = 'exists-directory' | 'exists-file' | 'exists-other' | 'missing' | 'stat-error' | 'not-consulted' | 'not-reached';

export interface CandidateResult extends HostPathCandidate {
  root: string;
  state: CandidateState;
}

export interface HostDirLookup {
  host: string;
  roots: string[];
  candidates: CandidateResult[];
  /** The directory containerd loads (`loading host directory dir=…`), when one was found. */
  dir?: string;
  /** The error returned to the pull (a stat error other than "not exist"). */
  error?: string;
  decisions: Decision[];
}

/** filepath.SplitList on Unix: '' → []. */
export function splitConfigPath(configPath: string): string[] {
  if (configPath === '') return [];
  return configPath.split(':');
}

function statState(snapshot: NodeSnapshot, path: string): { state: CandidateState; error?: string } {
  const e = lookupEntry(snapshot, path);
  switch (e.kind) {
    case 'missing':
      return { state: 'missing' };
    case 'directory':
      return { state: 'exists-directory' };
    case 'file':
      return { state: 'exists-file' };
    case 'other':
      return { state: 'exists-other' };
    case 'stat-error':
      return isNotExist(e.error) ? { state: 'missing' } : { state: 'stat-error', error: goPathError('stat', path, e.error) };
  }
}

/**
 * Looks a registry host up across roots in order (CRI local pull: `hostDirFromRoots`; one
 * root for ctr and the transfer service). The first root that yields a directory or an error
 * stops the search, so `<first root>/_default` shadows `<second root>/<registry>`
 * (v2.1.9 internal/cri/server/images/image_pull.go).
 */
export function lookupHostDir(roots: string[], host: string, snapshot: NodeSnapshot, profile: BehaviourProfile): HostDirLookup {
  const result: HostDirLookup = { host, roots, candidates: [], decisions: [] };
  let done = false;
  for (const root of roots) {
    for (const cand of hostPaths(root, host, profile)) {
      if (done) {
        result.candidates.push({ ...cand, root, state: 'not-reached' });
        continue;
      }
      if (!cand.consulted) {
        result.candidates.push({ ...cand, root, state: 'not-consulted' });
        const st = statState(snapshot, cand.path);
        if (st.state !== 'missing') {
          result.decisions.push({
            code: 'host-dir.default-unsupported',
            severity: 'warning',
            message: `${cand.path} exists but ${profile.label} does not look at _default directories (they need 1.6.17+ or 1.7.0+)`,
            source: 'hostPathsBefore1617',
          });
        }
        continue;
      }
      const st = statState(snapshot, cand.path);
      result.candidates.push({ ...cand, root, state: st.state });
      if (st.state === 'missing') continue;
      done = true;
      if (st.state === 'stat-error') {
        result.error = st.error!;
        result.decisions.push({
          code: 'host-dir.stat-error',
          severity: 'error',
          message: `${cand.path} cannot be checked (${st.error}); containerd returns this error and the pull fails instead of falling back`,
          containerdError: st.error!,
          source: 'hostDirFromRoot',
        });
        continue;
      }
      result.dir = cand.path;
      result.decisions.push({
        code: 'host-dir.selected',
        severity: 'info',
        message: `using host directory ${cand.path} for ${host}${cand.form === 'default' ? ' (the _default fallback)' : ''}`,
        containerdLog: `level=debug msg="loading host directory" dir=${cand.path}`,
        source: 'hostPaths',
      });
      if (st.state !== 'exists-directory') {
        result.decisions.push({
          code: 'host-dir.not-a-directory',
          severity: 'error',
          message: `${cand.path} exists but is not a directory; containerd still picks it (it only checks that the path exists) and then fails to read hosts.toml in it`,
          source: 'hostDirFromRoot',
        });
      }
      // Shadowing: say which later candidates would have matched.
    }
  }
  if (!result.dir && !result.error) {
    const looked = result.candidates.filter((c) => c.state === 'missing').map((c) => c.path);
    result.decisions.push({
      code: 'host-dir.none',
      severity: 'info',
      message: `no host directory for ${host} (looked for ${looked.join(', ') || 'nothing'}); containerd uses the default upstream`,
      source: 'hostPaths',
    });
  }
  return result;
}

/** Reports candidates that exist but were shadowed by an earlier match. */
export function shadowedCandidates(lookup: HostDirLookup, snapshot: NodeSnapshot): Decision[] {
  if (!lookup.dir) return [];
  const out: Decision[] = [];
  for (const c of lookup.candidates) {
    if (c.state !== 'not-reached') continue;
    const e = lookupEntry(snapshot, c.path);
    if (e.kind === 'directory' || e.kind === 'file') {
      out.push({
        code: 'host-dir.shadowed',
        severity: 'warning',
        message: `${c.path} is never used for ${lookup.host}: ${lookup.dir} exists and wins, even if it has no hosts.toml`,
        source: lookup.roots.length > 1 ? 'criHostDirFromRoots' : 'hostDirFromRoot',
      });
    }
  }
  return out;
}
