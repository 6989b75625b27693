/**
 * A logfmt lexer for logrus' TextFormatter output (`key=value key="quoted \"value\""`).
 *
 * Values are quoted by logrus with Go's `%q` (strconv.Quote), so quoted values are unescaped with
 * Go's rules. The lexer is a single left-to-right pass with `indexOf` jumps; it never backtracks,
 * never throws, and tolerates truncated input (an unterminated quote runs to the end of the line).
 */

/** Reads a value starting at `i` (just after `=`). Returns the value and the index after it. */
export function readValue(s: string, i: number): [string, number] {
  const v = readValueAt(s, i);
  return [v, valueEnd];
}

/** Where the value read by the last `readValueAt` call ended (the index after it). */
export let valueEnd = 0;

/**
 * readValue without the pair: returns the value and leaves the index after it in `valueEnd`
 * (read it before the next call). The per-field hot path: no array per value. `n`: where the line
 * ends in `s` (a block of lines), as if `s` were cut there.
 */
export function readValueAt(s: string, i: number, n: number = s.length): string {
  if (i >= n) {
    valueEnd = n;
    return '';
  }
  if (s.charCodeAt(i) !== 34 /* " */) {
    let j = s.indexOf(' ', i);
    if (j < 0 || j > n) j = n;
    valueEnd = j;
    return s.slice(i, j);
  }
  // quoted: up to the closing quote that is not escaped; unterminated: the rest of the line
  const q = closingQuote(s, i, n);
  valueEnd = q < 0 ? n : q + 1;
  return unquoteGo(s.slice(i + 1, q < 0 ? n : q));
}

/** Undoes Go's strconv.Quote escapes. Invalid escapes are kept literally. `\xNN` maps to U+00NN. */
export function unquoteGo(raw: string): string {
  const first = raw.indexOf('\\');
  if (first < 0) return raw;
  // the common case: every backslash starts a \" (quoted values quoting other strings)
  let onlyQuotes = true;
  for (let j = first; j >= 0; j = raw.indexOf('\\', j + 2)) {
    if (raw.charCodeAt(j + 1) !== 34) {
      onlyQuotes = false;
      break;
    }
  }
  if (onlyQuotes) return raw.replaceAll('\\"', '"');
  let out = '';
  let last = 0;
  const n = raw.length;
  for (let i = 0; i < n; i++) {
    if (raw.charCodeAt(i) !== 92) continue;
    out += raw.slice(last, i);
    const c = raw[i + 1];
    let consumed = 2;
    switch (c) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case "'": out += "'"; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case 'x':
      case 'u':
      case 'U': {
        const len = c === 'x' ? 2 : c === 'u' ? 4 : 8;
        const hex = raw.slice(i + 2, i + 2 + len);
        const code = hex.length === len && /^[0-9a-fA-F]+$/.test(hex) ? parseInt(hex, 16) : NaN;
        if (Number.isFinite(code) && code <= 0x10ffff) {
          out += String.fromCodePoint(code);
          consumed = 2 + len;
        } else {
          out += '\\' + (c ?? '');
        }
        break;
      }
      default:
        out += '\\' + (c ?? '');
    }
    i += consumed - 1;
    last = i + 1;
  }
  return out + raw.slice(last);
}

/**
 * Parses `key=value` pairs from `s` starting at `start` into `into`. Tokens without `=` are
 * ignored (logrus never emits them, but pasted logs get mangled). Returns `into`.
 */
export function parseLogfmt(
  s: string,
  start = 0,
  into: Record<string, string> = Object.create(null),
  only: ReadonlySet<string> | null = null,
): Record<string, string> {
  const n = s.length;
  let i = start;
  while (i < n) {
    // skip spaces
    while (i < n && s.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const eq = s.indexOf('=', i);
    const sp = s.indexOf(' ', i);
    if (eq < 0) break;
    if (sp >= 0 && sp < eq) {
      // a bare token: skip it
      i = sp + 1;
      continue;
    }
    const key = s.slice(i, eq);
    if (only !== null && !only.has(key)) {
      i = skipValue(s, eq + 1);
      continue;
    }
    const [val, next] = readValue(s, eq + 1);
    into[key] = val;
    i = next;
  }
  return into;
}

/** Index just after the value starting at `i` (the line ending at `n`), without building the value. */
export function skipValue(s: string, i: number, n: number = s.length): number {
  if (i >= n) return n;
  if (s.charCodeAt(i) !== 34) {
    const j = s.indexOf(' ', i);
    return j < 0 || j > n ? n : j;
  }
  const q = closingQuote(s, i, n);
  return q < 0 ? n : q + 1;
}

/** The closing quote of the quoted value opening at `i`, before `n`; -1 when unterminated. */
export function closingQuote(s: string, i: number, n: number): number {
  for (let k = i + 1; ; ) {
    const q = s.indexOf('"', k);
    if (q < 0 || q >= n) return -1;
    // closes when an even run of backslashes (not reaching back to the opening quote) precedes it
    let b = q - 1;
    let bs = 0;
    while (b > i && s.charCodeAt(b) === 92) {
      bs++;
      b--;
    }
    if ((bs & 1) === 0) return q;
    k = q + 1;
  }
}
