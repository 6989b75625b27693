/**
 * `mirror-doctor.trace/v1`: one document per pull attempt group, as printed by
 * `mirror-doctor parse --json` (a JSON array of these).
 *
 * The fields named in issue #4 are exactly as specified there; everything else is an addition
 * (marked "extra" below) that consumers may ignore.
 */

export const TRACE_SCHEMA = 'mirror-doctor.trace/v1' as const;

export type SourceKind = 'ctr' | 'daemon-log';
export type PullMode = 'local' | 'transfer' | 'cri' | 'unknown';
export type AttemptKind = 'resolve' | 'fetch' | 'auth' | 'unknown';
export type TraceResult = 'success' | 'failure' | 'incomplete';

export const OUTCOMES = [
  'ok',
  'not-found',
  'unauthorized',
  'forbidden',
  'bad-request',
  'server-error',
  'tls-unknown-authority',
  'tls-hostname-mismatch',
  'tls-other',
  'http-response-to-https',
  'connection-refused',
  'dns-failure',
  'timeout',
  'no-route',
  'other',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Where a line came from: ctr's own output, or the containerd daemon's log (any wrapping). */
export type LineFormat =
  | 'logrus-text' // time="…" level=… msg=…
  | 'logrus-tty' // INFO[0000] msg   key=value
  | 'logrus-json' // {"level":…,"msg":…}
  | 'journald' // short / short-iso / short-precise prefix, then one of the above
  | 'journal-json' // journalctl -o json
  | 'plain'; // ctr progress, `ctr: …` errors, anything else

/**
 * The redirects one request followed (containerd's client follows them itself): each 3xx with the
 * host its Location named, the host at the end, and what that host answered or where it broke.
 */
export interface TraceRedirect {
  /** in order; `status` null when only an error names the target (the 3xx itself was not logged) */
  hops: { status: number | null; location: string }[];
  /** the host the last Location named: the one that served the bytes, or where the chain broke */
  finalHost: string;
  /** what the final host answered, or null (no answer logged: refused, stalled, cut off) */
  finalStatus: number | null;
  /** the outcome at the final host; null when nothing about it was logged (e.g. it never answered) */
  outcome: Outcome | null;
  /** the error at the final host, as logged */
  error: string | null;
  /** `dump`: ctr's --http-dump showed the 3xx and the request that followed; `error`: an error named the target */
  evidence: 'dump' | 'error';
}

/** Per redirecting registry and target host: what the redirected requests came to. */
export interface TraceRedirectSummary {
  /** the registry (mirror or upstream) that answered with the redirect */
  from: string;
  /** the host its Location named */
  to: string;
  ok: number;
  failed: number;
  /** requests to the target with no answer or error logged (a stalled target, or a log cut off) */
  unanswered: number;
  /** the first failure's outcome and error, or null */
  failure: Outcome | null;
  error: string | null;
}

export interface TraceAttempt {
  host: string;
  url: string | null;
  method: string | null;
  kind: AttemptKind;
  /** The URL carries containerd's `ns=` query parameter (only mirrors get it). */
  mirror: boolean;
  status: number | null;
  outcome: Outcome;
  error: string | null;
  // ---- extra ----
  /** Request path and query when the URL is not known in full (dump-only traces omit the scheme). */
  path: string | null;
  /** Content digest for fetch attempts (from `digest=` or the URL). */
  digest: string | null;
  /** The request went through an HTTP proxy (`proxyconnect` in the error). */
  viaProxy: boolean;
  /** `WWW-Authenticate` challenge received (scheme and realm only, redacted). */
  challenge: string | null;
  /** What the log only implies about this attempt, or null when every field was logged. */
  inferred: string | null;
  /** Where the evidence came from: resolver debug lines, the --http-dump, or both. */
  evidence: 'debug' | 'dump' | 'error';
  /** 1-based input line number of the first line describing this attempt. */
  line: number;
  /** The redirects this request followed, or null (none seen). Absent in documents written before it was added. */
  redirect?: TraceRedirect | null;
}

export interface TraceDoc {
  schema: typeof TRACE_SCHEMA;
  source: {
    kind: SourceKind;
    containerdVersion: string | null;
    mode: PullMode;
    // ---- extra ----
    /** Line formats seen in this group, in order of first appearance. */
    formats: LineFormat[];
    /** True when ctr's client-side output and the daemon's log were joined for one transfer pull. */
    joined: boolean;
  };
  ref: string | null;
  hostsDir: string | null;
  hostsTomlErrors: { dir: string | null; error: string }[];
  attempts: TraceAttempt[];
  resolved: { host: string | null; digest: string | null };
  blobHosts: string[];
  mirrorUsed: boolean;
  result: TraceResult;
  error: string | null;
  // ---- extra ----
  /** First and last input line (1-based) that belonged to this group. */
  lines: { first: number; last: number };
  /** When the pull started: the timestamp of its first line that carries one, as the log wrote it
   *  (RFC 3339); null when no line of it has an absolute time (ctr's `INFO[0000]`, progress). Absent
   *  in documents of mirror-doctor before it was added. */
  time?: string | null;
  /** Redirected downloads per registry and target host (`blobHosts` names the targets that served).
   *  Absent in documents written before it was added. */
  redirects?: TraceRedirectSummary[];
  /** The media type of what the tag resolved to, when the input names it (ctr 2.x's transfer
   *  progress; containerd's warning for a type it cannot read): a `text/html` root is a web page
   *  stored as the image. Null when not named; absent in documents written before it was added. */
  rootMediaType?: string | null;
  /** Where the fallback happened: the first host after which another host was tried, and why. */
  fallback: { from: string; to: string; reason: Outcome }[];
  /** Warnings that affect the verdict (http+TLS https-first, CRI plugin not loaded, …). */
  warnings: string[];
  /** Daemon-wide facts of the daemon run the pull happened in (CRI config, plugin load failures): a
   *  `starting containerd` line starts a new run and clears them. */
  daemon: {
    criConfigPath: string | null;
    pluginErrors: { plugin: string; error: string }[];
  };
  /**
   * How many attempts, warnings and hosts.toml errors of the pull were not kept, when it had more
   * than a document holds (2000, 100, 100: its first ones are kept; a warning says so too); else null.
   */
  dropped: { attempts: number; warnings: number; hostsTomlErrors: number } | null;
  /** One-line verdict (also the last line of the text timeline). */
  verdict: string;
}

// ---------------------------------------------------------------------------------------------
// A small structural validator (no dependency): returns a list of problems, empty when valid.

const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrOrNull = (v: unknown) => v === null || typeof v === 'string';
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const isOutcomeOrNull = (v: unknown) => v === null || (OUTCOMES as readonly string[]).includes(v as string);

function validRedirect(r: unknown): boolean {
  if (!isObj(r) || !Array.isArray(r.hops) || r.hops.length === 0) return false;
  const hopsOk = r.hops.every((h) => isObj(h) && isStr(h.location) && (h.status === null || Number.isInteger(h.status)));
  const statusOk = r.finalStatus === null || Number.isInteger(r.finalStatus);
  return hopsOk && statusOk && isStr(r.finalHost) && isOutcomeOrNull(r.outcome) && isStrOrNull(r.error) && (r.evidence === 'dump' || r.evidence === 'error');
}

export function validateTraceDoc(doc: unknown): string[] {
  const p: string[] = [];
  if (!isObj(doc)) return ['document is not an object'];
  if (doc.schema !== TRACE_SCHEMA) p.push('schema');
  const s = doc.source;
  if (!isObj(s)) p.push('source');
  else {
    if (s.kind !== 'ctr' && s.kind !== 'daemon-log') p.push('source.kind');
    if (!isStrOrNull(s.containerdVersion)) p.push('source.containerdVersion');
    if (!['local', 'transfer', 'cri', 'unknown'].includes(s.mode as string)) p.push('source.mode');
    if (!Array.isArray(s.formats) || !s.formats.every(isStr)) p.push('source.formats');
    if (typeof s.joined !== 'boolean') p.push('source.joined');
  }
  if (!isStrOrNull(doc.ref)) p.push('ref');
  if (!isStrOrNull(doc.hostsDir)) p.push('hostsDir');
  if (!Array.isArray(doc.hostsTomlErrors)) p.push('hostsTomlErrors');
  else doc.hostsTomlErrors.forEach((e, i) => {
    if (!isObj(e) || !isStrOrNull(e.dir) || !isStr(e.error)) p.push(`hostsTomlErrors[${i}]`);
  });
  if (!Array.isArray(doc.attempts)) p.push('attempts');
  else doc.attempts.forEach((a, i) => {
    const at = `attempts[${i}]`;
    if (!isObj(a)) return void p.push(at);
    if (!isStr(a.host)) p.push(`${at}.host`);
    if (!isStrOrNull(a.url)) p.push(`${at}.url`);
    if (!isStrOrNull(a.method)) p.push(`${at}.method`);
    if (!['resolve', 'fetch', 'auth', 'unknown'].includes(a.kind as string)) p.push(`${at}.kind`);
    if (typeof a.mirror !== 'boolean') p.push(`${at}.mirror`);
    if (!(a.status === null || (Number.isInteger(a.status) && (a.status as number) >= 100 && (a.status as number) <= 999))) p.push(`${at}.status`);
    if (!(OUTCOMES as readonly string[]).includes(a.outcome as string)) p.push(`${at}.outcome`);
    if (!isStrOrNull(a.error)) p.push(`${at}.error`);
    if (!isStrOrNull(a.path)) p.push(`${at}.path`);
    if (!isStrOrNull(a.digest)) p.push(`${at}.digest`);
    if (typeof a.viaProxy !== 'boolean') p.push(`${at}.viaProxy`);
    if (!isStrOrNull(a.challenge)) p.push(`${at}.challenge`);
    if (!isStrOrNull(a.inferred)) p.push(`${at}.inferred`);
    if (!['debug', 'dump', 'error'].includes(a.evidence as string)) p.push(`${at}.evidence`);
    if (!Number.isInteger(a.line)) p.push(`${at}.line`);
    if (a.redirect !== undefined && a.redirect !== null && !validRedirect(a.redirect)) p.push(`${at}.redirect`);
  });
  const r = doc.resolved;
  if (!isObj(r) || !isStrOrNull(r.host) || !isStrOrNull(r.digest)) p.push('resolved');
  if (!Array.isArray(doc.blobHosts) || !doc.blobHosts.every(isStr)) p.push('blobHosts');
  if (typeof doc.mirrorUsed !== 'boolean') p.push('mirrorUsed');
  if (!['success', 'failure', 'incomplete'].includes(doc.result as string)) p.push('result');
  if (!isStrOrNull(doc.error)) p.push('error');
  const l = doc.lines;
  if (!isObj(l) || !Number.isInteger(l.first) || !Number.isInteger(l.last)) p.push('lines');
  // added within v1: documents written before it have none
  if (doc.time !== undefined && !isStrOrNull(doc.time)) p.push('time');
  if (doc.rootMediaType !== undefined && !isStrOrNull(doc.rootMediaType)) p.push('rootMediaType');
  if (doc.redirects !== undefined) {
    if (!Array.isArray(doc.redirects)) p.push('redirects');
    else doc.redirects.forEach((r, i) => {
      const ok = isObj(r) && isStr(r.from) && isStr(r.to) && [r.ok, r.failed, r.unanswered].every((n) => Number.isInteger(n)) && isOutcomeOrNull(r.failure) && isStrOrNull(r.error);
      if (!ok) p.push(`redirects[${i}]`);
    });
  }
  if (!Array.isArray(doc.fallback)) p.push('fallback');
  else doc.fallback.forEach((f, i) => {
    if (!isObj(f) || !isStr(f.from) || !isStr(f.to) || !(OUTCOMES as readonly string[]).includes(f.reason as string)) p.push(`fallback[${i}]`);
  });
  if (!Array.isArray(doc.warnings) || !doc.warnings.every(isStr)) p.push('warnings');
  const d = doc.daemon;
  if (!isObj(d) || !isStrOrNull(d.criConfigPath) || !Array.isArray(d.pluginErrors)) p.push('daemon');
  else d.pluginErrors.forEach((e, i) => {
    if (!isObj(e) || !isStr(e.plugin) || !isStr(e.error)) p.push(`daemon.pluginErrors[${i}]`);
  });
  if (!isStr(doc.verdict)) p.push('verdict');
  const dr = doc.dropped;
  if (dr !== null && !(isObj(dr) && Number.isInteger(dr.attempts) && Number.isInteger(dr.warnings) && Number.isInteger(dr.hostsTomlErrors))) p.push('dropped');
  return p;
}
