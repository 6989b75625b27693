/**
 * Turns a pull group into its `mirror-doctor.trace/v1` document: which attempts count, what the
 * silent ones imply, the result, the host that resolved, the blob hosts, the fallbacks and the
 * one-line verdict. Pure. Nothing here is redacted: every output does that at its edge
 * (report/redact-trace.ts).
 */
import { outcomeFromError, outcomeFromStatus, splitUrl } from './classify.js';
import { lastOf, MAX_ATTEMPTS, MAX_TOML_ERRORS, MAX_WARNINGS, type Attempt, type Dropped, type Group } from './pull-group.js';
import { TRACE_SCHEMA, type PullMode, type TraceDoc, type TraceResult } from './schema.js';

/** Daemon-wide facts of the current daemon run, and its version. */
export interface DaemonInfo {
  criConfigPath: string | null;
  pluginErrors: { plugin: string; error: string }[];
  version: string | null;
}

/** How the warning of a pull cut off by a daemon restart starts. */
export const RESTARTED = 'containerd restarted';

export function finaliseGroup(g: Group, daemon: DaemonInfo): TraceDoc {
  // attempts: the resolver's debug lines when present, else the dump; auth requests from both
  let attempts: Attempt[];
  const debugMain = g.debug.filter((a) => a.kind !== 'auth');
  if (debugMain.length > 0) {
    attempts = [...g.debug, ...g.dump.filter((a) => a.kind === 'auth')];
  } else {
    attempts = [...g.debug, ...g.dump];
    // dump-only: a request without a response failed before an answer
    applyFinalErrorToDump(g, attempts);
  }
  attempts.sort((a, b) => a.line - b.line);
  // settle the last placeholder / silent attempts
  for (const a of attempts) {
    if (a.outcome === null) {
      if (a.status !== null) a.outcome = outcomeFromStatus(a.status);
      else if (a.error !== null) a.outcome = outcomeFromError(a.error);
      else {
        a.outcome = 'other';
        a.inferred ??=
          g.interrupted !== null
            ? 'no outcome logged before containerd restarted'
            : g.result === null || g.result === 'incomplete'
              ? 'no outcome logged (yet)'
              : 'no response or error logged for this request';
      }
    }
  }
  let result: TraceResult = g.result ?? 'incomplete';
  if (result === 'incomplete') {
    // a pull the daemon was still unpacking when it restarted did not finish
    if (g.unpacking && g.interrupted === null) result = 'success';
    else if (g.resolveFailed) result = 'failure';
  }
  const resolvedHost = g.resolvedHost ?? inferredResolvedHost(attempts);
  const resolvedAttempt = resolvedHost !== null ? lastOf(attempts, (a) => a.kind === 'resolve' && a.host === resolvedHost && a.outcome === 'ok') : undefined;
  const blobHosts: string[] = [];
  for (const a of attempts) {
    if (a.kind === 'fetch' && a.outcome === 'ok' && a.host && !blobHosts.includes(a.host)) blobHosts.push(a.host);
  }
  const mirrorUsed = (resolvedAttempt?.mirror ?? false) || attempts.some((a) => a.kind === 'fetch' && a.outcome === 'ok' && a.mirror);
  const fallback: TraceDoc['fallback'] = [];
  const res = attempts.filter((a) => a.kind === 'resolve');
  for (let i = 1; i < res.length; i++) {
    const p = res[i - 1] as Attempt;
    const n = res[i] as Attempt;
    if (p.host !== n.host && p.outcome !== 'ok') fallback.push({ from: p.host, to: n.host, reason: p.outcome ?? 'other' });
  }
  const mode: PullMode = g.cri ? 'cri' : g.mode ?? 'unknown';
  const doc: TraceDoc = {
    schema: TRACE_SCHEMA,
    source: { kind: g.client ? 'ctr' : 'daemon-log', containerdVersion: g.version ?? daemon.version, mode, formats: [...g.formats], joined: g.joined },
    ref: g.ref ?? g.urlRef,
    hostsDir: g.hostsDir,
    hostsTomlErrors: g.tomlErrors.map((e) => ({ ...e })),
    attempts: attempts.map((a) => ({
      host: a.host,
      url: a.url,
      method: a.method,
      kind: a.kind,
      mirror: a.mirror,
      status: a.status,
      outcome: a.outcome ?? 'other',
      error: a.error,
      path: a.path,
      digest: a.digest,
      viaProxy: a.viaProxy,
      challenge: a.challenge,
      inferred: a.inferred,
      evidence: a.evidence,
      line: a.line,
    })),
    resolved: { host: resolvedHost, digest: g.resolvedDigest ?? resolvedAttempt?.dump?.contentDigest ?? null },
    blobHosts,
    mirrorUsed,
    result,
    error: g.error,
    lines: { first: g.first, last: g.last },
    time: g.time,
    fallback,
    warnings: [...g.warnings],
    daemon: { criConfigPath: daemon.criConfigPath, pluginErrors: daemon.pluginErrors.map((e) => ({ ...e })) },
    dropped: null,
    verdict: '',
  };
  const dropped = g.dropped;
  if (dropped.attempts + dropped.warnings + dropped.hostsTomlErrors > 0) {
    doc.dropped = { ...dropped };
    doc.warnings.push(droppedWarning(dropped));
  }
  doc.verdict = verdictOf(doc);
  return doc;
}

