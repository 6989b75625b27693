/**
 * A position scanner for TOML text that has already been accepted by smol-toml.
 *
 * smol-toml gives values but no positions and no record of *how* a table was written.
 * containerd's decisions depend on both: go-toml v1 orders hosts by the line of each
 * table, go-toml v2's `getSortedHosts` only sees `[host."…"]` headers (inline tables and
 * dotted keys are dropped, a later `[host."a".header]` repeats "a"; containerd v2.1.9
 * core/remotes/docker/config/hosts.go). This scanner walks the text once and records every table
 * header and every key/value with its line and column, including elements of arrays and keys
 * inside inline tables.
 */

export interface TomlPos {
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface TomlHeader extends TomlPos {
  kind: 'table' | 'array-table';
  /** Key parts of the header, unquoted: `[host."https://m".header]` → ["host","https://m","header"]. */
  path: string[];
}

export interface TomlElement extends TomlPos {
  /** Raw text of the element. */
  raw: string;
}

export interface TomlKeyValue extends TomlPos {
  /** Full key path: enclosing header path + dotted key (+ inline-table nesting). */
  path: string[];
  /** How the key was introduced: under a `[header]`, as a dotted key, or inside an inline table. */
  via: 'header' | 'dotted' | 'inline';
  /** Position of the value. */
  value: TomlPos & { raw: string };
  /** Top-level elements when the value is an array. */
  elements?: TomlElement[];
}

export interface TomlScan {
  headers: TomlHeader[];
  keyValues: TomlKeyValue[];
}

class Cursor {
  pos = 0;
  private readonly lineStarts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }
  at(offset: number): TomlPos {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }
  peek(n = 0): string {
    return this.text[this.pos + n] ?? '';
  }
  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }
  eof(): boolean {
    return this.pos >= this.text.length;
  }
  skipInlineWs(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  /** Whitespace, newlines and comments. */
  skipAllWs(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '#') this.skipComment();
      else return;
    }
  }
  skipComment(): void {
    while (!this.eof() && this.peek() !== '\n') this.pos++;
  }
  skipToEol(): void {
    while (!this.eof() && this.peek() !== '\n') this.pos++;
  }
}

function unescapeBasic(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'b': return '\b';
      case 't': return '\t';
      case 'n': return '\n';
      case 'f': return '\f';
      case 'r': return '\r';
      case 'e': return '\x1b';
      case '"': return '"';
      case '\\': return '\\';
      case 'u':
      case 'U': return String.fromCodePoint(parseInt(e.slice(1), 16));
      default: return e;
    }
  });
}

/** Reads a string starting at the cursor; returns its decoded value. */
function readString(c: Cursor): string {
  if (c.startsWith('"""') || c.startsWith("'''")) {
    const q = c.text.slice(c.pos, c.pos + 3);
    c.pos += 3;
    const start = c.pos;
    for (;;) {
      if (c.eof()) break;
      if (q === '"""' && c.peek() === '\\') {
        c.pos += 2;
        continue;
      }
      if (c.startsWith(q)) {
        // up to two extra quotes may belong to the content
        let end = c.pos;
        while (c.text[end + 3] === q[0] && end + 3 - c.pos < 2) end++;
        const body = c.text.slice(start, end);
        c.pos = end + 3;
        return q === '"""' ? unescapeBasic(body) : body;
      }
      c.pos++;
    }
    return c.text.slice(start);
  }
  const q = c.peek();
  c.pos++;
  const start = c.pos;
  while (!c.eof() && c.peek() !== q && c.peek() !== '\n') {
    if (q === '"' && c.peek() === '\\') c.pos++;
    c.pos++;
  }
  const body = c.text.slice(start, c.pos);
  c.pos++;
  return q === '"' ? unescapeBasic(body) : body;
}

/** Reads a (possibly dotted) key; stops before `=` or `]`. */
function readKey(c: Cursor): string[] {
  const parts: string[] = [];
  for (;;) {
    c.skipInlineWs();
    const ch = c.peek();
    if (ch === '"' || ch === "'") parts.push(readString(c));
    else {
      const start = c.pos;
      while (/[A-Za-z0-9_-]/.test(c.peek())) c.pos++;
      parts.push(c.text.slice(start, c.pos));
      if (c.pos === start) return parts; // malformed; caller copes
    }
    c.skipInlineWs();
    if (c.peek() === '.') {
      c.pos++;
      continue;
    }
    return parts;
  }
}

interface ValueScan {
  start: number;
  end: number;
  elements?: TomlElement[];
}

