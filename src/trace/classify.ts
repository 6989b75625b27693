/** Outcome classification (status codes and Go/containerd error strings) and URL helpers. */
import type { AttemptKind, Outcome } from './schema.js';

export function outcomeFromStatus(status: number): Outcome {
  if (status >= 200 && status < 400) return 'ok';
  if (status === 400) return 'bad-request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status >= 500 && status <= 599) return 'server-error';
  return 'other';
}

/**
 * An outcome as people read it: a status that `other` lumps together named by what it means.
 * containerd asks again at once on a 429 or 408 (up to six requests in all) before the next host.
 */
export function outcomeLabel(outcome: Outcome, status: number | null | undefined): string {
  if (outcome !== 'other' || !status) return outcome;
  if (status === 429) return 'rate-limited';
  if (status === 408) return 'request-timeout';
  return `status ${status}`;
}

/**
 * The status an error names at its end (`…: 429 Too Many Requests`), before the registry's own
 * errors from the body: 1.x `… - Server message: …` (fetcher.go), 2.x on the next lines
 * (errcode.go unexpectedResponseErr joins them), or null.
 */
export function statusInError(e: string): number | null {
  const m = /: ([1-5][0-9]{2}) [A-Z][A-Za-z ]*(?: - Server message: [\s\S]*|\n[\s\S]*)?$/.exec(e);
  return m ? Number(m[1]) : null;
}

/** Parses "404 Not Found" / "HTTP/1.1 404 Not Found" → 404. */
export function parseStatus(s: string | undefined): number | null {
  if (!s) return null;
  const m = /(?:^|\s)([1-5][0-9]{2})(?:\s|$)/.exec(s.length > 64 ? s.slice(0, 64) : s);
  return m ? Number(m[1]) : null;
}

/**
 * Classifies a transport / auth / registry error string (containerd v2.1.9 core/remotes/docker/resolver.go).
 * Order matters: the most specific cause wins (an error quoting a URL may contain "not found" in its path).
 */
export function outcomeFromError(e: string): Outcome {
  // the registry answered 401 and no token could be had: its token server failed (tokenFailure)
  if (e.includes('failed to authorize: ')) return 'unauthorized';
  // nerdctl 1.x's credentials callback refusing another host (the mirror) the registry's credentials:
  // containerd's authorizer asks it only for a 401 (AddResponses)
  if (e.startsWith('expected credFuncExpectedHostname=')) return 'unauthorized';
  // look at the cause, after the quoted URL if any
  const q = e.lastIndexOf('": ');
  const s = q >= 0 ? e.slice(q + 3) : e;
  if (s.includes('server gave HTTP response to HTTPS client')) return 'http-response-to-https';
  if (s.includes('certificate signed by unknown authority')) return 'tls-unknown-authority';
  if (s.includes('certificate is valid for') || s.includes("doesn't contain any IP SANs") || s.includes('certificate is not valid for any names')) return 'tls-hostname-mismatch';
  if (s.includes('TLS handshake timeout')) return 'timeout';
  if (s.includes('connection refused')) return 'connection-refused';
  if (s.includes('no such host') || s.includes('server misbehaving') || s.includes('Temporary failure in name resolution') || s.includes('dial tcp: lookup ')) return 'dns-failure';
  if (s.includes('i/o timeout') || s.includes('context deadline exceeded') || s.includes('Client.Timeout exceeded') || s.includes('timeout awaiting response headers')) return 'timeout';
  if (s.includes('no route to host') || s.includes('network is unreachable')) return 'no-route';
  if (s.includes('x509:') || s.includes('tls:') || s.includes('remote error: tls') || s.includes('does not look like a TLS handshake')) return 'tls-other';
  const st = statusInError(s) ?? Number(/status(?: code)?[^0-9]{0,40}([1-5][0-9]{2}) /.exec(s)?.[1] ?? NaN);
  if (!Number.isNaN(st)) return outcomeFromStatus(st);
  if (s.includes('no basic auth credentials') || s.includes('pull access denied') || s.includes('authorization failed') || s.includes('failed to authorize')) return 'unauthorized';
  if (/(^|: )not found$/.test(s) || s.endsWith(': not found')) return 'not-found';
  return 'other';
}

/**
 * The token request an error says failed (containerd's docker authorizer: `failed to authorize:
 * failed to fetch anonymous|oauth token: Get|Post "URL": cause`, or `unexpected status from GET|POST
 * request to URL: 401 Unauthorized`): the token server's URL, host and outcome; null for other errors.
 */
export function tokenFailure(e: string): { url: string; host: string; outcome: Outcome; cause: string } | null {
  const k = e.indexOf('failed to authorize: ');
  if (k < 0) return null;
  const rest = e.slice(k);
  const dial = /failed to fetch (?:anonymous|oauth) token: (?:Get|Post) "([^"]{1,2048})": (.{1,1000})$/.exec(rest);
  const status = dial ? null : /unexpected status from (?:GET|POST) request to (\S{1,2048}?):? ([1-5][0-9]{2}\b.{0,200})$/.exec(rest);
  const m = dial ?? status;
  if (!m) return null;
  const host = splitUrl(m[1] as string)?.host;
  if (!host) return null;
  const cause = m[2] as string;
  const outcome = dial ? outcomeFromError(cause) : outcomeFromStatus(Number(cause.slice(0, 3)));
  return { url: m[1] as string, host, outcome, cause };
}

