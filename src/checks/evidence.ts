/**
 * Evidence layer: what the live pulls showed (the traces of `trace`). Skipped with --offline.
 */
import type { PathRun } from '../trace/run-schema.js';
import type { Outcome, TraceAttempt } from '../trace/schema.js';
import { tokenFailure, tokenUnreadable } from '../trace/classify.js';
import { bearerText, refusedTokenRequest, type OutcomeText, type TokenFailure } from './bearer-text.js';
import { OUTCOME_TEXT, statusText } from './outcome-text.js';
import type { Derived } from './derived.js';
import { blobNotFoundAtMirror, errorAtMirror, mirrorUrls } from './mirror-errors.js';
import { blobFailuresAtMirror } from '../trace/mirror-blob-failures.js';
import { isBlobRequest } from '../trace/blob-requests.js';
import type { Evidence, Finding } from './finding.js';
import type { Check } from './types.js';
import { attemptEvidence, finding, pathEvidence, pathLabel, quote, sawResolver } from './make.js';
import { clusterDnsSuffix } from './mirror-cluster-dns.js';
import { silenceIsProof } from '../containerd/silence-waits.js';
import { redirectFailures } from './redirect-target.js';
import { notManifestAnswers } from './not-a-manifest.js';
import { credentialsElsewhere, hasCredentials } from './config-credentials.js';
import { mirrorRoleEvidence, mirrorRoleFix, mirrorRoleText } from './mirror-role-text.js';
import { mirrorDirectPullFailed } from './mirror-direct-pull.js';

/** The paths that read hosts.toml (ctr without --hosts-dir never does). */
function mirrorPaths(d: Derived): PathRun[] {
  return [d.trace.ctrHostsDir, d.trace.cri].filter((p): p is PathRun => !!p?.doc);
}

/** The path went through a mirror: its evidence when it has one, else its doc. */
function mirrorUsedBy(p: PathRun): boolean {
  return p.evidence ? p.evidence.mirrorUsed === true : !!p.doc?.mirrorUsed;
}

const traceUnavailable: Check = {
  id: 'trace-unavailable',
  run(facts) {
    if (facts.trace) return [];
    return [
      finding('trace-unavailable', {
        detail: facts.offline
          ? '--offline: no pulls were made, so the evidence checks are skipped and the verdict comes from the files alone.'
          : `No live trace${facts.traceError ? `: ${facts.traceError}` : ''}; the verdict comes from the files alone.`,
        evidence: facts.traceError ? [{ kind: 'command', source: 'mirror-doctor trace', text: facts.traceError }] : [],
      }),
    ];
  },
};

const mirrorUsed: Check = {
  id: 'mirror-used',
  run(_facts, d) {
    const used = [d.trace.ctrHostsDir, d.trace.cri].filter((p): p is PathRun => !!p && mirrorUsedBy(p));
    if (used.length === 0) return [];
    const evidence: Evidence[] = [];
    for (const p of used) {
      const a = p.doc?.attempts.find((x) => x.mirror && x.outcome === 'ok');
      if (a) evidence.push(attemptEvidence(p, a));
      else if (p.evidence) evidence.push(pathEvidence(p));
    }
    const first = used[0]!;
    const host = first.evidence?.servedBy ?? first.doc?.resolved.host ?? first.doc?.blobHosts[0] ?? 'the mirror';
    const cri = d.trace.cri;
    return [
      finding('mirror-used', {
        severity: 'ok',
        // a pull that went through the mirror and then failed (at a blob, or at a redirect target) was not served
        title:
          used.some((p) => p.pulled === false) || cri?.pulled === false
            ? `the mirror ${host} answered, but the ${cri?.pulled === false ? 'CRI ' : ''}pull then failed`
            : used.some((p) => blobFailuresAtMirror(p).length > 0)
              ? `the mirror ${host} served the image's manifest, but failed a blob (see mirror-fallback)`
              : // stopped once the manifest (or its first blob) was served: the rest was not followed
                used.every((p) => p.stoppedBy === 'verdict' && (p.stopReason === 'manifest-served' || p.stopReason === 'blob-answered'))
                ? `the mirror ${host} served the image's manifest${used.every((p) => p.stopReason === 'blob-answered') ? ' and its first blob' : ''} (the tracer stopped the pull there; trace --full follows the blobs)`
                : noBlobFetched(used)
                  ? `the mirror ${host} served the image's manifest; ctr --hosts-dir fetched no blob, as they were already on this node (content is shared across namespaces): its blobs were not tested`
                  : `the mirror ${host} served the pull`,
        detail: `${used.map((p) => `${pathLabel(p)}${p.evidence && p.evidence.level !== 'proven' ? ` (${p.evidence.level})` : ''}`).join(' and ')} pulled through ${host}.${cri && cri.evidence?.mirrorUsed === false ? ' CRI did not: see cri-path-differs.' : ''}`,
        evidence,
      }),
    ];
  },
};

