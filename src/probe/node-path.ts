/** A path as given for the node (relative or not) made an absolute, clean node path. */
import { goPathClean } from '../containerd/go-url.js';

export function nodePath(p: string): string {
  return goPathClean(p.startsWith('/') ? p : `/${p}`);
}
