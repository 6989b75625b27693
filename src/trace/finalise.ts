/**
 * Turns a pull group into its `mirror-doctor.trace/v1` document: which attempts count, what the
 * silent ones imply, the result, the host that resolved, the blob hosts, the fallbacks and the
 * one-line verdict. Pure. Nothing here is redacted: every output does that at its edge
 * (report/redact-trace.ts).
 */
import { challengeRealm, normalizeRef, outcomeFromError, outcomeFromStatus, registryOfHost, splitUrl, tokenFailure, tokenUnreadable } from './classify.js';
import { lastOf, MAX_ATTEMPTS, MAX_TOML_ERRORS, MAX_WARNINGS, newAttempt, type Attempt, type Dropped, type Group } from './pull-group.js';
import { TRACE_SCHEMA, type PullMode, type TraceDoc, type TraceResult } from './schema.js';
import { dumpChains, errorChain, errorUrls, redirectSummary, withError } from './redirects.js';
import { servedBy } from './blob-requests.js';
import { failedOnRoot, notAnImage } from './root-type.js';

/** Daemon-wide facts of the current daemon run, and its version. */
export interface DaemonInfo {
  criConfigPath: string | null;
  pluginErrors: { plugin: string; error: string }[];
  version: string | null;
}

/** Daemon-wide facts of the current daemon run, as `TraceParser.daemonFacts()` reports them. */
export interface DaemonFacts {
  criConfigPath: string | null;
  pluginErrors: { plugin: string; error: string }[];
  containerdVersion: string | null;
  /** hosts.toml errors no pull in the input came after (kept for the next pull, which never came) */
  hostsTomlErrors: { dir: string | null; error: string }[];
}

/** How the warning of a pull cut off by a daemon restart starts. */
export const RESTARTED = 'containerd restarted';

export function finaliseGroup(g: Group, daemon: DaemonInfo): TraceDoc {
  // attempts: the resolver's debug lines when present, else the dump; auth requests from both
  let attempts: Attempt[];
  const debugMain = g.debug.filter((a) => a.kind !== 'auth');
  if (debugMain.length > 0) {
    const auth = g.dump.filter((a) => a.kind === 'auth');
    applyDumpStatus(auth);
    attempts = [...g.debug, ...auth];
  } else {
    attempts = [...g.debug, ...g.dump];
    // dump-only: a request without a response failed before an answer
    applyFinalErrorToDump(g, attempts);
  }
  applyTokenErrors(attempts, g.error);
  if (attempts.length === 0 && g.result === 'failure' && (g.client || g.sandbox)) attempts = requestOfFinalError(g);
  attempts = followRedirects(g, attempts, debugMain.length > 0);
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
  // a host named without a URL (`trying next host`, `resolving`): a mirror when it is not the
  // reference's registry, as containerd asks no other host (the ?ns= that marks one is in URLs only)
  if (g.ref !== null) {
    const registry = normalizeRef(g.ref).split('/')[0] as string;
    for (const a of attempts) if (a.url === null && a.kind !== 'auth' && !a.mirror && a.host !== '' && registryOfHost(a.host) !== registry) a.mirror = true;
  }
  let result: TraceResult = g.result ?? 'incomplete';
  if (result === 'incomplete') {
    // a pull the daemon was still unpacking when it restarted did not finish
    if (g.unpacking && g.interrupted === null) result = 'success';
    else if (g.resolveFailed) result = 'failure';
  }
  const rootType = g.root !== null && (g.resolvedDigest === null || g.root.digest === g.resolvedDigest) ? g.root.mediaType : null;
  // nothing can run from a root that is no image: the pull failed, whatever ctr's exit says
  if (rootType !== null && notAnImage(rootType) && result !== 'failure') result = 'failure';
  const resolvedHost = g.resolvedHost ?? inferredResolvedHost(attempts);
  const resolvedAttempt = resolvedHost !== null ? lastOf(attempts, (a) => a.kind === 'resolve' && a.host === resolvedHost && a.outcome === 'ok') : undefined;
  const blobHosts: string[] = [];
  for (const a of attempts) {
    const served = a.kind === 'fetch' ? servedBy(a) : null;
    if (served && !blobHosts.includes(served)) blobHosts.push(served);
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
      redirect: a.redirect ?? null,
    })),
    resolved: { host: resolvedHost, digest: g.resolvedDigest ?? resolvedAttempt?.dump?.contentDigest ?? g.root?.digest ?? null },
    rootMediaType: rootType,
    blobHosts,
    redirects: redirectSummary(attempts),
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

