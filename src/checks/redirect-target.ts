/**
 * Evidence layer: a blob download the registry redirected (3xx) to another host, and that failed
 * there — the "mirror works but pulls fail" case: the node reaches the registry, not the storage
 * or CDN host its blobs are handed to.
 */
import type { PathRun } from '../trace/run-schema.js';
import type { Outcome, TraceAttempt, TraceDoc } from '../trace/schema.js';
import { errorUrls } from '../trace/redirects.js';
import { outcomeFromError } from '../trace/classify.js';
import type { Derived } from './derived.js';
import type { Evidence, Finding } from './finding.js';
import type { Check } from './types.js';
import { attemptEvidence, finding, pathLabel } from './make.js';

const hostname = (h: string) => h.replace(/^\[(.*)\](?::\d+)?$/, '$1').replace(/:\d+$/, '');

/** What failed at the target, and what to do about it. */
function causeAndFix(outcome: Outcome | null, target: string, from: string, url: string): { cause: string; fix: string[] } {
  const reach = `curl -sS -o /dev/null -w '%{http_code} %{url_effective}\\n' -L '${url}'   # on the node: follows the redirect as containerd does`;
  const network = [
    `allow ${target} through the node's firewall or egress rules: the node must reach the redirect target itself, not only ${from}`,
    `if the node goes through a proxy: containerd's HTTPS_PROXY/HTTP_PROXY must let ${hostname(target)} through; a NO_PROXY that lists the registry does not cover its redirect target (systemctl show containerd -p Environment)`,
    reach,
  ];
  switch (outcome) {
    case 'connection-refused':
      return { cause: 'the connection was refused', fix: network };
    case 'timeout':
      return { cause: 'the connection timed out', fix: network };
    case 'no-route':
      return { cause: 'there is no route to it', fix: network };
    case null:
      return { cause: 'it accepted the request and never answered (a stall: a proxy or firewall that holds the connection, or a dead storage backend)', fix: network };
    case 'dns-failure':
      return { cause: 'its name does not resolve on the node', fix: [`getent hosts ${hostname(target)}   # the daemon uses the node's resolver`, ...network.slice(1)] };
    case 'tls-unknown-authority':
    case 'tls-hostname-mismatch':
    case 'tls-other':
      return {
        cause: `the TLS handshake failed (${outcome})`,
        fix: [
          `containerd checks ${target} with the TLS settings of ${from}'s host table: a ca there must also have signed ${hostname(target)}'s certificate, or put that CA in the system trust store and restart containerd`,
          `openssl s_client -connect ${target.includes(':') ? target : `${target}:443`} -showcerts </dev/null   # shows the issuer`,
        ],
      };
    case 'forbidden':
      return {
        cause: 'it answered 403 Forbidden, as object storage does for a presigned URL that has expired or whose signature does not match',
        fix: [
          "check the node's clock (timedatectl): presigned URLs are valid for minutes, and a skewed clock or a long queue before the download makes them expire",
          `check ${from}'s storage settings (the presigned URL's expiry, its storage credentials), or let it serve blobs itself instead of redirecting (docker-registry: storage.redirect.disable: true)`,
          'containerd sends no credentials to another host: the target must accept the presigned URL alone',
          reach,
        ],
      };
    default:
      return { cause: `the download failed there (${outcome})`, fix: network };
  }
}

export interface RedirectFailure {
  /** the registry that redirected */
  from: string;
  /** the redirect target */
  to: string;
  /** what failed there; null: no answer */
  outcome: Outcome | null;
  url: string;
  evidence: Evidence[];
  paths: PathRun['path'][];
  pullFailed: boolean;
  how: string;
}

/** Hosts containerd asks itself for this pull (hosts.toml and the upstream): any other host a blob URL names was a redirect target. */
function askedHosts(d: Derived, doc: TraceDoc): Set<string> {
  const hosts = new Set<string>(doc.attempts.map((a) => a.host));
  for (const plan of Object.values(d.plans)) for (const e of plan.endpoints) hosts.add(e.host);
  if (d.registryHost) hosts.add(d.registryHost);
  return hosts;
}

/** The first host containerd asks for blobs in this path (its error is the one containerd reports), and that blob's URL there. */
function firstBlobHost(d: Derived, p: PathRun, blobPath: string): { host: string; url: string } | null {
  const plan = p.path === 'cri' ? d.plans.cri : p.path === 'ctr-hosts-dir' ? d.plans.ctrHostsDir : d.plans.ctr;
  const e = plan.endpoints.find((x) => x.capabilities.includes('pull'));
  if (!e) return null;
  const digest = /sha256:[0-9a-f]{64}/.exec(blobPath)?.[0];
  const ns = e.kind === 'mirror' && d.ref ? `?ns=${encodeURIComponent(d.ref.hostname)}` : '';
  const url = digest && d.ref ? `${e.scheme}://${e.host}${e.path}/${d.ref.repository}/blobs/${digest}${ns}` : `${e.scheme}://${e.host}${e.path}/`;
  return { host: e.host, url };
}

