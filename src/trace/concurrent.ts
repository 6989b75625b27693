/**
 * Keys that tie an interleaved daemon log line to one of several CRI pulls in flight (kubelet with
 * serializeImagePulls: false, two pods starting at once, crictl beside kubelet). containerd's
 * resolver logs no request id; what a line does carry is a registry URL (`do request`, `fetch
 * response received`, the error of `trying next host`), a hosts folder (`loading host
 * directory`), or only a host. Pure functions; the parser (TraceParser) decides with them.
 */
import { normalizeRef } from './classify.js';

/** The repository a registry API URL or path names (`…/v2/<repo>/manifests|blobs/…` → `<repo>`), or null. */
export function repositoryOfUrl(url: string): string | null {
  const v2 = url.indexOf('/v2/');
  if (v2 < 0) return null;
  let end = url.indexOf('?', v2);
  if (end < 0) end = url.length;
  const p = url.slice(v2 + 4, end);
  const m = Math.max(p.lastIndexOf('/manifests/'), p.lastIndexOf('/blobs/'));
  return m > 0 ? p.slice(0, m) : null;
}

/** The registry and repository of an image reference as CRI logs it (`nginx:1` → docker.io, library/nginx), or null. */
export function registryAndRepository(ref: string): { registry: string; repository: string } | null {
  let r = normalizeRef(ref);
  const at = r.indexOf('@');
  if (at >= 0) r = r.slice(0, at);
  const slash = r.indexOf('/');
  if (slash <= 0) return null;
  let repository = r.slice(slash + 1);
  const colon = repository.lastIndexOf(':');
  if (colon > repository.lastIndexOf('/')) repository = repository.slice(0, colon);
  return repository ? { registry: r.slice(0, slash), repository } : null;
}

/**
 * True when a URL's repository is the reference's: the same path, or the same path under a
 * mirror's own prefix (a Harbor proxy project, `override_path`: `proxy/library/nginx`).
 */
export function sameRepository(fromUrl: string, ofRef: string): boolean {
  if (fromUrl === ofRef) return true;
  const at = fromUrl.length - ofRef.length;
  return at > 0 && fromUrl.charCodeAt(at - 1) === 47 && fromUrl.endsWith(ofRef);
}

/**
 * True when `dir` (from `loading host directory`) is a hosts folder containerd looks up for
 * `registry`: `<root>/<host:port>`, `<root>/<host>_<port>_`, or `<root>/_default`.
 */
export function hostsDirServes(dir: string, registry: string): boolean {
  const name = dir.slice(dir.lastIndexOf('/') + 1);
  if (name === '_default' || name === registry) return true;
  const colon = registry.lastIndexOf(':');
  return colon > 0 && name === `${registry.slice(0, colon)}_${registry.slice(colon + 1)}_`;
}

/** The URL quoted in a resolver error (`failed to do request: Head "https://…": …`), or null. */
export function urlInError(error: string | undefined): string | null {
  if (!error) return null;
  const m = /^failed to do request: [A-Z][a-z]+ "([^"]{1,2048})": /.exec(error);
  return m ? (m[1] as string) : null;
}