/** Attempts read from the dump: their statuses (and challenges) from the dumped responses. */
function applyDumpStatus(attempts: Attempt[]): void {
  for (const a of attempts) {
    if (a.evidence !== 'dump' || a.dump === null || a.dump.status === null) continue;
    a.status = a.dump.status;
    a.outcome = outcomeFromStatus(a.dump.status);
    a.challenge = a.dump.challenge;
  }
}

/**
 * A token request the dump shows without an answer: its outcome from the error that names it (the
 * registry's attempt, or the pull's), as containerd's authorizer reports a failed token fetch.
 */
function applyTokenErrors(attempts: Attempt[], pullError: string | null): void {
  // a token request answered 2xx that containerd read no token from: the realm of the registry whose error says so
  for (const x of attempts) {
    const cause = x.kind !== 'auth' && x.error ? tokenUnreadable(x.error) : null;
    if (cause === null) continue;
    const realm = challengeRealm(attempts.find((c) => c.host === x.host && c.challenge)?.challenge ?? null)?.host;
    for (const a of attempts) {
      if (a.kind !== 'auth' || a.host !== realm || a.status === null || a.status < 200 || a.status >= 300 || a.error !== null) continue;
      a.error = cause;
      a.inferred = 'answered, but containerd read no token in the answer (its error for the request the token was for)';
    }
  }
  for (const a of attempts) {
    if (a.kind !== 'auth' || a.status !== null || a.outcome !== null) continue;
    for (const e of [...attempts.map((x) => x.error), pullError]) {
      const t = e ? tokenFailure(e) : null;
      if (!t || t.host !== a.host) continue;
      a.url ??= t.url;
      a.error = t.cause;
      a.outcome = t.outcome;
      a.inferred = "outcome taken from containerd's error for this token request (the dump shows no response)";
      break;
    }
  }
}