/**
 * The redirected downloads that failed, per registry and target: from the trace's redirect chains,
 * and (a daemon at info level logs only the final error) from an error naming a blob URL on a host
 * containerd does not ask itself, which only a redirect sends it to.
 */
export function redirectFailures(d: Derived): RedirectFailure[] {
  const byTarget = new Map<string, RedirectFailure>();
  const add = (p: PathRun, f: Omit<RedirectFailure, 'evidence' | 'paths'>, ev: Evidence) => {
    const key = `${f.from} ${f.to}`;
    const cur = byTarget.get(key) ?? { ...f, evidence: [], paths: [] };
    cur.evidence.push(ev);
    if (!cur.paths.includes(p.path)) cur.paths.push(p.path);
    cur.pullFailed ||= f.pullFailed;
    byTarget.set(key, cur);
  };
  for (const p of [d.trace.ctr, d.trace.ctrHostsDir, d.trace.cri]) {
    const doc = p?.doc;
    if (!p || !doc) continue;
    const pullFailed = doc.result !== 'success';
    for (const r of doc.redirects ?? []) {
      // a target that never answered matters only when the pull did not finish
      if (r.failed === 0 && !(r.unanswered > 0 && r.ok === 0 && pullFailed)) continue;
      const a = doc.attempts.find((x): x is TraceAttempt => x.host === r.from && x.redirect?.finalHost === r.to && (r.failed > 0 ? x.redirect.outcome !== 'ok' && x.redirect.outcome !== null : x.redirect.outcome === null));
      const how = a?.redirect?.evidence === 'dump' ? `ctr's --http-dump shows the ${a.redirect.hops[0]?.status ?? '3xx'} with Location ${r.to}` : `the error names a URL on ${r.to}, a host containerd only reaches through a redirect`;
      add(p, { from: r.from, to: r.to, outcome: r.failed > 0 ? r.failure : null, url: a?.url ?? `http://${r.from}/v2/`, pullFailed, how }, a ? attemptEvidence(p, a) : { kind: 'trace', source: pathLabel(p), text: r.error ?? `${r.unanswered} request(s) to ${r.to} not answered` });
    }
    if ((doc.redirects ?? []).length === 0 && doc.error) {
      const u = errorUrls(doc.error)[0];
      const first = u ? firstBlobHost(d, p, u.path) : null;
      if (u && first && /\/blobs\/sha256:[0-9a-f]{64}/.test(u.path) && !askedHosts(d, doc).has(u.host)) {
        const from = first.host;
        // canceled while waiting at the target: the caller gave up on a target that did not answer
        const outcome: Outcome | null = u.status === 403 ? 'forbidden' : /context canceled/.test(doc.error) ? null : outcomeFromError(doc.error);
        add(p, { from, to: u.host, outcome, url: first.url, pullFailed, how: `the error names a blob URL on ${u.host}, which is not a host containerd asks for this registry (hosts.toml or the upstream): only a redirect sends it there` }, { kind: p.path === 'cri' ? 'log' : 'trace', source: pathLabel(p), text: doc.error });
      }
    }
  }
  return [...byTarget.values()];
}

const TITLE: Record<PathRun['path'], string> = { ctr: 'ctr (no --hosts-dir)', 'ctr-hosts-dir': 'ctr --hosts-dir', cri: 'CRI (as kubelet)' };

const redirectTargetFailed: Check = {
  id: 'redirect-target-failed',
  run(_facts, d) {
    return redirectFailures(d).map((f): Finding => {
      const { cause, fix } = causeAndFix(f.outcome, f.to, f.from, f.url);
      return finding('redirect-target-failed', {
        severity: f.pullFailed ? 'error' : 'warning',
        title: `${f.from} redirected blob downloads to ${f.to}, which failed${f.outcome ? ` (${f.outcome})` : ' (no answer)'}`,
        detail: `${f.from} answered the manifests and sent the blob downloads to ${f.to} with a redirect (${f.how}); there ${cause}. Seen in ${f.paths.map((p) => TITLE[p]).join(' and ')}. The node must reach ${f.to} as well as ${f.from}: add it to the hosts a firewall or proxy lets through.`,
        evidence: f.evidence,
        fix,
      });
    });
  },
};

export const REDIRECT_CHECKS: readonly Check[] = [redirectTargetFailed];