/**
 * ctr --hosts-dir ended without asking for a blob (all were stored already), and no other pull that
 * used the mirror shows one: a CRI pull's blob requests are seen only in a debug log.
 */
function noBlobFetched(used: PathRun[]): boolean {
  const hd = used.find((p) => p.path === 'ctr-hosts-dir');
  if (!hd?.doc || hd.pulled !== true || hd.stoppedBy || hd.doc.attempts.some(isBlobRequest)) return false;
  return !used.some((p) => p.doc?.attempts.some(isBlobRequest));
}

interface Fallback {
  /** the tracer stopped waiting for this host (a stall), with what it waited */
  stalled: boolean;
  stalledText: string;
  /** per path, what the tracer saw of the silence and what containerd does next (markStalled) */
  stalledWhy: string[];
  /** the silence proves a failing mirror on some path (silenceIsProof), not only a slow one */
  stallProof: boolean;
  /** known only from the failed pull's error, which names the request (errorAtMirror) */
  fromError?: boolean;
  /** the blob (digest, and media type where containerd's error names it) the mirror answered 404 for */
  blob?: string;
  /** a logged request shows the mirror's own answer for the blob, not one it redirected to */
  direct?: boolean;
  host: string;
  outcome: Outcome;
  /** the HTTP status the mirror answered, where known */
  status: number | null;
  to: string | null;
  evidence: Evidence[];
  url: string;
  paths: string[];
  recovered: boolean;
  /** the mirror's WWW-Authenticate challenge, where a dump or the daemon's debug lines show it */
  challenge?: string | null;
  /** the token request containerd's error says failed (a bearer challenge's realm) */
  token?: TokenFailure | null;
  /** containerd's error for a token answer that held no token it could read (tokenUnreadable) */
  unreadable?: string | null;
}

function fallbacksOf(p: PathRun): Array<{ host: string; outcome: Outcome; to: string | null; attempt: TraceAttempt | undefined }> {
  const doc = p.doc!;
  const mirrorHosts = new Set(doc.attempts.filter((a) => a.mirror).map((a) => a.host));
  const out: Array<{ host: string; outcome: Outcome; to: string | null; attempt: TraceAttempt | undefined }> = doc.fallback.filter((f) => mirrorHosts.has(f.from)).map((f) => ({ host: f.from, outcome: f.reason, to: f.to, attempt: doc.attempts.find((a) => a.host === f.from && a.mirror && a.outcome !== 'ok') }));
  // a failed mirror that was the last host (no fallback recorded)
  for (const a of doc.attempts) {
    if (!a.mirror || a.outcome === 'ok' || a.kind === 'auth') continue;
    if (out.some((o) => o.host === a.host)) continue;
    if (!mirrorUsedBy(p)) out.push({ host: a.host, outcome: a.outcome, to: null, attempt: a });
  }
  return out;
}

/** The TLS fix for a host whose table already has a `ca`: replace it, not add one. */
function tlsFixFor(d: Derived, host: string, outcome: Outcome): string[] | null {
  if (outcome !== 'tls-unknown-authority') return null;
  const ep = d.hostDirs.flatMap((v) => v.configured?.endpoints ?? []).find((e) => e.host === host && e.tls.caCerts.length > 0);
  if (!ep) return null;
  return [
    `the CA set for ${host} (ca = ${ep.tls.caCerts.map(quote).join(', ')}) did not sign its certificate: replace it with the CA that issued the certificate`,
    `openssl s_client -connect ${host.includes(':') ? host : `${host}:443`} -showcerts </dev/null   # shows the issuer`,
  ];
}

