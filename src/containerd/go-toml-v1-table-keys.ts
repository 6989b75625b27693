/**
 * Table headers go-toml v1 (containerd 1.x, config.toml and hosts.toml) refuses where TOML and
 * smol-toml accept them (go-toml v1.9 lexer.go lexInsideTableKey, lexInsideTableArrayKey): it reads
 * a header's key as raw text up to the first `]` (`]]` for an array table), quotes or not, and fails
 * on a `[` before it. So `[host."http://[fd00::1]:5000"]` (an IPv6 address) discards the file.
 * Checked against the 1.6 and 1.7 binaries (test/helpers/go-toml-v1-table-key-rows.ts).
 */
import type { TomlScan } from './toml-scan.js';

/** Our words for it. */
export const TABLE_KEY_PROBLEM = 'go-toml v1 (containerd 1.x) cannot read a `[` inside a table header, quoted or not (such as an IPv6 address in brackets)';

export interface GoTomlV1TableKeyError {
  /** Offset in the text of the character go-toml v1 reports (the key's first character). */
  offset: number;
  line: number;
  column: number;
  /** Our words. */
  error: string;
  /** go-toml v1's own error, as containerd prints it after `(line, column): `. */
  goToml: string;
  /** The header's key parts (unquoted). */
  path: string[];
}

/** The first table header whose key holds a `[` (1-based line and column of go-toml v1's error), or null. */
export function goTomlV1TableKeyError(text: string, scan: TomlScan): GoTomlV1TableKeyError | null {
  for (const h of scan.headers) {
    const array = h.kind === 'array-table';
    const from = h.offset + (array ? 2 : 1);
    const close = text.indexOf(array ? ']]' : ']', from);
    const open = text.indexOf('[', from);
    if (open < 0 || (close >= 0 && close < open)) continue;
    const what = array ? 'table array key' : 'table key';
    return {
      offset: from,
      line: h.line,
      column: h.column + (array ? 2 : 1),
      error: TABLE_KEY_PROBLEM,
      goToml: `unexpected token ${what} cannot contain ']', was expecting a ${what}`,
      path: h.path,
    };
  }
  return null;
}
