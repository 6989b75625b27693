/**
 * Line-shape detection: turns one raw input line into a log entry (level, message, lazily parsed
 * fields) or a plain line, whatever wrapper it came in:
 *
 *  - logrus text            time="2026-…" level=debug msg="do request" host=… (ctr and daemon)
 *  - logrus TTY             INFO[0000] HEAD /v2/… HTTP/1.1   (ctr on a terminal, colours optional)
 *  - logrus / containerd JSON {"level":"debug","msg":"resolving","host":"…","time":"…"}
 *  - journald prefixes      "Nov 27 23:31:59 node containerd[812]: " (short, short-precise),
 *                           "2026-11-27T23:31:59+0000 node containerd[812]: " (short-iso[-precise])
 *  - journalctl -o json     {"MESSAGE":"time=… level=…", "_SYSTEMD_UNIT":"containerd.service", …}
 *  - k3s / RKE2 containerd.log: plain logrus text (same as the daemon)
 *  - anything else          plain (ctr progress, `ctr: …`, CRI-less noise)
 *
 * Never throws. Regexes are anchored and free of nested quantifiers (no backtracking blow-up).
 */
import { parseLogfmt, readValue } from './logfmt.js';
import type { LineFormat } from './schema.js';

export type Level = 'trace' | 'debug' | 'info' | 'warning' | 'error' | 'fatal' | 'panic';

export interface LogLine {
  kind: 'log';
  format: LineFormat;
  /** The innermost format (e.g. logrus-text inside journald). */
  inner: LineFormat;
  level: Level | null;
  msg: string;
  time: string | null;
  /** The producer looks like ctr (second-precision logrus text, TTY form) rather than the daemon. */
  client: boolean;
  /** Source text for lazy field parsing, and where the fields start. */
  src: string;
  at: number;
  /** Pre-parsed fields (JSON formats). */
  pre: Record<string, string> | null;
}

export interface PlainLine {
  kind: 'plain';
  format: LineFormat;
  text: string;
}

export type ScannedLine = LogLine | PlainLine;

const TTY_LEVELS: Record<string, Level> = {
  TRAC: 'trace', DEBU: 'debug', INFO: 'info', WARN: 'warning', ERRO: 'error', FATA: 'fatal', PANI: 'panic',
};

function normLevel(l: string): Level | null {
  switch (l) {
    case 'trace': case 'debug': case 'info': case 'error': case 'fatal': case 'panic':
      return l;
    case 'warning': case 'warn':
      return 'warning';
    default: {
      const x = l.toLowerCase();
      if (x !== l) return normLevel(x);
      return null;
    }
  }
}

