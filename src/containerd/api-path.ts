/**
 * Whether a host's request path can reach a registry API: every OCI distribution API URL is under
 * a `/v2/` segment (at the root, or after a prefix such as Nexus' `/repository/<name>`), and
 * containerd puts `<path>/<repository>/manifests/<tag>` after the host's path as it stands.
 */

/** The path holds a `/v2` segment somewhere (`/v2`, `/v2/proxy`, `/repository/hub/v2`). */
export function hasV2Segment(path: string): boolean {
  return /(^|\/)v2(\/|$)/.test(path);
}

/** `/v2/x/v2`: a `/v2` segment before the last one, as containerd makes it by appending `/v2` to a path that held one. */
export function hasDoubleV2(path: string): boolean {
  return /(^|\/)v2\/(.*\/)?v2$/.test(path);
}

/** The path without its slashes at either end ('' for `/` or ''). */
export function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
