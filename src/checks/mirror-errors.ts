/**
 * What a failed pull's error says about a mirror, where no log line shows the request (a daemon at
 * info level): the mirror it names by URL or by host, or by position for a blob. Pure.
 */
import { requestUrl, type ClientPlan } from '../containerd/plan.js';
import type { PathRun } from '../trace/run-schema.js';
import type { Outcome } from '../trace/schema.js';
import { outcomeFromError, statusInError } from '../trace/classify.js';

/** A URL in an error, on a host: the request the error names. */
const ERROR_URL = /\b(https?):\/\/([^/\s"]+)(\/[^\s"]*)?/g;

/**
 * A failed pull whose error names a request to a mirror with its outcome: at info level 1.6/1.7 log
 * no line for a 403/5xx, so the pull's own error is the only record that the mirror was asked and
 * failed. On 1.x a redirected blob is reported at the URL first asked (fetcher.go), so the answer may
 * have come from the mirror's redirect target.
 */
export function errorAtMirror(p: PathRun, mirrors: ReadonlyMap<string, string>): { host: string; outcome: Outcome; status: number | null; url: string } | null {
  if (p.pulled !== false || !p.error || p.evidence?.mirrorTried === false) return null;
  const outcome = outcomeFromError(p.error);
  const status = statusInError(p.error);
  if (outcome === 'other' && status === null) return null;
  // (1.x writes `URL: status`: the colon is not the URL's)
  for (const m of p.error.matchAll(ERROR_URL)) if (mirrors.has(m[2]!)) return { host: m[2]!, outcome, status, url: m[0].replace(/:$/, '') };
  // 1.6 names the host alone: `pulling from host H failed with status code [manifests TAG]: 503 Service Unavailable`
  const h = HOST_STATUS.exec(p.error)?.[1];
  return h && mirrors.has(h) ? { host: h, outcome, status, url: mirrors.get(h)! } : null;
}

const HOST_STATUS = /pulling from host (\S+) failed with (?:unexpected )?status code/;

/**
 * containerd's error for a blob no host served, when the first host asked answered 404: Fetch asks
 * every host in hosts.toml order and returns the first one's error (fetcher.go, 1.6–2.1).
 */
const BLOB_NOT_FOUND = /could not fetch content descriptor (sha256:[0-9a-f]{64}) \(([^()\s]{1,200})\) from remote: not found/;

/** The mirror a failed pull's blob error names by position: the first host of the plan, asked and answering 404. */
export function blobNotFoundAtMirror(p: PathRun, plan: ClientPlan): { host: string; url: string; blob: string } | null {
  if (p.pulled !== false || !p.error || p.evidence?.mirrorTried !== true) return null;
  const m = BLOB_NOT_FOUND.exec(p.error);
  const first = plan.fetch?.attempts[0];
  const ep = first ? plan.endpoints.find((e) => e.index === first.endpoint) : undefined;
  if (!m || !ep || ep.kind !== 'mirror' || !plan.reference) return null;
  return { host: ep.host, url: requestUrl(ep, plan.reference, 'blobs', m[1]!), blob: `${m[1]} (${m[2]})` };
}

/** The plans' mirror hosts, each with the URL containerd asks it first (the tag's, else a blob's). */
export function mirrorUrls(...plans: ClientPlan[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const plan of plans) {
    const attempts = [...(plan.resolve?.attempts ?? []), ...(plan.fetch?.attempts ?? [])];
    for (const ep of plan.endpoints) {
      if (ep.kind !== 'mirror' || out.has(ep.host)) continue;
      out.set(ep.host, attempts.find((x) => x.endpoint === ep.index)?.url ?? `${ep.scheme}://${ep.host}/v2/`);
    }
  }
  return out;
}
