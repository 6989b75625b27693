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
import { readValue, readValueAt, skipValue, valueEnd } from './logfmt.js';
import type { LineFormat } from './schema.js';
import { interesting, K0S_NESTED } from './messages.js';

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
  /** Where the line's fields end in `src` (a block of lines); absent: at its end. */
  end?: number;
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
  if (c0 === 116 /* t */ && line.startsWith('time=')) return unwrapK0s(scanLogrusText(line, 5, 'logrus-text'), depth);
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
    if (j) {
      const inner = wrap(scanLine(line.slice(j[0].length), depth + 1), 'journald');
      // a line without a time of its own is dated by journald's (short-iso: it has the year)
      if (inner.kind === 'log' && inner.time === null) inner.time = rfc3339Offset(line.slice(0, line.indexOf(' ')));
      return inner;
    }
  }
  return { kind: 'plain', format: 'plain', text: line };
}

/**
 * k0s runs containerd under its supervisor and logs each of its lines as the message of a line of
 * its own: `time=… level=info msg="time=\"…\" level=info msg=\"PullImage …\"" component=containerd`.
 * The inner line is containerd's.
 */
function unwrapK0s(l: LogLine, depth: number): ScannedLine {
  if (depth >= 2 || l.msg.charCodeAt(0) !== 116 || !l.msg.startsWith(K0S_NESTED)) return l;
  const fields = l.end === undefined ? l.src.slice(l.at) : l.src.slice(l.at, l.end);
  if (!/(?:^| )component=containerd(?: |$)/.test(fields)) return l;
  const inner = scanLine(l.msg, depth + 1);
  if (inner.kind !== 'log') return l;
  inner.client = false;
  return inner;
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
  if (at === rest.length) {
    // no padding (a paste whose spaces were collapsed, a web page): a message the parser reads, then ` key=`
    const k = singleSpaceFields(rest);
    if (k > 0) {
      msg = rest.slice(0, k);
      at = k + 1;
    } else msg = msg.replace(/ +$/, '');
  }
  // ctr stamps seconds since it started (`INFO[0000]`); a full time (`INFO[2021-04-14T13:44:53…]`) is a daemon run in a terminal
  return { kind: 'log', format: 'logrus-tty', inner: 'logrus-tty', level, msg, time: stamp, client: stamp === null || /^\d+$/.test(stamp), src: rest, at, pre: null };
}