function scanValue(c: Cursor, path: string[], out: TomlKeyValue[]): ValueScan {
  const start = c.pos;
  const ch = c.peek();
  if (ch === '"' || ch === "'") {
    readString(c);
    return { start, end: c.pos };
  }
  if (ch === '[') {
    c.pos++;
    const elements: TomlElement[] = [];
    for (;;) {
      c.skipAllWs();
      if (c.eof()) break;
      if (c.peek() === ']') {
        c.pos++;
        break;
      }
      if (c.peek() === ',') {
        c.pos++;
        continue;
      }
      const before = c.pos;
      const v = scanValue(c, [...path, String(elements.length)], out);
      elements.push({ ...c.at(v.start), raw: c.text.slice(v.start, v.end) });
      if (c.pos === before) c.pos++;
    }
    return { start, end: c.pos, elements };
  }
  if (ch === '{') {
    c.pos++;
    for (;;) {
      c.skipAllWs();
      if (c.eof()) break;
      if (c.peek() === '}') {
        c.pos++;
        break;
      }
      if (c.peek() === ',') {
        c.pos++;
        continue;
      }
      const keyPos = c.at(c.pos);
      const before = c.pos;
      const key = readKey(c);
      c.skipInlineWs();
      if (c.peek() === '=') {
        c.pos++;
        c.skipInlineWs();
        const vPath = [...path, ...key];
        const v = scanValue(c, vPath, out);
        out.push({ ...keyPos, path: vPath, via: 'inline', value: { ...c.at(v.start), raw: c.text.slice(v.start, v.end) }, ...(v.elements ? { elements: v.elements } : {}) });
      }
      if (c.pos === before) c.pos++;
    }
    return { start, end: c.pos };
  }
  while (!c.eof() && !/[,\]}\n#\r]/.test(c.peek())) c.pos++;
  let end = c.pos;
  while (end > start && /[ \t]/.test(c.text[end - 1]!)) end--;
  return { start, end };
}

/** Scans TOML text (assumed valid) for headers and key/values with positions. */
export function scanToml(text: string): TomlScan {
  const c = new Cursor(text);
  const headers: TomlHeader[] = [];
  const keyValues: TomlKeyValue[] = [];
  let table: string[] = [];
  while (!c.eof()) {
    c.skipAllWs();
    if (c.eof()) break;
    const here = c.at(c.pos);
    if (c.peek() === '[') {
      const arrayTable = c.peek(1) === '[';
      c.pos += arrayTable ? 2 : 1;
      const path = readKey(c);
      c.skipInlineWs();
      c.pos += arrayTable ? 2 : 1;
      headers.push({ ...here, kind: arrayTable ? 'array-table' : 'table', path });
      table = path;
      c.skipToEol();
      continue;
    }
    const before = c.pos;
    const key = readKey(c);
    c.skipInlineWs();
    if (c.peek() !== '=') {
      c.skipToEol();
      if (c.pos === before) c.pos++;
      continue;
    }
    c.pos++;
    c.skipInlineWs();
    const path = [...table, ...key];
    const v = scanValue(c, path, keyValues);
    keyValues.push({
      ...here,
      path,
      via: key.length > 1 ? 'dotted' : 'header',
      value: { ...c.at(v.start), raw: text.slice(v.start, v.end) },
      ...(v.elements ? { elements: v.elements } : {}),
    });
    c.skipToEol();
  }
  keyValues.sort((a, b) => a.offset - b.offset);
  return { headers, keyValues };
}

/** Key path → JSON text, to index scans. */
/** A key path as TOML writes it: bare keys as they are, others quoted (`plugins."io.containerd.gc.v1.scheduler".pause_threshold`). */
export function dottedPath(path: readonly string[]): string {
  return path.map((k) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k))).join('.');
}

export function pathKey(path: readonly string[]): string {
  return JSON.stringify(path);
}

/** First key/value whose path equals `path`. */
export function findKeyValue(scan: TomlScan, path: readonly string[]): TomlKeyValue | undefined {
  const k = pathKey(path);
  return scan.keyValues.find((kv) => pathKey(kv.path) === k);
}

/** First position at which anything under `prefix` (header or key) appears. */
export function firstMention(scan: TomlScan, prefix: readonly string[]): TomlPos | undefined {
  const starts = (p: readonly string[]) => prefix.every((x, i) => p[i] === x);
  const hits: TomlPos[] = [
    ...scan.headers.filter((h) => h.path.length >= prefix.length && starts(h.path)),
    ...scan.keyValues.filter((kv) => kv.path.length >= prefix.length && starts(kv.path)),
  ];
  hits.sort((a, b) => a.offset - b.offset);
  return hits[0];
}
