/**
 * The first text go-toml v1 (containerd 1.x) refuses where TOML accepts it, in document order: a
 * date or time (go-toml-v1-dates.ts), a `[` inside a table header (go-toml-v1-table-keys.ts), or a
 * TOML 1.1 escape or inline-table comma (go-toml-v1-values.ts). Its lexer stops at the first.
 */
import { goTomlV1DateError, type GoTomlV1DateError } from './go-toml-v1-dates.js';
import { goTomlV1TableKeyError, type GoTomlV1TableKeyError } from './go-toml-v1-table-keys.js';
import { goTomlV1ValueError, type GoTomlV1ValueError } from './go-toml-v1-values.js';
import type { TomlScan } from './toml-scan.js';

export type GoTomlV1LexError =
  | (GoTomlV1DateError & { kind: 'date'; line: number; column: number })
  | (GoTomlV1TableKeyError & { kind: 'table-key' })
  | (GoTomlV1ValueError & { kind: 'value'; line: number; column: number });

export function goTomlV1LexError(text: string, scan: TomlScan): GoTomlV1LexError | null {
  const value = goTomlV1ValueError(scan);
  const found: GoTomlV1LexError[] = [];
  const date = goTomlV1DateError(text, scan);
  if (date) found.push({ ...date, kind: 'date' });
  const key = goTomlV1TableKeyError(text, scan);
  if (key) found.push({ ...key, kind: 'table-key' });
  if (value) {
    const before = text.slice(0, value.offset);
    found.push({ ...value, kind: 'value', line: before.split('\n').length, column: value.offset - before.lastIndexOf('\n') });
  }
  return found.sort((a, b) => a.offset - b.offset)[0] ?? null;
}