/** Dump-only attempts: statuses from the dumped responses, and ctr's final error for the request it names. */
function applyFinalErrorToDump(g: Group, attempts: Attempt[]): void {
  applyDumpStatus(attempts);
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

const DIGEST = /sha256:[0-9a-f]{64}/;

/**
 * Joins the redirect chains to the attempts: the dump's 3xx and the request that followed (a
 * dump-only trace drops the follow-up requests: they are part of the chain), and errors that name
 * a URL on another host than the one asked (each attempt's own, then the pull's final error, which
 * containerd takes from the first host it tried for that blob).
 */
function followRedirects(g: Group, attempts: Attempt[], fromDebug: boolean): Attempt[] {
  const { chains, follows } = dumpChains(g.dump);
  if (fromDebug) {
    for (const [d, chain] of chains) {
      // the resolver's line comes before the dump of its request; a joined transfer pull has the
      // client's dump first, the daemon's lines after it
      const same = (x: Attempt) => !x.redirect && x.host === d.host && x.url !== null && splitUrl(x.url)?.path === d.path;
      const a = lastOf(g.debug, (x) => x.line <= d.line && same(x)) ?? g.debug.find(same);
      // containerd logs the response its client ended with: the final host's, when the dump lost it
      if (a) a.redirect = chain.finalStatus === null && a.status !== null ? { ...chain, finalStatus: a.status, outcome: outcomeFromStatus(a.status) } : chain;
    }
  } else {
    attempts = attempts.filter((a) => !follows.has(a));
    for (const [d, chain] of chains) {
      d.redirect = chain;
      // the request's result is where its chain ended (as containerd's own lines would log it)
      d.status = chain.finalStatus;
      d.outcome = chain.finalStatus !== null ? outcomeFromStatus(chain.finalStatus) : chain.outcome;
    }
  }
  for (const a of attempts) {
    if (a.kind !== 'fetch' || a.error === null) continue;
    a.redirect = a.redirect ? withError(a.redirect, a.error) : errorChain(a.host, a.error);
  }
  if (g.error) {
    for (const u of errorUrls(g.error).slice(0, 1)) {
      const digest = DIGEST.exec(u.path)?.[0] ?? null;
      if (digest === null) continue;
      const sameBlob = (a: Attempt) => a.kind === 'fetch' && (a.digest === digest || (a.path ?? a.url ?? '').includes(digest));
      // a chain of the dump that ended at this host without an answer
      const open = attempts.find((a) => sameBlob(a) && a.redirect && a.redirect.finalHost === u.host && a.redirect.finalStatus === null && a.redirect.error === null);
      if (open && open.redirect) {
        open.redirect = withError(open.redirect, g.error);
        if (open.error === null && open.status === null) {
          open.error = g.error;
          open.inferred ??= "outcome taken from the pull's final error, which names this request's redirect target";
        }
        continue;
      }
      // the host was asked itself, or a chain already ended there for this blob
      if (attempts.some((a) => a.host === u.host || (sameBlob(a) && a.redirect?.finalHost === u.host))) continue;
      // no chain yet: the first request for this blob, to another host, with nothing logged about its end
      const first = attempts.find((a) => sameBlob(a) && !a.redirect && a.host !== u.host && a.status === null && a.error === null);
      if (first) {
        first.redirect = errorChain(first.host, g.error);
        first.error = g.error;
        first.inferred ??= "outcome taken from the pull's final error, which names a URL on another host (this request's redirect target)";
      }
    }
  }
  return attempts;
}

/** Dump-only traces: the host whose manifest request succeeded. */
function inferredResolvedHost(attempts: Attempt[]): string | null {
  const a = lastOf(attempts, (x) => x.kind === 'resolve' && x.outcome === 'ok');
  return a ? a.host : null;
}

/** Why an input may name no host: what to collect instead. */
export const NOT_LOGGED = 'containerd logs its requests at debug level only; ctr --debug images pull --http-trace, or mirror-doctor check, shows them';

/** The input names a host the pull asked or was served by (a request, the resolving host, a blob host). */
export function hostsLogged(d: TraceDoc): boolean {
  return d.attempts.length > 0 || d.resolved.host !== null || d.blobHosts.length > 0;
}

/**
 * Whether the input would show the hosts folder the pull loaded: containerd logs it at debug
 * level, beside the resolver's own lines (a dump or an error alone does not show it).
 */
export function hostDirLogged(d: TraceDoc): boolean {
  // a request line (`do request`, with its method) is logged at debug level, as `loading host directory` is;
  // `trying next host` and `fetch failed` are info lines and say nothing of the folder
  return d.hostsDir !== null || d.attempts.some((a) => a.evidence === 'debug' && a.method !== null);
}

export function verdictOf(d: TraceDoc): string {
  const res = d.attempts.filter((a) => a.kind === 'resolve');
  const mirrors = [...new Set(res.filter((a) => a.mirror).map((a) => a.host))];
  const first = res[0];
  const redirects = d.redirects ?? [];
  const targets = new Set(redirects.map((r) => r.to));
  const redirected = redirects.filter((r) => r.ok > 0).map((r) => `blobs redirected by ${r.from} to ${r.to}`);
  if (d.result === 'success') {
    if (d.mirrorUsed) {
      const others = d.blobHosts.filter((h) => h !== d.resolved.host && !targets.has(h));
      const notes = [...redirected, ...(others.length ? [`blobs also from ${others.join(', ')}`] : [])];
      return `pulled via mirror ${d.resolved.host ?? d.blobHosts[0] ?? '?'}${notes.length ? ` (${notes.join('; ')})` : ''}`;
    }
    if (mirrors.length) return `pulled from ${d.resolved.host ?? '?'}: mirror ${mirrors.join(', ')} was tried and skipped (${res.filter((a) => a.mirror).map((a) => a.outcome).join(', ')})`;
    if (!hostsLogged(d)) return `pulled; the input does not show which host served it (${NOT_LOGGED})`;
    return `pulled from ${d.resolved.host ?? d.blobHosts[0] ?? '?'} without a mirror${d.hostsDir || !hostDirLogged(d) ? '' : ' (no host directory was loaded)'}`;
  }
  const why = d.error ? `: ${d.error}` : '';
  if (failedOnRoot(d) && d.rootMediaType) {
    const from = d.resolved.host ? ` from ${d.resolved.host}` : '';
    // ctr 2.x's transfer pull stores such a root and reports success; elsewhere containerd's error follows
    const stored = d.error ? '' : d.source.kind === 'ctr' && d.source.mode === 'transfer' ? '; containerd stored it as the image and ctr reported success, but nothing can run from it' : '; nothing can run from it';
    const page = d.rootMediaType.startsWith('text/html') ? ' (a web page: the URL is not the registry API)' : '';
    return `failed: the tag resolved to a ${d.rootMediaType} document${from}, not an image manifest or index${page}${stored}${why}`;
  }
  const broken = redirects.find((r) => r.failed > 0);
  if (d.result === 'failure' && broken) {
    return `failed at a redirect target: ${broken.from} redirected the blob download to ${broken.to}, which failed (${broken.failure ?? 'other'})${why}`;
  }
  if (d.result === 'failure') {
    // only the final error names a host: the hosts before and after it are not in the input
    if (first && res.every((a) => a.evidence === 'error')) {
      // a URL may be where a host redirected to; `pulling from host H` names a host containerd asked
      const role = first.mirror ? ' (mirror)' : '';
      return `failed at ${first.host}${role} (${first.outcome}), the pull's first error; the input shows no other request${first.url !== null && !first.mirror ? ' (a mirror, the registry, or where it redirected: only the error names it)' : ''}${why}`;
    }
    if (mirrors.length) {
      const m = res.filter((a) => a.mirror).map((a) => `${a.host} ${a.outcome}`).join(', ');
      return `failed; mirror tried first (${m}), then ${[...new Set(res.filter((a) => !a.mirror).map((a) => a.host))].join(', ') || 'nothing else'}${why}`;
    }
    if (d.hostsTomlErrors.length) return `failed; hosts.toml could not be parsed, so no mirror was used${why}`;
    if (first) return `failed; no mirror was tried (${[...new Set(res.map((a) => a.host))].join(', ')} only)${why}`;
    return `failed${why}`;
  }
  const cut = d.warnings.find((w) => w.startsWith(RESTARTED));
  const waiting = redirects.find((r) => r.unanswered > 0);
  const head = `${cut ? `incomplete, ${cut}` : 'incomplete'}${waiting ? ` (${waiting.from} redirected the blob download to ${waiting.to}, which has not answered)` : ''}`;
  if (first) return `${head}: ${res.length} resolve attempt(s), last ${res[res.length - 1]?.host || '(host not logged)'} ${res[res.length - 1]?.outcome}`;
  return `${head}: no resolver activity in the input`;
}

/**
 * A failed client pull whose input logs no request (ctr, nerdctl or crictl without --debug): the
 * request its final error names, which is the first that failed other than with a 404 (the
 * resolver returns its first error), with how it failed. A mirror only by its ?ns= (1.5+): the host
 * may also be one a registry redirected to, which nothing here can tell.
 */
function requestOfFinalError(g: Group): Attempt[] {
  const e = g.error ?? '';
  // `failed to do request: Head "URL": cause`; a status: 1.7+ `unexpected status from HEAD request to URL: 500 …`, 1.6 `pulling from host H failed with status code [manifests T]: 500 …`
  const req = /failed to do request: (Head|Get|Post) "?([a-z][a-z0-9+.-]*:\/\/[^"\s]{1,2048}?)"?: (.{1,2000})$/.exec(e);
  const status = req ? null : /unexpected status from (HEAD|GET) request to ([a-z][a-z0-9+.-]*:\/\/\S{1,2048}?):? ([1-5][0-9]{2}\b.{0,200})$/.exec(e);
  const host16 = req || status ? null : /pulling from host (\S{1,256}) failed with status code \[(manifests|blobs) [^\]]{0,200}\]: ([1-5][0-9]{2}\b.{0,200})$/.exec(e);
  let a: Attempt;
  if (host16) {
    a = newAttempt({ host: host16[1] as string, url: null, path: null, method: null, kind: host16[2] === 'blobs' ? 'fetch' : 'resolve', mirror: false, evidence: 'error', line: g.last });
    a.status = Number((host16[3] as string).slice(0, 3));
    a.error = host16[3] as string;
    a.outcome = outcomeFromStatus(a.status);
  } else {
    const m = req ?? status;
    const u = m ? splitUrl(m[2] as string) : null;
    if (!m || !u || !u.host) return [];
    // a manifest by digest, or a body open (`failed to copy: httpReadSeeker`) after the tag resolved: a fetch
    const fetch = /\/blobs\//.test(u.path) || /\/manifests\/sha256:/.test(u.path) || /httpReadSeeker|failed to copy: /.test(e);
    a = newAttempt({ host: u.host, url: m[2] as string, path: u.path, method: /^(Head|HEAD)$/.test(m[1] as string) ? 'HEAD' : 'GET', kind: fetch ? 'fetch' : 'resolve', mirror: u.ns !== null, evidence: 'error', line: g.last });
    a.error = m[3] as string;
    if (status) a.status = Number((m[3] as string).slice(0, 3));
    a.outcome = a.status !== null ? outcomeFromStatus(a.status) : outcomeFromError(a.error);
  }
  a.inferred = 'no request logged: the final error names it, the first to fail other than with a 404 (the input shows no other request)';
  return [a];
}
