/**
 * Evidence layer: a host answered the manifest request with something that is not a manifest (a
 * web page). containerd takes the answer's Content-Type as the media type and tries no other host
 * after a 200; the pull then fails with "unexpected media type text/html for sha256:…".
 */
import type { PathRun } from '../trace/run-schema.js';
import type { Derived } from './derived.js';
import type { Evidence, Finding } from './finding.js';
import type { Check } from './types.js';
import { attemptEvidence, finding, pathLabel } from './make.js';

/** containerd's error for a resolved descriptor whose media type is no manifest or index (images.Manifest, 1.6–2.1). */
const UNEXPECTED_TYPE = /unexpected media type (\S+) for (sha256:[0-9a-f]{64})/;

export interface NotManifestAnswer {
  mediaType: string;
  digest: string;
  /** the host that resolved the tag to it, when a trace shows it */
  host: string | null;
  mirror: boolean;
  /** the request that got the answer, or the host's registry API root */
  url: string | null;
  /** the path of that host's URL when it is not /v2 (containerd appends /v2 unless override_path) */
  urlPath: string | null;
  evidence: Evidence[];
  /** the pulls that failed on it, as labelled for people */
  paths: string[];
}

/** The pulls that failed on a non-manifest answer, by digest, with the host that gave it when known. */
export function notManifestAnswers(d: Derived): NotManifestAnswer[] {
  const runs = [d.trace.ctrHostsDir, d.trace.cri, d.trace.ctr].filter((p): p is PathRun => !!p);
  const byDigest = new Map<string, NotManifestAnswer>();
  for (const p of runs) {
    const error = p.doc?.error ?? p.error;
    const m = error ? UNEXPECTED_TYPE.exec(error) : null;
    if (!m || !error) continue;
    const mediaType = m[1]!;
    const digest = m[2]!;
    let cur = byDigest.get(digest);
    if (!cur) {
      cur = { mediaType, digest, host: null, mirror: false, url: null, urlPath: null, evidence: [], paths: [] };
      byDigest.set(digest, cur);
    }
    cur.paths.push(pathLabel(p));
    cur.evidence.push({ kind: p.path === 'cri' ? 'log' : 'trace', source: pathLabel(p), text: error });
  }
  // the host that resolved the tag to that digest, in any pull (the same digest is the same answer)
  for (const cur of byDigest.values()) {
    for (const p of runs) {
      const doc = p.doc;
      if (!doc || doc.resolved.digest !== cur.digest || !doc.resolved.host) continue;
      const host = doc.resolved.host;
      const attempt = doc.attempts.filter((a) => a.host === host && a.kind === 'resolve' && a.outcome === 'ok').at(-1);
      const endpoint = Object.values(d.plans)
        .flatMap((plan) => plan.endpoints)
        .find((e) => e.host === host);
      cur.host = host;
      cur.mirror = attempt?.mirror ?? endpoint?.kind === 'mirror';
      cur.url = attempt?.url ?? (endpoint ? `${endpoint.scheme}://${endpoint.host}${endpoint.path}/` : null);
      cur.urlPath = endpoint && endpoint.path !== '/v2' ? endpoint.path : null;
      if (attempt) cur.evidence.unshift(attemptEvidence(p, attempt));
      break;
    }
  }
  return [...byDigest.values()];
}

const notAManifest: Check = {
  id: 'not-a-manifest',
  run(_facts, d) {
    return notManifestAnswers(d).map((a): Finding => {
      const who = a.host ? `${a.mirror ? 'the mirror ' : ''}${a.host}` : 'a host containerd asked';
      const page = /html/i.test(a.mediaType) ? ' (a web page: a repository manager\'s UI, a login or proxy portal, or a URL that is not the registry API)' : '';
      const pathNote = a.urlPath ? ` Its URL has the path ${a.urlPath}, to which containerd appends /v2 unless override_path = true (see mirror-path-needs-override).` : '';
      const where = a.host ? '' : ' No trace at this log level shows which host answered: ctr --hosts-dir (mirror-doctor trace) names it.';
      return finding('not-a-manifest', {
        title: `${who} answered the manifest request with ${a.mediaType}, not an image manifest`,
        detail: `containerd takes the Content-Type of the answer to the manifest request as the image's media type. ${who[0]!.toUpperCase()}${who.slice(1)} answered it with ${a.mediaType}${page}, so the tag resolved there to ${a.digest}, and the pull failed when containerd read that as a manifest. After a 200 containerd tries no other host.${pathNote}${where} Seen in ${a.paths.join(' and ')}.`,
        evidence: a.evidence,
        fix: [
          ...(a.url ? [`curl -sSI '${a.url}'   # a registry answers with a manifest's Content-Type (application/vnd.oci.image.index.v1+json, …) and Docker-Distribution-Api-Version: registry/2.0`] : []),
          `point the [host."…"] URL in hosts.toml at the registry API, not the web UI: the host and port that answer /v2/ (a repository manager serves Docker on its own connector port or repository path)${a.urlPath ? ', and set override_path = true when the URL carries the full path to the API' : ''}`,
        ],
      });
    });
  },
};

export const NOT_A_MANIFEST_CHECKS: readonly Check[] = [notAManifest];
