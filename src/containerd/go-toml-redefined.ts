/**
 * containerd's words for a table or key defined twice, which smol-toml words "trying to redefine an
 * already defined table or value": go-toml v1 on 1.x, go-toml v2 on 2.x (config dump on 1.6.20, 1.7.24
 * and 2.1.9), so that the finding quotes the line the journal has.
 */
import type { TomlScan } from './toml-scan.js';

/** The error's words for the definition at `line`, or undefined when it is not one this knows. */
export function goTomlRedefined(scan: TomlScan, line: number, v2: boolean): string | undefined {
  const h = scan.headers.find((x) => x.line === line);
  if (h) return h.kind === 'table' ? (v2 ? `toml: table ${h.path.at(-1)} already exists` : 'duplicated tables') : undefined;
  const kv = scan.keyValues.find((x) => x.line === line && x.via === 'header');
  if (kv) return v2 ? `toml: key ${kv.path.at(-1)} is already defined` : `The following key was defined twice: ${kv.path.join('.')}`;
  return undefined;
}

/** containerd's exit error for it in `file` at `line`:`column`. */
export function redefinedExitError(file: string, line: number, column: number, words: string, v2: boolean): string {
  return v2 ? `failed to unmarshal TOML at row ${line} column ${column}: ${words}` : `failed to load TOML: ${file}: (${line}, ${column}): ${words}`;
}
