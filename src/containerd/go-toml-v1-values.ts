/**
 * Values go-toml v1 (containerd 1.x, config.toml and hosts.toml) refuses where smol-toml, like
 * go-toml v2 (2.x), accepts them (go-toml v1.9 lexer.go lexStringAsString, parser.go
 * parseInlineTable): the escapes `\e` and `\x41` in a basic string, and a comma before an inline
 * table's closing brace. Checked against the 1.6 and 1.7 binaries (test/helpers/go-toml-v1-value-rows.ts).
 */
import type { TomlScan } from './toml-scan.js';

export interface GoTomlV1ValueError {
  /** Offset in the text of what go-toml v1 reports: the string's first character, or the comma. */
  offset: number;
  /** Our words. */
  error: string;
  /** go-toml v1's own error, as containerd prints it after `(line, column): `. */
  goToml: string;
}

/** The first such problem in one value's raw text that starts at `base`, or null. */
function inRaw(raw: string, base: number): GoTomlV1ValueError | null {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "'") {
      const q = raw.startsWith("'''", i) ? "'''" : "'";
      const end = raw.indexOf(q, i + q.length);
      i = end < 0 ? raw.length : end + q.length - 1;
    } else if (c === '"') {
      const q = raw.startsWith('"""', i) ? '"""' : '"';
      const start = i + q.length;
      let j = start;
      for (; j < raw.length && !raw.startsWith(q, j); j++) {
        if (raw[j] !== '\\') continue;
        const e = raw[j + 1];
        if (e === 'e' || e === 'x') {
          return { offset: base + start, error: `go-toml v1 (containerd 1.x) knows no \`\\${e}\` escape (TOML 1.1); write the character itself or \\u00XX`, goToml: `invalid escape sequence: \\${e}` };
        }
        j++;
      }
      i = j + q.length - 1;
    } else if (c === ',' && /^,\s*\}/.test(raw.slice(i))) {
      return { offset: base + i, error: 'go-toml v1 (containerd 1.x) refuses a comma before the closing brace of an inline table', goToml: 'trailing comma at the end of inline table' };
    }
  }
  return null;
}

/** The first value in the file go-toml v1 refuses, or null. */
export function goTomlV1ValueError(scan: TomlScan): GoTomlV1ValueError | null {
  let first: GoTomlV1ValueError | null = null;
  // top-level values hold their nested ones: those of inline tables are scanned with them
  for (const kv of scan.keyValues) {
    if (kv.via === 'inline') continue;
    const e = inRaw(kv.value.raw, kv.value.offset);
    if (e && (!first || e.offset < first.offset)) first = e;
  }
  return first;
}