/**
 * What the stall was and what containerd does next, from the paths' inferred texts: the first
 * that names the kind of silence (a path that could not tell says so in its own text).
 */
function stallExplanation(why: string[]): string {
  const named = why.find((w) => /^the (TCP|connection|response)/.test(w)) ?? why[0] ?? '';
  const text = named.replace(/^;\s*/, '');
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : 'What containerd then does was not observed';
}

/** A mirror that served the tag and answered 404 for a blob; `pullFailed`: no other host served it either. */
function blobText(blob: string, pullFailed: boolean): OutcomeText {
  return {
    what: `the mirror answered 404 for the blob ${blob}: it does not have that blob (a cache that holds the manifest without it, cannot fetch blobs from its own upstream, or lost it). containerd asks every host for a blob in hosts.toml order${pullFailed ? " and reports the first one's answer; no other host served it" : ': the next one then serves it (the upstream last), or the pull fails where none does'}`,
    failed: 'answered 404 for a blob (not-found)',
    fix: (h, u) => [`curl -sSI '${u}'`, `check the mirror's logs and storage for that blob (${h}); a pull-through cache must reach its upstream for blobs too`],
  };
}

const mirrorFallback: Check = {
  id: 'mirror-fallback',
  run(facts, d) {
    const byKey = new Map<string, Fallback>();
    const mirrors = mirrorUrls(d.plans.cri, d.plans.ctrHostsDir);
    const redirected = redirectFailures(d);
    // a path without a document (a daemon at info level that logged nothing) still has its error
    for (const p of [d.trace.ctrHostsDir, d.trace.cri].filter((x): x is PathRun => !!x)) {
      const logged = p.doc ? fallbacksOf(p) : [];
      const blob = logged.length === 0 ? blobNotFoundAtMirror(p, p.path === 'cri' ? d.plans.cri : d.plans.ctrHostsDir) : null;
      const named = logged.length === 0 ? (blob ? { host: blob.host, outcome: 'not-found' as const, status: 404, url: blob.url } : errorAtMirror(p, mirrors)) : null;
      // a failure the redirect-target check already explains is not the mirror's; 1.x names the blob
      // URL it first asked even when that host redirected it, so the same outcome at a target the
      // mirror redirects blobs to (ctr's dump) explains the error too
      const explained = (x: { host: string; url: string; outcome: Outcome }) => redirected.some((f) => f.from === x.host && (f.paths.includes(p.path) || (/\/blobs\//.test(x.url) && f.outcome === x.outcome)));
      if (named && !explained(named)) {
        const key = `${named.host} ${named.outcome}`;
        const cur = byKey.get(key) ?? { stalled: false, stalledText: '', stalledWhy: [], stallProof: false, host: named.host, outcome: named.outcome, status: named.status, to: null, evidence: [], url: named.url, paths: [], recovered: false, fromError: true, ...(blob ? { blob: blob.blob } : {}) };
        // the same blob failure logged on another path: this pull failed on it
        if (blob && cur.blob) Object.assign(cur, { fromError: true, blob: blob.blob, recovered: false });
        cur.evidence.push({ kind: 'api', source: pathLabel(p), text: p.error! });
        cur.paths.push(pathLabel(p));
        byKey.set(key, cur);
      }
      for (const f of logged) {
        const stalled = /^the tracer stopped waiting/.test(f.attempt?.inferred ?? '');
        // a stall is one finding per host, whatever outcome each path's cancelled attempt was logged with
        const key = stalled ? `${f.host} stalled` : `${f.host} ${f.outcome}`;
        const cur = byKey.get(key) ?? { stalled, stalledText: f.attempt?.error ?? 'no answer', stalledWhy: [], stallProof: false, host: f.host, outcome: f.outcome, status: f.attempt?.status ?? null, to: f.to, evidence: [], url: f.attempt?.url ?? `https://${f.host}/v2/`, paths: [], recovered: true };
        if (f.attempt) cur.evidence.push(attemptEvidence(p, f.attempt));
        cur.challenge ??= f.attempt?.challenge ?? null;
        // the challenge of a 401 comes with the mirror's first answer; the failing attempt may be a retry
        cur.challenge ??= p.doc?.attempts.find((a) => a.host === f.host && a.challenge)?.challenge ?? null;
        // the failed token request is named by the mirror's retry, not by its first 401; 1.6 names
        // no URL for a refused one, which ctr's dump then shows
        cur.token ??= p.doc?.attempts.map((a) => (a.host === f.host && a.error ? tokenFailure(a.error) : null)).find((t) => t !== null) ?? refusedTokenRequest(p.doc?.attempts ?? []);
        cur.unreadable ??= p.doc?.attempts.map((a) => (a.host === f.host && a.error ? tokenUnreadable(a.error) : null)).find((t) => t !== null) ?? null;
        // at info level no challenge is logged; these error codes, and a failed token request, exist only in bearer-token auth
        if (!cur.challenge && (cur.token || cur.unreadable || p.doc?.attempts.some((a) => a.host === f.host && /\b(?:insufficient_scope|invalid_token)\b/.test(a.error ?? '')))) cur.challenge = 'Bearer';
        if (stalled) cur.stallProof ||= silenceIsProof(p.stallKind ?? null, p.stallWaitMs ?? 0);
        if (stalled) cur.stalledWhy.push((f.attempt?.inferred ?? '').replace(/^the tracer stopped waiting after \d+ s without an answer(: |; )?/, ''));
        cur.paths.push(pathLabel(p));
        cur.recovered &&= mirrorUsedBy(p);
        byKey.set(key, cur);
      }
      // the mirror served the manifest (no fallback above) and failed a blob
      for (const b of mirrorUsedBy(p) ? blobFailuresAtMirror(p) : []) {
        if (logged.some((f) => f.host === b.host)) continue;
        // a daemon log gives the URL asked with the final answer, as 1.x errors do (explained above)
        if (!b.direct && explained({ host: b.host, url: b.attempt.url ?? b.attempt.path ?? '', outcome: b.outcome })) continue;
        const key = `${b.host} ${b.outcome}`;
        const cur = byKey.get(key) ?? { stalled: false, stalledText: '', stalledWhy: [], stallProof: false, host: b.host, outcome: b.outcome, status: b.status, to: b.to, evidence: [], url: b.attempt.url ?? `https://${b.host}/v2/`, paths: [], recovered: b.servedByMirror, blob: b.blob };
        cur.to ??= b.to;
        cur.direct ||= b.direct;
        cur.evidence.push(attemptEvidence(p, b.attempt));
        cur.paths.push(pathLabel(p));
        byKey.set(key, cur);
      }
    }
    const out: Finding[] = [];
    for (const f of byKey.values()) {
      // the tracer stopped waiting for it: what containerd does next was not seen
      if (f.stalled) {
        out.push(
          finding('mirror-fallback', {
            // an answer that is only late (a cache fetching upstream) is no proof of a failing mirror
            severity: f.recovered || !f.stallProof ? 'warning' : 'error',
            // a body that stopped (markStalled: "no complete answer") was an answer begun
            title: `the mirror ${f.host} stalled: ${/^no complete answer/.test(f.stalledText) ? 'its answer stopped mid-way' : 'no answer'} before the tracer stopped waiting`,
            detail: `The mirror did not ${/^no complete answer/.test(f.stalledText) ? 'finish its answer' : 'answer'} (${f.stalledText}). Seen in ${[...new Set(f.paths)].join(' and ')}, where the tracer stopped the pull. ${stallExplanation(f.stalledWhy)}.`,
            evidence: f.evidence,
            fix: OUTCOME_TEXT.timeout!.fix(f.host, f.url),
          }),
        );
        continue;
      }
      const t = f.outcome === 'unauthorized' && /^Bearer\b/i.test(f.challenge ?? '') ? bearerText(f.challenge!, f.token ?? null, f.unreadable ?? null) : f.blob && f.outcome === 'not-found' ? blobText(f.blob, !!f.fromError) : (statusText(f.outcome, f.status) ?? OUTCOME_TEXT[f.outcome]);
      // CRI's 401 at a mirror while config.toml keys credentials by another host (the upstream)
      const creds = f.outcome === 'unauthorized' && f.paths.includes('CRI (as kubelet)') && !f.token && !f.unreadable ? credentialsElsewhere(facts, d, f.host) : null;
      // ctr has no credentials unless given --user; CRI, with the mirror's from config.toml, used it
      const ctrOnlyAuth = f.outcome === 'unauthorized' && !f.paths.includes('CRI (as kubelet)') && d.trace.cri?.evidence?.mirrorUsed === true && hasCredentials(d, f.host);
      out.push(
        finding('mirror-fallback', {
          severity: ctrOnlyAuth ? 'info' : f.recovered ? 'warning' : 'error',
          title: `the mirror ${f.host} ${t?.failed ?? `failed (${f.outcome})`}${f.to ? ` and containerd fell back to ${f.to}` : ''}${ctrOnlyAuth ? ' for ctr, which has no credentials' : ''}`,
          detail: `${ctrOnlyAuth ? `ctr sends no credentials unless given --user, and mirror-doctor gives it none; CRI (as kubelet) has credentials for ${f.host} in config.toml and used the mirror. For ctr: ` : ''}${t?.what ?? `the mirror failed: ${f.outcome}`}${creds?.detail ?? ''}${f.outcome === 'dns-failure' && clusterDnsSuffix(f.host) ? ` (${f.host} is a cluster DNS name, which the node's resolver does not serve: see mirror-cluster-dns-name)` : ''}. Seen in ${[...new Set(f.paths)].join(' and ')}.${f.to ? ` containerd then tried ${f.to}${f.recovered ? ', and another mirror served the pull' : ''}.` : ''}${f.fromError ? ` The pull failed with ${f.blob ? `containerd's error for a blob whose first host answered 404 (could not fetch content descriptor … from remote: not found), and ${f.host} is the first host it asks for blobs; at info level no line shows the request (containerd logs no failed blob download)` : `an error naming ${f.url}${f.direct ? '' : '; no log line shows the request at info level'}`}.${d.profile.version.major < 2 && !f.direct ? ` ${d.profile.label} names the URL it first asked even when that host redirected the download elsewhere, so the answer may have come from a host the mirror redirected to: \`mirror-doctor trace --full ${d.ctrRef}\` shows the chain.` : ''}` : ''}${f.blob && !f.direct && !f.fromError ? ` The daemon log names the blob URL containerd asked, with the final answer: when the mirror redirects blob downloads, that answer may have come from the host it redirected to (\`mirror-doctor trace --full ${d.ctrRef}\` shows the chain).` : ''}`,
          evidence: [...f.evidence, ...(creds?.evidence ?? [])],
          // the keyed-by-the-mirror fix replaces the generic "give CRI credentials for the mirror host"
          fix: creds ? [creds.fix, ...(t?.fix(f.host, f.url) ?? []).slice(1)] : (tlsFixFor(d, f.host, f.outcome) ?? t?.fix(f.host, f.url) ?? [`curl -sSI '${f.url}'`]),
        }),
      );
    }
    return out;
  },
};

const mirrorNotTried: Check = {
  id: 'mirror-not-tried',
  run(_facts, d) {
    const out: Finding[] = [];
    for (const p of mirrorPaths(d)) {
      const doc = p.doc!;
      if (!doc.hostsDir || doc.hostsTomlErrors.length > 0 || !sawResolver(p)) continue;
      if (doc.attempts.some((a) => a.mirror)) continue;
      // the mirror's own folder (a reference that names it): it has no mirror to try
      if (d.mirrorRoles.length > 0) continue;
      const first = doc.attempts.find((a) => a.kind === 'resolve') ?? doc.attempts[0];
      out.push(
        finding('mirror-not-tried', {
          detail: `${pathLabel(p)} loaded ${doc.hostsDir} but asked no mirror${first ? `: it went straight to ${first.host}` : ''} (no hosts.toml in the folder, no mirror entry, or no mirror with the capability the request needs).`,
          evidence: [{ kind: 'trace', source: `${pathLabel(p)}`, text: `loading host directory dir=${doc.hostsDir}` }, ...(first ? [attemptEvidence(p, first)] : [])],
          fix: [`mirror-doctor explain ${d.ctrRef}   # shows which hosts containerd builds from ${doc.hostsDir}`],
        }),
      );
    }
    return out;
  },
};

const hostsDirNotLoaded: Check = {
  id: 'hosts-dir-not-loaded',
  run(facts, d) {
    const out: Finding[] = [];
    for (const p of mirrorPaths(d)) {
      const doc = p.doc!;
      if (doc.hostsDir || !sawResolver(p)) continue;
      const first = doc.attempts.find((a) => a.kind === 'resolve') ?? doc.attempts[0];
      const why =
        p.path === 'cri'
          ? `the daemon's CRI plugin did not look up a hosts folder for ${d.registryHost ?? 'the registry'} (config_path unset or not applied, or no folder with that name under it)`
          : `no folder under ${d.hostsDir} matches ${d.registryHost ?? 'the registry'}`;
      // the node's mirrors are CRI's registry.mirrors (config_path empty): no pull loads a hosts folder, by design (legacy-mirrors)
      const legacy = d.plans.cri.endpoints.some((ep) => ep.kind === 'legacy-mirror');
      // CRI reading no folder is how registry.mirrors work (legacy-mirrors says so)
      if (legacy && p.path === 'cri') continue;
      const legacyWhy = `no folder under ${d.hostsDir} matches ${d.registryHost ?? 'the registry'}; this node's mirrors are in registry.mirrors of config.toml, which CRI reads and ctr never does (see legacy-mirrors): the CRI pull is the one that counts`;
      // the reference names a mirror: pulled from it directly, as it should be
      const isMirror = d.mirrorRoles.length > 0;
      const mirrorWhy = `none is needed: ${mirrorRoleText(facts, d)}, and a reference that names it is pulled from it directly`;
      const trace: Evidence[] = [{ kind: 'trace', source: pathLabel(p), line: doc.lines.first, text: 'no "loading host directory" line before the first request' }, ...(first ? [attemptEvidence(p, first)] : [])];
      out.push(
        finding('hosts-dir-not-loaded', {
          ...(legacy || isMirror ? { severity: 'info' as const } : {}),
          ...(isMirror ? { title: 'the registry is itself a mirror: pulled from directly' } : {}),
          detail: `${pathLabel(p)} made its requests without loading any hosts folder: ${isMirror ? mirrorWhy : legacy ? legacyWhy : why}.`,
          evidence: isMirror ? [...trace, ...mirrorRoleEvidence(facts, d)] : trace,
          fix: isMirror ? mirrorRoleFix(d) : [`mirror-doctor explain ${d.ctrRef}`],
        }),
      );
    }
    return out;
  },
};

const criPathDiffers: Check = {
  id: 'cri-path-differs',
  run(facts, d) {
    const hd = d.trace.ctrHostsDir;
    const cri = d.trace.cri;
    if (!hd?.doc?.mirrorUsed || !cri || cri.code === 'UNIMPLEMENTED') return [];
    // no statement without its evidence: a daemon at info level logs nothing for a mirror that worked
    const ev = cri.evidence;
    const notUsed = ev ? ev.mirrorUsed === false && ev.level !== 'unknown' : cri.doc !== null && !cri.doc.mirrorUsed;
    if (!notUsed) return [];
    // CRI asked the mirror and failed there: the same path as ctr's, with another outcome (mirror-fallback)
    if (ev?.mirrorTried === true && cri.pulled === false) return [];
    // CRI did use the mirror: it redirected the blobs, and the pull failed at the target (redirect-target-failed)
    const mirrors = mirrorUrls(d.plans.cri);
    if (redirectFailures(d).some((f) => f.paths.includes('cri') && mirrors.has(f.from))) return [];
    const evidence: Evidence[] = [];
    const a = hd.doc.attempts.find((x) => x.mirror && x.outcome === 'ok');
    if (a) evidence.push(attemptEvidence(hd, a));
    const c = cri.doc?.attempts.find((x) => x.kind === 'resolve');
    if (c && sawResolver(cri)) evidence.push(attemptEvidence(cri, c));
    else if (ev) evidence.push(pathEvidence(cri));
    else if (cri.error) evidence.push({ kind: 'api', source: 'CRI PullImage', text: cri.error });
    return [
      finding('cri-path-differs', {
        detail: `The hosts.toml files work (ctr --hosts-dir ${d.hostsDir} used the mirror) but the CRI pull, as kubelet does it, did not${ev ? ` (${ev.level}: ${ev.basis.join('; ')})` : ''}. ${facts.trace?.comparison.verdict ?? ''}`.trim(),
        evidence,
        fix: [
          `mirror-doctor explain ${d.ctrRef}   # what CRI would do with the files, per containerd version`,
          'compare the daemon with the files: the CRI config_path it runs with (restart containerd after editing config.toml), its proxy environment, its credentials for the mirror',
        ],
      }),
    ];
  },
};

const criPathUnknown: Check = {
  id: 'cri-path-unknown',
  run(_facts, d) {
    const hd = d.trace.ctrHostsDir;
    const ev = d.trace.cri?.evidence;
    // the mirrors only CRI reads (registry.mirrors): ctr cannot show them, the CRI pull is all there is
    const legacy = d.plans.cri.endpoints.filter((ep) => ep.kind === 'legacy-mirror').map((ep) => ep.host);
    if (!(hd?.doc?.mirrorUsed || legacy.length > 0) || !ev || ev.level !== 'unknown' || d.trace.cri?.stoppedBy === 'abort') return [];
    const known = hd?.doc?.mirrorUsed ? `ctr --hosts-dir ${d.hostsDir} used the mirror` : `the mirror ${legacy.join(', ')} is in registry.mirrors of config.toml, which only CRI reads`;
    return [
      finding('cri-path-unknown', {
        detail: `${known}, but whether the CRI pull (as kubelet does it) did is not known: ${ev.basis.join('; ')}.`,
        evidence: [pathEvidence(d.trace.cri!)],
        fix: ev.collect ? [`to know: ${ev.collect}`] : [],
      }),
    ];
  },
};

/**
 * CRI asked the mirror (its connections or lines show it) and the pull failed, but no log line or
 * error says at which request: a symptom to explain, never "CRI does not use the mirror".
 */
const criPullFailed: Check = {
  id: 'cri-pull-failed',
  run(_facts, d) {
    const cri = d.trace.cri;
    const ev = cri?.evidence;
    if (!cri || !ev || ev.mirrorTried !== true || ev.mirrorUsed !== false || cri.pulled !== false) return [];
    // explained when a mirror failure is known, from this pull or from ctr's beside it (mirror-fallback, redirect-target-failed, not-a-manifest)
    const hd = d.trace.ctrHostsDir;
    if ((cri.doc && fallbacksOf(cri).length > 0) || (hd?.doc && fallbacksOf(hd).length > 0)) return [];
    if (errorAtMirror(cri, mirrorUrls(d.plans.cri)) || blobNotFoundAtMirror(cri, d.plans.cri) || redirectFailures(d).length > 0 || notManifestAnswers(d).length > 0) return [];
    // the tracer's own --timeout (a gRPC deadline) ended it: the pull had not failed, it had not finished
    const unfinished = cri.stoppedBy === 'timeout' || /Deadline exceeded/.test(cri.error ?? '');
    return [
      finding('cri-pull-failed', {
        severity: unfinished ? 'warning' : 'error',
        title: unfinished ? 'CRI asked the mirror and its pull did not finish in time' : 'CRI asked the mirror and its pull failed',
        detail: `The CRI pull, as kubelet does it, went to the mirror (${ev.level}: ${ev.basis.join('; ')}) and ${unfinished ? 'had not finished when the tracer stopped waiting' : 'failed'}${cri.error ? `: ${cri.error}` : ''}. No log line at this level names the request that ${unfinished ? 'is waiting' : 'failed'}: a blob the mirror does not serve, a host it redirects downloads to, a silent mirror (containerd waits on a request that was sent without end; see mirror-fallback).`,
        evidence: [pathEvidence(cri)],
        fix: [
          `mirror-doctor trace --full ${d.ctrRef}   # ctr's dump shows every request, redirect and answer`,
          'or run containerd at debug level (`[debug] level = "debug"` in config.toml, then restart it) and check again',
        ],
      }),
    ];
  },
};

export const EVIDENCE_CHECKS: Check[] = [traceUnavailable, mirrorUsed, mirrorFallback, mirrorDirectPullFailed, mirrorNotTried, hostsDirNotLoaded, criPathDiffers, criPathUnknown, criPullFailed];
