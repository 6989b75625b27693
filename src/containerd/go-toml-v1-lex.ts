/**
 * The first text go-toml v1 (containerd 1.x) refuses where TOML accepts it, in document order: a
 * date or time (go-toml-v1-dates.ts) or a `[` inside a table header (go-toml-v1-table-keys.ts).
 * Its lexer stops at the first.
 */
import { goTomlV1DateError, type GoTomlV1DateError } from './go-toml-v1-dates.js';
import { goTomlV1TableKeyError, type GoTomlV1TableKeyError } from './go-toml-v1-table-keys.js';
import type { TomlScan } from './toml-scan.js';

export type GoTomlV1LexError = (GoTomlV1DateError & { kind: 'date'; line: number; column: number }) | (GoTomlV1TableKeyError & { kind: 'table-key' });

export function goTomlV1LexError(text: string, scan: TomlScan): GoTomlV1LexError | null {
  const date = goTomlV1DateError(text, scan);
  const key = goTomlV1TableKeyError(text, scan);
  if (key && (!date || key.offset < date.offset)) return { ...key, kind: 'table-key' };
  return date ? { ...date, kind: 'date' } : null;
}
