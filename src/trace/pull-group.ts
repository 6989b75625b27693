/**
 * A pull being assembled from input lines (a group), its attempts, and the pure helpers that
 * look attempts up. The parser's state (parse-state.ts) holds the groups; the line handlers fill
 * them; finalise.ts turns one into a document.
 */
import type { DumpRequest } from './dump.js';
import { registryAndRepository } from './concurrent.js';
import type { RootType } from './root-type.js';
import type { Outcome, LineFormat, PullMode, TraceAttempt, TraceResult } from './schema.js';

/** An attempt being assembled: the schema's fields (its outcome not known yet) and the parser's bookkeeping. */
export interface Attempt extends Omit<TraceAttempt, 'outcome'> {
  outcome: Outcome | null;
  /** created by `resolving` and not yet filled by `do request` */
  placeholder: boolean;
  /** a `trying next host` / `fetch failed` line was seen for it */
  nextLogged: boolean;
  dump: DumpRequest | null;
}

/**
 * What one pull keeps at most (its first ones; the rest are counted in `dropped` and the document
 * says so): a log of one endless pull, or the same line repeated, must not grow the parser
 * without limit. Real pulls stay far below: a 100-layer image with a fallback is ~400 attempts.
 */
export const MAX_ATTEMPTS = 2000;
export const MAX_WARNINGS = 100;
export const MAX_TOML_ERRORS = 100;

/** How many attempts, warnings and hosts.toml errors of a pull were not kept (beyond the maximums above). */
export interface Dropped {
  attempts: number;
  warnings: number;
  hostsTomlErrors: number;
}

export interface Group {
  /** creation order (0, 1, 2, …): which groups may be joined depends on it, not on the window */
  ordinal: number;
  first: number;
  last: number;
  /** the timestamp of its first line that has one (RFC 3339, as logged), or null */
  time: string | null;
  formats: LineFormat[];
  client: boolean;
  daemon: boolean;
  cri: boolean;
  /** a pod's sandbox image, which CRI pulled itself for RunPodSandbox (no PullImage line is logged for it) */
  sandbox: boolean;
  /** the image name exactly as CRI's PullImage logged it (matches its failed/returns lines) */
  criName: string | null;
  ctrStart: boolean;
  mode: PullMode | null;
  ref: string | null;
  urlRef: string | null;
  version: string | null;
  hostsDir: string | null;
  tomlErrors: { dir: string | null; error: string }[];
  debug: Attempt[];
  dump: Attempt[];
  resolvedHost: string | null;
  resolvedDigest: string | null;
  /** what the tag resolved to, when ctr's transfer progress or containerd's unknown-type warning named it */
  root: RootType | null;
  resolveFailed: boolean;
  unpacking: boolean;
  result: TraceResult | null;
  error: string | null;
  closed: boolean;
  warnings: string[];
  joined: boolean;
  /** the line of the `starting containerd` that cut this pull off, or null */
  interrupted: number | null;
  dropped: Dropped;
}

/** `g` with copies of its attempts: finalising settles attempts in place, which a snapshot must not. */
export function withOwnAttempts(g: Group): Group {
  return { ...g, debug: g.debug.map((a) => ({ ...a })), dump: g.dump.map((a) => ({ ...a })) };
}

export function emptyGroup(ordinal: number, line: number, format: LineFormat): Group {
  return {
    ordinal,
    first: line,
    last: line,
    time: null,
    formats: [format],
    client: false,
    daemon: false,
    cri: false,
    sandbox: false,
    criName: null,
    ctrStart: false,
    mode: null,
    ref: null,
    urlRef: null,
    version: null,
    hostsDir: null,
    tomlErrors: [],
    debug: [],
    dump: [],
    resolvedHost: null,
    resolvedDigest: null,
    root: null,
    resolveFailed: false,
    unpacking: false,
    result: null,
    error: null,
    closed: false,
    warnings: [],
    joined: false,
    interrupted: null,
    dropped: { attempts: 0, warnings: 0, hostsTomlErrors: 0 },
  };
}

/** Adds an attempt to `list` (`g.debug` or `g.dump`) unless `g` holds MAX_ATTEMPTS already; true when kept. */
export function addAttempt(g: Group, list: Attempt[], a: Attempt): boolean {
  if (g.debug.length + g.dump.length >= MAX_ATTEMPTS) {
    g.dropped.attempts++;
    return false;
  }
  list.push(a);
  return true;
}

/** Adds a warning unless `g` holds MAX_WARNINGS already. */
export function addWarning(g: Group, w: string): void {
  if (g.warnings.length >= MAX_WARNINGS) g.dropped.warnings++;
  else g.warnings.push(w);
}

/** Adds a hosts.toml error unless `g` holds MAX_TOML_ERRORS already. */
export function addTomlError(g: Group, e: { dir: string | null; error: string }): void {
  if (g.tomlErrors.length >= MAX_TOML_ERRORS) g.dropped.hostsTomlErrors++;
  else g.tomlErrors.push(e);
}



export function newAttempt(a: Pick<Attempt, 'host' | 'url' | 'path' | 'method' | 'kind' | 'mirror' | 'evidence' | 'line'>): Attempt {
  return {
    host: a.host,
    url: a.url,
    path: a.path,
    method: a.method,
    kind: a.kind,
    mirror: a.mirror,
    evidence: a.evidence,
    line: a.line,
    status: null,
    outcome: null,
    error: null,
    digest: null,
    viaProxy: false,
    challenge: null,
    inferred: null,
    placeholder: false,
    nextLogged: false,
    dump: null,
  };
}

/**
 * The newest of `g`'s resolver attempts that passes `pred` and has this URL, else this digest,
 * else this host (when URL and host are both given and no URL matches: the newest of that host).
 */
export function findAttempt(g: Group, url: string | null, host: string | null, digest: string | null, pred: (a: Attempt) => boolean): Attempt | undefined {
  const list = g.debug;
  for (let i = list.length - 1; i >= 0; i--) {
    const a = list[i] as Attempt;
    if (!pred(a)) continue;
    if (url !== null && a.url === url) return a;
    if (url === null && digest !== null && a.digest === digest) return a;
    if (url === null && digest === null && host !== null && a.host === host) return a;
  }
  if (url !== null && host !== null) {
    for (let i = list.length - 1; i >= 0; i--) {
      const a = list[i] as Attempt;
      if (pred(a) && a.host === host) return a;
    }
  }
  return undefined;
}

export function lastOf<T>(xs: T[], pred: (x: T) => boolean): T | undefined {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i] as T)) return xs[i];
  return undefined;
}

const repositories = new WeakMap<Group, { name: string; of: { registry: string; repository: string } | null }>();

/** Registry and repository of a CRI pull's image (remembered while its name stays). */
export function criRepository(g: Group): { registry: string; repository: string } | null {
  const name = g.ref ?? g.criName;
  if (!name) return null;
  const m = repositories.get(g);
  if (m && m.name === name) return m.of;
  const of = registryAndRepository(name);
  repositories.set(g, { name, of });
  return of;
}
