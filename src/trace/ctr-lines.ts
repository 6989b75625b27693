/**
 * ctr's own lines: its final error (`ctr: …`), `done: …`, the progress display of local and
 * transfer pulls, and the requests its `--http-dump` prints.
 */
import type { DumpRequest } from './dump.js';
import { DIGEST_RE, kindFromPath, refFromPath } from './classify.js';
import { markSandbox, sandboxPullError } from './cri-lines.js';
import type { LogLine } from './line.js';
import { UA_RE } from './messages.js';
import type { ParseState } from './parse-state.js';
import { newAttempt } from './pull-group.js';
import { ctrRootLine } from './root-type.js';
import type { LineFormat } from './schema.js';

/** An error as gRPC carried it (`rpc error: code = … desc = <error>`), without that wrapper. */
const withoutGrpcPrefix = (e: string): string => e.replace(/^rpc error: code = \w+ desc = /, '');

/** A plain (not logrus) line: ctr's final error and progress. */
export function ctrPlainLine(s: ParseState, text: string, format: LineFormat): void {
  if (text.length === 0) return;
  const c = text.charCodeAt(0);
  if (c === 99 /* c */ && text.startsWith('ctr: ')) {
    const err = text.slice(5).trimEnd();
    // the transfer service's error reaches ctr 1.7-2.1.2 as gRPC's (decoded from 2.1.3)
    const inner = withoutGrpcPrefix(err);
    const g = s.open(format);
    g.client = true;
    s.touch(g, { format });
    const m = /^failed to resolve reference "([^"]{1,512})": /.exec(inner);
    if (m) {
      g.ref ??= m[1] as string;
      g.mode ??= 'local';
    } else if (inner.startsWith('failed to resolve image: ')) g.mode = 'transfer';
    s.close(g, 'failure', err);
    return;
  }
  // kubelet's event, as `kubectl describe` prints it: `Warning  Failed  … kubelet  Failed to pull image "R": <containerd's error>`
  const ev = text.indexOf('Failed to pull image "');
  if (ev >= 0) {
    const m = /^Failed to pull image "([^"]{1,512})": (.{1,8000})$/.exec(text.slice(ev).trimEnd());
    if (m) {
      const err = withoutGrpcPrefix(m[2] as string);
      const g = s.open(format);
      g.client = true;
      s.touch(g, { format });
      g.ref ??= /failed to (?:pull and unpack image|resolve reference) "([^"]{1,512})"/.exec(err)?.[1] ?? (m[1] as string);
      s.close(g, 'failure', err);
      return;
    }
  }
  // the same for a pod's sandbox image: `Warning  FailedCreatePodSandBox  … kubelet  Failed to create pod sandbox: <CRI's error>`
  const sb = text.indexOf('Failed to create pod sandbox: ');
  if (sb >= 0) {
    const p = sandboxPullError(withoutGrpcPrefix(text.slice(sb + 30).trimEnd()));
    if (p) {
      const g = s.open(format);
      g.client = true;
      s.touch(g, { format });
      g.ref ??= p.ref;
      markSandbox(g);
      s.close(g, 'failure', p.error);
      return;
    }
  }
  if (c === 100 /* d */ && /^done: [0-9.]+[a-zµ]*s\s*$/.test(text)) {
    if (s.cur && !s.cur.closed && s.cur.client) {
      s.touch(s.cur, { format });
      s.close(s.cur, 'success', null);
    }
    return;
  }
  const tr = /^(Resolving|Pulling|Completed pull) from OCI Registry \(([^)\s]{1,512})\)/.exec(text);
  if (tr) {
    // the progress display redraws: repeated lines after the pull finished belong to it
    const prev = s.cur;
    if (prev && prev.closed && prev.mode === 'transfer' && (prev.ref === null || prev.ref === tr[2])) {
      s.touch(prev, { format });
      return;
    }
    const g = s.open(format);
    g.client = true;
    g.mode = 'transfer';
    g.ref ??= tr[2] as string;
    s.touch(g, { format });
    if (tr[1] === 'Completed pull') s.close(g, 'success', null);
    return;
  }
  const root = ctrRootLine(text);
  if (root) {
    // the transfer progress redraws: the first root it drew is what the tag resolved to
    const g = s.cur;
    if (g && g.client && g.mode === 'transfer' && g.root === null) g.root = root;
    return;
  }
  // 1.x progress table: "docker.io/library/x:1.0: resolving |--------| elapsed: 0.1 s"
  const pr = /^([^\s:]{1,256}(?::[0-9]{1,5})?\/[^\s]{1,512}):\s+(resolving|resolved)\s+\|/.exec(text);
  if (pr) {
    const g = s.open(format);
    g.client = true;
    g.mode ??= 'local';
    g.ref ??= pr[1] as string;
    s.touch(g, { format });
  }
}