/** The line a document whose pull was cut to its bounds carries: what was not kept, and why. */
function droppedWarning(d: Dropped): string {
  const parts: string[] = [];
  if (d.attempts) parts.push(`${d.attempts} more attempt${d.attempts === 1 ? '' : 's'} (the first ${MAX_ATTEMPTS} are kept)`);
  if (d.warnings) parts.push(`${d.warnings} more warning${d.warnings === 1 ? '' : 's'} (the first ${MAX_WARNINGS} are kept)`);
  if (d.hostsTomlErrors) parts.push(`${d.hostsTomlErrors} more hosts.toml error${d.hostsTomlErrors === 1 ? '' : 's'} (the first ${MAX_TOML_ERRORS} are kept)`);
  return `not kept, to bound memory: ${parts.join(', ')}; the result is read from all of the pull's lines`;
}

/** Dump-only attempts: statuses from the dumped responses, and ctr's final error for the request it names. */
function applyFinalErrorToDump(g: Group, attempts: Attempt[]): void {
  for (const a of attempts) {
    if (a.evidence !== 'dump' || a.dump === null) continue;
    if (a.dump.status !== null) {
      a.status = a.dump.status;
      a.outcome = outcomeFromStatus(a.dump.status);
      a.challenge = a.dump.challenge;
    }
  }
  if (!g.error) return;
  const m = /failed to do request: [A-Z][a-z]+ "([^"]{1,2048})": (.*)$/.exec(g.error);
  if (!m) return;
  const u = splitUrl(m[1] as string);
  if (!u) return;
  const a = lastOf(attempts, (x) => x.evidence === 'dump' && x.host === u.host && x.path === u.path && x.status === null);
  if (a) {
    a.url = m[1] as string;
    a.error = g.error;
    a.outcome = outcomeFromError(g.error);
    a.viaProxy = g.error.includes('proxyconnect');
    a.inferred = 'outcome taken from ctr\'s final error (the dump shows no response)';
  }
}

/** Dump-only traces: the host whose manifest request succeeded. */
function inferredResolvedHost(attempts: Attempt[]): string | null {
  const a = lastOf(attempts, (x) => x.kind === 'resolve' && x.outcome === 'ok');
  return a ? a.host : null;
}

export function verdictOf(d: TraceDoc): string {
  const res = d.attempts.filter((a) => a.kind === 'resolve');
  const mirrors = [...new Set(res.filter((a) => a.mirror).map((a) => a.host))];
  const first = res[0];
  if (d.result === 'success') {
    if (d.mirrorUsed) {
      const others = d.blobHosts.filter((h) => h !== d.resolved.host);
      return `pulled via mirror ${d.resolved.host ?? d.blobHosts[0] ?? '?'}${others.length ? ` (blobs also from ${others.join(', ')})` : ''}`;
    }
    if (mirrors.length) return `pulled from ${d.resolved.host ?? '?'}: mirror ${mirrors.join(', ')} was tried and skipped (${res.filter((a) => a.mirror).map((a) => a.outcome).join(', ')})`;
    return `pulled from ${d.resolved.host ?? d.blobHosts[0] ?? '?'} without a mirror${d.hostsDir ? '' : ' (no host directory was loaded)'}`;
  }
  const why = d.error ? `: ${d.error}` : '';
  if (d.result === 'failure') {
    if (mirrors.length) {
      const m = res.filter((a) => a.mirror).map((a) => `${a.host} ${a.outcome}`).join(', ');
      return `failed; mirror tried first (${m}), then ${[...new Set(res.filter((a) => !a.mirror).map((a) => a.host))].join(', ') || 'nothing else'}${why}`;
    }
    if (d.hostsTomlErrors.length) return `failed; hosts.toml could not be parsed, so no mirror was used${why}`;
    if (first) return `failed; no mirror was tried (${[...new Set(res.map((a) => a.host))].join(', ')} only)${why}`;
    return `failed${why}`;
  }
  const cut = d.warnings.find((w) => w.startsWith(RESTARTED));
  const head = cut ? `incomplete, ${cut}` : 'incomplete';
  if (first) return `${head}: ${res.length} resolve attempt(s), last ${res[res.length - 1]?.host} ${res[res.length - 1]?.outcome}`;
  return `${head}: no resolver activity in the input`;
}
