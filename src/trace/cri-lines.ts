/**
 * CRI's lines about an image pull (kubelet, crictl): `PullImage "…"` starts one, its normalised
 * reference, and `PullImage … returns/failed` or `Pulled image …` end it; a pod's sandbox image
 * pulled by CRI itself shows only when it failed (`RunPodSandbox for … failed`).
 */
import { normalizeRef } from './classify.js';
import type { LogLine } from './line.js';
import { SANDBOX_FAILED_START } from './messages.js';
import type { ParseState } from './parse-state.js';
import { addWarning, type Group } from './pull-group.js';

/** How many CRI pulls in flight at most are told apart (cri-routing.ts); kubelet runs far fewer at once. */
const MAX_OPEN_CRI = 32;

const PULL_NORMALIZED = 'PullImage using normalized image ref: "';
const PULL_QUOTE = 'PullImage "';

/** A CRI pull line; true when handled. */
export function criLine(s: ParseState, l: LogLine, msg: string, f: Record<string, string>): boolean {
  if (msg.startsWith('PullImage ')) {
    criPull(s, l, msg, f);
  } else if (msg.startsWith('Pulled image ')) {
    const q = msg.indexOf('"', 13);
    const g = (msg.charCodeAt(12) === 34 && q > 13 ? openCriPull(s, msg.slice(13, q)) : null) ?? s.cur;
    if (g && g.cri && !g.closed) {
      s.touch(g, l);
      s.close(g, 'success', null);
    }
  } else if (msg.startsWith('cancel pulling image')) {
    const g = s.cur;
    if (g && g.cri && !g.closed) addWarning(g, msg);
  } else if (msg.startsWith(SANDBOX_FAILED_START)) {
    const p = l.level === 'error' ? sandboxPullError(f.error ?? '') : null;
    if (!p) return false;
    // its resolver lines (debug level) may have come first, in a pull that names no image yet
    const g = adoptCriPull(s, l, p.ref);
    g.criName = p.name;
    markSandbox(g);
    s.touch(g, l);
    s.close(g, 'failure', p.error);
  } else return false;
  return true;
}

/**
 * A failed pull of a pod's sandbox image in CRI's error (`failed to get sandbox image "N": failed
 * to pull image "N": <the pull's error>`, 1.6–2.x ensureImageExists): the image, as named and as
 * normalised, and the pull's own error.
 */
export function sandboxPullError(e: string): { name: string; ref: string; error: string } | null {
  const m = /^failed to get sandbox image "([^"]{1,512})": failed to pull image "[^"]{1,512}": (.{1,8000})$/s.exec(e);
  if (!m) return null;
  const name = m[1] as string;
  const error = m[2] as string;
  return { name, ref: /^failed to pull and unpack image "([^"]{1,512})"/.exec(error)?.[1] ?? normalizeRef(name), error };
}

/** Marks `g` as a pull of a pod's sandbox image, which CRI makes itself. */
export function markSandbox(g: Group): void {
  g.sandbox = true;
  addWarning(g, 'the sandbox image of a pod: CRI pulled it itself to start the pod (RunPodSandbox), so no PullImage line is logged for it');
}