/** The status of a token request an error names without its URL (1.6: `failed to fetch anonymous token: unexpected status: 403 Forbidden`), or null. */
export function tokenStatusWithoutUrl(e: string): Outcome | null {
  const m = /failed to fetch (?:anonymous|oauth) token: unexpected status: ([1-5][0-9]{2})\b/.exec(e);
  return m ? outcomeFromStatus(Number(m[1])) : null;
}

/**
 * What containerd's error says of a token answer it could not use: the token server answered
 * (2xx or 3xx) with something that is no token — JSON it cannot decode (a web page: `invalid
 * character '<'`) or JSON without a token (auth/fetch.go: `unable to decode token response`,
 * ErrNoToken). The cause as logged, or null for other errors.
 */
export function tokenUnreadable(e: string): string | null {
  const m = /failed to fetch (?:anonymous|oauth) token: (unable to decode token response: .{0,300}|authorization server did not include a token in the response)/.exec(e);
  return m ? (m[1] as string) : null;
}

/** The realm of a challenge (`Bearer realm="https://auth.docker.io/token"`) and its host:port (null: not a URL). */
export function challengeRealm(challenge: string | null): { url: string; host: string | null } | null {
  const url = /realm="([^"]*)"/.exec(challenge ?? '')?.[1];
  if (url === undefined) return null;
  try {
    return { url, host: new URL(url).host };
  } catch {
    return { url, host: null };
  }
}

export interface UrlParts {
  scheme: string | null;
  host: string;
  path: string;
  ns: string | null;
}

/** Splits an absolute URL (or a scheme-less `//host/path`) without throwing. */
export function splitUrl(u: string): UrlParts | null {
  let rest = u;
  let scheme: string | null = null;
  const ss = rest.indexOf('://');
  if (ss > 0 && ss < 10) {
    scheme = rest.slice(0, ss).toLowerCase();
    rest = rest.slice(ss + 3);
  } else if (rest.startsWith('//')) {
    rest = rest.slice(2);
  } else return null;
  const slash = rest.indexOf('/');
  let host = slash < 0 ? rest : rest.slice(0, slash);
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  const path = slash < 0 ? '/' : rest.slice(slash);
  return { scheme, host, path, ns: nsParam(path) };
}

/** The value of the first `ns=` parameter of the query, decoded (as written if it cannot be), or null. */
export function nsParam(pathAndQuery: string): string | null {
  const q = pathAndQuery.indexOf('?');
  if (q < 0) return null;
  // walk the `&`-separated parameters in place (once per URL of a big log: no array of parts)
  for (let start = q + 1; ; ) {
    let end = pathAndQuery.indexOf('&', start);
    if (end < 0) end = pathAndQuery.length;
    if (pathAndQuery.startsWith('ns=', start)) {
      const v = pathAndQuery.slice(start + 3, end);
      if (v.indexOf('%') < 0) return v;
      try {
        return decodeURIComponent(v);
      } catch {
        return v;
      }
    }
    if (end >= pathAndQuery.length) return null;
    start = end + 1;
  }
}

export const DIGEST_RE = /sha256:[0-9a-f]{64}/;

/** What a registry request path is for: a manifest by tag (resolve), a digest (fetch), or auth. */
export function kindFromPath(method: string | null, path: string): AttemptKind {
  const v2 = path.indexOf('/v2/');
  if (v2 < 0) return 'auth';
  const q = path.indexOf('?');
  const p = q >= 0 ? path.slice(0, q) : path;
  if (p.includes('/blobs/')) return 'fetch';
  const m = p.lastIndexOf('/manifests/');
  if (m >= 0) {
    const tag = p.slice(m + '/manifests/'.length);
    if (tag.includes(':')) return method === 'HEAD' ? 'resolve' : 'fetch';
    return 'resolve';
  }
  return 'unknown';
}

/** The registry host that an upstream host stands for (registry-1.docker.io → docker.io). */
export function registryOfHost(host: string): string {
  return host === 'registry-1.docker.io' || host === 'index.docker.io' ? 'docker.io' : host;
}

/** Reconstructs the image reference from a manifest request (`ns=` names the registry). */
export function refFromPath(host: string | null, path: string): string | null {
  const v2 = path.indexOf('/v2/');
  if (v2 < 0) return null;
  const q = path.indexOf('?');
  const p = q >= 0 ? path.slice(v2 + 4, q) : path.slice(v2 + 4);
  const m = p.lastIndexOf('/manifests/');
  if (m <= 0) return null;
  const repo = p.slice(0, m);
  const tag = p.slice(m + '/manifests/'.length);
  if (!tag) return null;
  const reg = nsParam(path) ?? (host ? registryOfHost(host) : null);
  if (!reg) return null;
  return `${reg}/${repo}${tag.includes(':') ? '@' : ':'}${tag}`;
}

/** Normalises a user-given reference like `nginx` or `library/nginx:1` to `docker.io/library/nginx:latest`. */
export function normalizeRef(ref: string): string {
  let r = ref.trim();
  const slash = r.indexOf('/');
  const first = slash < 0 ? '' : r.slice(0, slash);
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) r = `docker.io/${slash < 0 ? 'library/' : ''}${r}`;
  else if (first === 'index.docker.io' || first === 'registry-1.docker.io') r = `docker.io${r.slice(slash)}`;
  const lastSlash = r.lastIndexOf('/');
  const tail = r.slice(lastSlash + 1);
  if (!tail.includes(':') && !tail.includes('@')) r += ':latest';
  if (r.startsWith('docker.io/') && r.split('/').length === 2) r = r.replace('docker.io/', 'docker.io/library/');
  return r;
}