/**
 * An INFO line that may be --http-dump text: fed to the dump assembler when a dump is in
 * progress or the message starts one. True when it was dump text.
 */
export function dumpLine(s: ParseState, l: LogLine): boolean {
  if (!(s.dumpAsm.active || l.msg.length > 0)) return false;
  const before = s.cur;
  if (!s.dumpAsm.active) {
    // a new dump message starts: it belongs to the open group, or starts one
    if (!s.cur || s.cur.closed) s.cur = s.newGroup(l.format);
    s.dumpGroup = s.cur;
  }
  if (!s.dumpAsm.feed(l.msg, s.lineNo)) return false;
  s.touch(s.dumpGroup ?? before, l);
  return true;
}

/** A request the dump assembler completed: an attempt of the dump's group. */
export function dumpRequest(s: ParseState, r: DumpRequest): void {
  const g = s.dumpGroup ?? s.cur ?? (s.cur = s.newGroup('plain'));
  g.client = true;
  const host = r.host ?? '';
  const kind = kindFromPath(r.method, r.path);
  const a = newAttempt({
    host,
    url: null,
    path: r.path,
    method: r.method,
    kind,
    mirror: r.path.includes('?ns=') || r.path.includes('&ns='),
    evidence: 'dump',
    line: r.line,
  });
  a.dump = r;
  if (!g.version && r.userAgent) g.version = UA_RE.exec(r.userAgent)?.[1] ?? null;
  const dm = DIGEST_RE.exec(r.path);
  if (dm && kind === 'fetch') a.digest = dm[0];
  s.addAttempt(g, g.dump, a);
  if (!g.urlRef && kind === 'resolve') g.urlRef = refFromPath(host, r.path);
}

/** ctr's logrus lines about a local pull: its start, unpacking, and a transfer-mode stream. True when handled. */
/**
 * A client's final error as a fatal line: nerdctl `FATA[0000] failed to resolve reference "R": …`,
 * crictl `FATA[…] pulling image: …` (`pulling image failed: rpc error: …` before 1.26) with
 * `failed to pull and unpack image "R": …` in it (ctr
 * prints `ctr: …` instead). The pull failed. True when the line was one.
 */
export function clientFatalLine(s: ParseState, l: LogLine): boolean {
  const msg = l.msg;
  if (!/^(?:pulling image(?: failed)?: |failed to (?:resolve reference|resolve image|pull and unpack image|pull image) )/.test(msg)) return false;
  const g = s.open(l.format);
  g.client = true;
  s.touch(g, l);
  const m = /(?:failed to pull and unpack image|failed to resolve reference|failed to pull image) \\?"([^"\\]{1,512})\\?"/.exec(msg);
  if (m) g.ref ??= m[1] as string;
  s.close(g, 'failure', msg.replace(/^pulling image(?: failed)?: /, ''));
  return true;
}

export function ctrLogLine(s: ParseState, l: LogLine, msg: string, f: Record<string, string>): boolean {
  switch (msg) {
    case 'fetching': {
      // ctr local pull start (cmd/ctr/commands/content/fetch.go)
      if (!f.image) return true;
      const g = s.newGroup(l.format);
      s.cur = g;
      g.ref = f.image;
      g.mode = 'local';
      g.client = true;
      g.ctrStart = true;
      s.touch(g, l);
      return true;
    }
    case 'unpacking':
      if (s.cur && !s.cur.closed) {
        s.cur.unpacking = true;
        s.touch(s.cur, l);
      }
      return true;
    case 'registering stream':
      if ((f.stream ?? '').startsWith('progress') || (f.stream ?? '').startsWith('http-debug')) s.pendingTransfer = true;
      return true;
    default:
      return false;
  }
}