function criPull(s: ParseState, l: LogLine, msg: string, f: Record<string, string>): void {
  // /^PullImage using normalized image ref: "([^"]{1,512})"/
  if (msg.startsWith(PULL_NORMALIZED)) {
    const q = msg.indexOf('"', PULL_NORMALIZED.length);
    const n = q - PULL_NORMALIZED.length;
    if (n >= 1 && n <= 512) {
      const normalized = msg.slice(PULL_NORMALIZED.length, q);
      let g = s.cur;
      if (s.openCri.size > 1) {
        // pulls started together: the oldest one of this image not normalised yet
        for (const o of s.openCri) {
          if (o.ref === o.criName && o.criName !== null && normalizeRef(o.criName) === normalized) {
            g = o;
            break;
          }
        }
      }
      if (g && g.cri && !g.closed) g.ref = normalized;
      // the PullImage line is not in the input (a cut log): this line starts the pull, or names the open one
      else if (!s.groups.some((x) => x.cri && !x.closed && (x.ref === normalized || (x.criName !== null && normalizeRef(x.criName) === normalized)))) adoptCriPull(s, l, normalized);
    }
    return;
  }
  const m = pullImageRef(msg);
  if (!m) return;
  const [ref, rest] = m;
  if (rest === '') {
    const g = s.newGroup(l.format);
    s.cur = g;
    g.cri = true;
    g.mode = 'cri';
    g.ref = ref;
    g.criName = ref;
    g.daemon = true;
    // an earlier pull of the same image still open lost its end line (a retry after a failure
    // pulls again): the two could not be told apart anyway, by repository or by host. Nor is
    // the oldest of more than MAX_OPEN_CRI in flight (end lines filtered out, a cut log); their
    // end lines still find them by name
    const same = normalizeRef(ref);
    for (const o of s.openCri) if (o.criName !== null && normalizeRef(o.criName) === same) s.openCri.delete(o);
    if (s.openCri.size >= MAX_OPEN_CRI) s.openCri.delete(s.openCri.first() as Group);
    s.openCri.add(g);
    s.touch(g, l);
    return;
  }
  let g = openCriPull(s, ref);
  // its start line is not in the input (a cut log): a failure still ends a pull, seen by its end
  if (!g && rest.startsWith(' failed') && !s.groups.some((x) => x.cri && (x.criName === ref || x.ref === ref))) g = adoptCriPull(s, l, ref);
  if (!g) return;
  s.touch(g, l);
  if (rest.startsWith(' failed')) s.close(g, 'failure', f.error ?? null);
  else if (rest.startsWith(' returns image reference')) s.close(g, 'success', null);
}

/**
 * A CRI pull of `ref` whose PullImage line is not in the input: the open daemon pull that names no
 * image yet is this one (its resolver lines came first), else a pull of its own.
 */
function adoptCriPull(s: ParseState, l: LogLine, ref: string): Group {
  const cur = s.cur;
  let g: Group;
  if (cur && !cur.closed && !cur.cri && cur.ref === null && cur.daemon) g = cur;
  else {
    g = s.newGroup(l.format);
    s.cur = g;
    g.daemon = true;
  }
  g.cri = true;
  g.mode = 'cri';
  g.ref = ref;
  g.criName = ref;
  return g;
}

/** The newest CRI pull not ended yet of the image `name` (as PullImage or its normalised line named it). */
function openCriPull(s: ParseState, name: string): Group | null {
  for (let i = s.groups.length - 1; i >= 0; i--) {
    const x = s.groups[i] as Group;
    if (!x.closed && x.cri && (x.criName === name || x.ref === name)) return x;
  }
  return null;
}

/**
 * `/^PullImage "((?:[^"\\]|\\.){1,512})"(.*)$/.exec(msg)` as [ref, rest], scanned by hand: 1 to 512
 * characters or backslash escapes (not of a line terminator) up to the first unescaped quote, and
 * no line terminator after it.
 */
export function pullImageRef(msg: string): [string, string] | null {
  if (!msg.startsWith(PULL_QUOTE)) return null;
  const n = msg.length;
  let k = PULL_QUOTE.length;
  let units = 0;
  for (;;) {
    if (k >= n) return null;
    const c = msg.charCodeAt(k);
    if (c === 34) break;
    if (c === 92) {
      if (k + 1 >= n || isLineTerminator(msg.charCodeAt(k + 1))) return null;
      k += 2;
    } else k++;
    if (++units > 512) return null;
  }
  if (units === 0) return null;
  for (let j = k + 1; j < n; j++) if (isLineTerminator(msg.charCodeAt(j))) return null;
  return [msg.slice(PULL_QUOTE.length, k), msg.slice(k + 1)];
}

function isLineTerminator(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}