/** Where the fields start after one space (` key=`) behind a message the parser reads, or -1: the first few candidates only. */
function singleSpaceFields(rest: string): number {
  const re = / [A-Za-z_][A-Za-z0-9_.-]*=/g;
  for (let n = 0, m = re.exec(rest); m !== null && n < 8; n++, m = re.exec(rest)) {
    if (interesting(rest.slice(0, m.index))) return m.index;
  }
  return -1;
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
    if (inner.kind === 'log') {
      inner.client = false;
      // a message without a time of its own is dated by journald (microseconds since the epoch)
      if (inner.time === null) inner.time = realtime(o.__REALTIME_TIMESTAMP);
    }
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

/** journald's short-iso time as RFC 3339: `,` → `.`, `+0000` → `+00:00`. */
function rfc3339Offset(t: string): string {
  const u = t.replace(',', '.');
  return /[+-][0-9]{4}$/.test(u) ? `${u.slice(0, -2)}:${u.slice(-2)}` : u;
}

/** `__REALTIME_TIMESTAMP` (a decimal string of microseconds since the epoch) as RFC 3339 UTC, or null. */
function realtime(v: unknown): string | null {
  if (typeof v !== 'string' || !/^[0-9]{1,17}$/.test(v)) return null;
  const us = Number(v);
  const ms = Math.floor(us / 1000);
  try {
    return new Date(ms).toISOString().replace('Z', `${String(us % 1000).padStart(3, '0')}Z`);
  } catch {
    return null;
  }
}

/** The only fields the trace parser reads: other values are skipped without being built. */
export const WANTED_FIELDS: ReadonlySet<string> = new Set([
  'url', 'host', 'digest', 'request.method', 'response.status', 'error', 'desc.digest', 'dir', 'image',
  'header', 'stream', 'config', 'id', 'version', 'name', 'status', 'request.header.user-agent',
  'response.header.www-authenticate',
]);

/**
 * The fields of a log line for a single use (only WANTED_FIELDS), parsed into `scratch`, which is
 * cleared first and not remembered by the line: valid until the next call with the same scratch.
 * A parser reads a line's fields once and keeps none of them as an object, so one holder serves
 * every line (a holder per line was a fifth of all the bytes a big log's parse allocated).
 */
export function wantedFieldsOf(l: LogLine, scratch: WantedFields): Record<string, string> {
  if (l.pre) return l.pre;
  const into = scratch.values as unknown as Record<string, string>;
  // clear what the previous line set (a few keys), not every wanted field
  for (const k of scratch.set) into[k] = undefined as unknown as string;
  scratch.set.length = 0;
  return parseWantedInto(into, scratch.set, l.src, l.at, l.end ?? l.src.length);
}

/** A holder for wantedFieldsOf: the values, and the keys the last line set. */
export interface WantedFields {
  readonly values: WantedValues;
  readonly set: string[];
}

export function wantedFields(): WantedFields {
  return { values: new WantedValues(), set: [] };
}

/** A fixed-shape holder for the WANTED_FIELDS (absent: undefined), cheaper than a dictionary. */
class WantedValues {
  url?: string = undefined;
  host?: string = undefined;
  digest?: string = undefined;
  'request.method'?: string = undefined;
  'response.status'?: string = undefined;
  error?: string = undefined;
  'desc.digest'?: string = undefined;
  dir?: string = undefined;
  image?: string = undefined;
  header?: string = undefined;
  stream?: string = undefined;
  config?: string = undefined;
  id?: string = undefined;
  version?: string = undefined;
  name?: string = undefined;
  status?: string = undefined;
  'request.header.user-agent'?: string = undefined;
  'response.header.www-authenticate'?: string = undefined;
}

/** The WANTED_FIELDS key spelled at `s[i, i+len)`, or null (first character, then the spelling). */
function wantedKey(s: string, i: number, len: number): string | null {
  const c = s.charCodeAt(i);
  switch (len) {
    case 2: return c === 105 && s.startsWith('id', i) ? 'id' : null;
    case 3: return c === 117 ? (s.startsWith('url', i) ? 'url' : null) : c === 100 && s.startsWith('dir', i) ? 'dir' : null;
    case 4:
      switch (c) {
        case 104: return s.startsWith('host', i) ? 'host' : null;
        case 110: return s.startsWith('name', i) ? 'name' : null;
        default: return null;
      }
    case 5: return c === 101 ? (s.startsWith('error', i) ? 'error' : null) : c === 105 && s.startsWith('image', i) ? 'image' : null;
    case 6:
      switch (c) {
        case 100: return s.startsWith('digest', i) ? 'digest' : null;
        case 104: return s.startsWith('header', i) ? 'header' : null;
        case 115: return s.startsWith('stream', i) ? 'stream' : s.startsWith('status', i) ? 'status' : null;
        case 99: return s.startsWith('config', i) ? 'config' : null;
        default: return null;
      }
    case 7: return c === 118 && s.startsWith('version', i) ? 'version' : null;
    case 11: return c === 100 && s.startsWith('desc.digest', i) ? 'desc.digest' : null;
    case 14: return c === 114 && s.startsWith('request.method', i) ? 'request.method' : null;
    case 15: return c === 114 && s.startsWith('response.status', i) ? 'response.status' : null;
    case 25: return c === 114 && s.startsWith('request.header.user-agent', i) ? 'request.header.user-agent' : null;
    case 32: return c === 114 && s.startsWith('response.header.www-authenticate', i) ? 'response.header.www-authenticate' : null;
    default: return null;
  }
}

/**
 * parseLogfmt(s.slice(0, n), start, {}, WANTED_FIELDS) into `into`, without cutting out keys (or
 * the line out of its block): a key is compared in place against the wanted names and only wanted
 * values are built. Each key set is noted in `set`.
 */
function parseWantedInto(into: Record<string, string>, set: string[], s: string, start: number, n: number): Record<string, string> {
  let i = start;
  while (i < n) {
    while (i < n && s.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    // the key runs to the first '=' (a space first: a bare token, skipped; neither: done)
    let j = i;
    let c = 0;
    while (j < n) {
      c = s.charCodeAt(j);
      if (c === 61 || c === 32) break;
      j++;
    }
    if (j >= n) break;
    if (c === 32) {
      i = j + 1;
      continue;
    }
    const key = wantedKey(s, i, j - i);
    if (key === null) {
      i = skipValue(s, j + 1, n);
      continue;
    }
    const val = readValueAt(s, j + 1, n);
    i = valueEnd;
    into[key] = unpinned(val);
    set.push(key);
  }
  return into;
}

/**
 * `s[a, b)` when it is an absolute RFC 3339 time (`2026-11-27T23:38:37Z`, with a fraction or an
 * offset), copied out of `s`; null for anything else (ctr's relative `INFO[0000]` stamp, junk).
 */
export function absoluteTime(s: string, a: number, b: number): string | null {
  if (b - a < 19 || b - a > 40 || s.charCodeAt(a + 4) !== 45 /* - */ || s.charCodeAt(a + 10) !== 84 /* T */ || s.charCodeAt(a + 13) !== 58 /* : */) return null;
  for (let k = a; k < a + 4; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) return null;
  }
  // a copy even of a whole string: a value read from a line may be a view on its block of input
  return unpinned(a === 0 && b === s.length ? s : s.slice(a, b));
}

/**
 * A copy of `v` that does not keep the text it was cut from alive. V8 represents a slice of 13 or
 * more characters as a view on its parent, here a ~64 KiB block of the input; a host or URL kept
 * in a pull group would keep the whole block alive and push it into the old generation, so the heap
 * (and peak RSS) grew with the input read between two full collections. Prepending a character
 * makes a new flat string; the slice of it holds only that.
 */
function unpinned(v: string): string {
  return v.length >= 13 ? (' ' + v).slice(1) : v;
}
