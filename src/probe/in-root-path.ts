/**
 * Path resolution as a process chrooted at `--root` would do it (the node's view of its own files):
 * absolute symlink targets start again at the root, `..` stops at the root, more than 40 links give
 * ELOOP (Linux's MAXSYMLINKS). Pure: the generator yields each node path it must look at and the
 * driver (src/probe/node-root.ts) answers with what lstat/readlink found there, so the same logic
 * runs over the real file system (async or sync) and over a table in the tests.
 */

/** Linux follows at most 40 symbolic links in one lookup (MAXSYMLINKS), then fails with ELOOP. */
export const MAX_SYMLINKS = 40;

/** What lstat (and readlink, for a link) found at one node path. */
export type PathStep =
  | { kind: 'symlink'; target: string }
  | { kind: 'directory' }
  /** a regular file, socket, fifo, device */
  | { kind: 'other' }
  /** lstat or readlink failed: ENOENT, EACCES, … */
  | { kind: 'error'; code: string };

export type InRootResolution =
  /** `path`: the node path with every symlink resolved; it exists (lstat succeeded there) */
  | { ok: true; path: string }
  /** `at`: the node path (symlinks resolved) where the lookup failed, as the kernel would fail there */
  | { ok: false; code: string; at: string };

/** `followFinal: false` resolves the parents only (lstat semantics: the last link is not followed). */
export interface InRootOptions {
  followFinal?: boolean;
}

const join = (dir: string, name: string) => (dir === '/' ? `/${name}` : `${dir}/${name}`);
const parent = (p: string) => (p === '/' ? '/' : p.slice(0, p.lastIndexOf('/')) || '/');
const components = (p: string) => p.split('/').filter((c) => c !== '' && c !== '.');

/**
 * Resolves a node path (relative paths start at the node's `/`). Yields every node path it looks at
 * (its parents already resolved, so no link is ever followed outside this logic) and expects what is
 * there in return; returns the resolved node path or the errno the node would get.
 */
export function* resolveInRoot(nodePath: string, opts: InRootOptions = {}): Generator<string, InRootResolution, PathStep> {
  const followFinal = opts.followFinal ?? true;
  let current = '/';
  // components still to walk; a link's target is put in front of them
  let rest = components(nodePath);
  let links = 0;
  while (rest.length > 0) {
    const [name, ...after] = rest as [string, ...string[]];
    rest = after;
    if (name === '..') {
      current = parent(current);
      continue;
    }
    const next = join(current, name);
    const last = rest.length === 0;
    const step = yield next;
    if (step.kind === 'error') return { ok: false, code: step.code, at: next };
    if (step.kind === 'symlink') {
      if (last && !followFinal) return { ok: true, path: next };
      if (++links > MAX_SYMLINKS) return { ok: false, code: 'ELOOP', at: next };
      // Linux: an empty link target is ENOENT
      if (step.target === '') return { ok: false, code: 'ENOENT', at: next };
      if (step.target.startsWith('/')) current = '/';
      rest = [...components(step.target), ...rest];
      continue;
    }
    if (step.kind === 'other' && !last) return { ok: false, code: 'ENOTDIR', at: next };
    current = next;
  }
  return { ok: true, path: current };
}

/** Runs {@link resolveInRoot} with a synchronous lookup (tests: a table; the CLI: lstatSync). */
export function resolveInRootWith(nodePath: string, look: (nodePath: string) => PathStep, opts: InRootOptions = {}): InRootResolution {
  const gen = resolveInRoot(nodePath, opts);
  let r = gen.next();
  while (!r.done) r = gen.next(look(r.value));
  return r.value;
}