// journald: short / short-precise ("Nov 27 23:31:59[.123456] host ident[pid]: ")
const JOURNALD_SHORT = /^[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)? [^ ]+ [^ [:]+(?:\[[0-9]+\])?: /;
// journald: short-iso / short-iso-precise ("2026-11-27T23:31:59[.123456]+0000 host ident[pid]: ")
const JOURNALD_ISO = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?(?:Z|[+-][0-9]{2}:?[0-9]{2})? [^ ]+ [^ [:]+(?:\[[0-9]+\])?: /;
// logrus TTY: "INFO[0000] " or "INFO[2026-11-27T23:31:59Z] "
const TTY = /^(TRAC|DEBU|INFO|WARN|ERRO|FATA|PANI)\[([^\]]{0,40})\] ?/;
// ANSI colour sequences
const ANSI = /\x1b\[[0-9;]*m/g;
const KEY_START = /^[A-Za-z_][A-Za-z0-9_.\-]*=/;

/** Lines longer than this are cut: real logrus entries are split at 64 KiB. */
export const MAX_SCAN = 1 << 20;

export function scanLine(raw: string, depth = 0): ScannedLine {
  let line = raw;
  if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1); // CRLF
  const c0 = line.charCodeAt(0);
  // logrus text: the hot path
  if (c0 === 116 /* t */ && line.startsWith('time=')) return scanLogrusText(line, 5, 'logrus-text');
  if (c0 === 108 /* l */ && line.startsWith('level=')) return scanLogrusText(line, -1, 'logrus-text');
  if (c0 === 123 /* { */ && depth < 2) return scanJson(line, depth);
  if (c0 === 27 /* ESC */ || (c0 >= 65 && c0 <= 90)) {
    const s = c0 === 27 || line.indexOf('\x1b[') >= 0 ? line.replace(ANSI, '') : line;
    const t = TTY.exec(s);
    if (t) return scanTty(s, t[0].length, TTY_LEVELS[t[1] as string] ?? null, t[2] ?? null);
    if (depth < 2) {
      const j = JOURNALD_SHORT.exec(s);
      if (j) return wrap(scanLine(s.slice(j[0].length), depth + 1), 'journald');
    }
    return { kind: 'plain', format: 'plain', text: s };
  }
  if (c0 >= 48 && c0 <= 57 && depth < 2) {
    const j = JOURNALD_ISO.exec(line);
    if (j) return wrap(scanLine(line.slice(j[0].length), depth + 1), 'journald');
  }
  return { kind: 'plain', format: 'plain', text: line };
}

function wrap(l: ScannedLine, format: LineFormat): ScannedLine {
  l.format = format;
  if (l.kind === 'log') l.client = false; // journald and journal JSON only carry the daemon
  return l;
}

function scanLogrusText(line: string, timeAt: number, format: LineFormat): LogLine {
  let time: string | null = null;
  let i = 0;
  if (timeAt >= 0) {
    const [t, next] = readValue(line, timeAt);
    time = t;
    i = next;
    while (line.charCodeAt(i) === 32) i++;
  }
  let level: Level | null = null;
  if (line.startsWith('level=', i)) {
    const [l, next] = readValue(line, i + 6);
    level = normLevel(l);
    i = next;
  }
  let msg = '';
  if (line.startsWith(' msg=', i)) {
    const [m, next] = readValue(line, i + 5);
    msg = m;
    i = next;
  }
  // ctr sets second-precision RFC3339 timestamps; the daemon uses RFC3339Nano.
  const client = time !== null && time.length > 0 && time.indexOf('.') < 0;
  return { kind: 'log', format, inner: format, level, msg, time, client, src: line, at: i, pre: null };
}

function scanTty(s: string, start: number, level: Level | null, stamp: string | null): LogLine {
  const rest = s.slice(start);
  // message is padded to 44 columns and followed by " key=value" pairs: the fields begin after the
  // first run of 2+ spaces that is followed by `key=`.
  let msg = rest;
  let at = rest.length;
  let from = 0;
  for (let guard = 0; guard < 64; guard++) {
    const k = rest.indexOf('  ', from);
    if (k < 0) break;
    let e = k;
    while (rest.charCodeAt(e) === 32) e++;
    if (e >= rest.length) {
      msg = rest.slice(0, k);
      at = rest.length;
      break;
    }
    if (KEY_START.test(rest.slice(e, e + 80))) {
      msg = rest.slice(0, k);
      at = e;
      break;
    }
    from = e;
  }
  if (at === rest.length) msg = msg.replace(/ +$/, '');
  return { kind: 'log', format: 'logrus-tty', inner: 'logrus-tty', level, msg, time: stamp, client: true, src: rest, at, pre: null };
}

function scanJson(line: string, depth: number): ScannedLine {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return { kind: 'plain', format: 'plain', text: line };
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return { kind: 'plain', format: 'plain', text: line };
  const o = obj as Record<string, unknown>;
  if ('MESSAGE' in o) {
    let m = o.MESSAGE;
    if (Array.isArray(m)) {
      try {
        m = Buffer.from(m.filter((x) => typeof x === 'number') as number[]).toString('utf8');
      } catch {
        m = '';
      }
    }
    if (typeof m !== 'string') return { kind: 'plain', format: 'journal-json', text: '' };
    const inner = scanLine(m, depth + 1);
    inner.format = 'journal-json';
    if (inner.kind === 'log') inner.client = false;
    return inner;
  }
  if (typeof o.msg === 'string' || typeof o.level === 'string') {
    const pre: Record<string, string> = Object.create(null);
    for (const [k, v] of Object.entries(o)) {
      if (k === 'msg' || k === 'level' || k === 'time') continue;
      pre[k] = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
    }
    return {
      kind: 'log',
      format: 'logrus-json',
      inner: 'logrus-json',
      level: typeof o.level === 'string' ? normLevel(o.level) : null,
      msg: typeof o.msg === 'string' ? o.msg : '',
      time: typeof o.time === 'string' ? o.time : null,
      client: false,
      src: '',
      at: 0,
      pre,
    };
  }
  return { kind: 'plain', format: 'plain', text: line };
}

/** The only fields the trace parser reads: other values are skipped without being built. */
export const WANTED_FIELDS: ReadonlySet<string> = new Set([
  'url', 'host', 'digest', 'mediatype', 'request.method', 'response.status', 'error', 'desc.digest', 'dir', 'image',
  'header', 'stream', 'config', 'id', 'version', 'name', 'status', 'body', 'request.header.user-agent',
  'response.header.www-authenticate', 'lookup_err', 'type',
]);

/** The fields of a log line (parsed on demand; only WANTED_FIELDS unless `all`). */
export function fieldsOf(l: LogLine, all = false): Record<string, string> {
  if (l.pre) return l.pre;
  l.pre = parseLogfmt(l.src, l.at, Object.create(null), all ? null : WANTED_FIELDS);
  return l.pre;
}
