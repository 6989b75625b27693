/**
 * How to write a table go-toml v1 cannot read as a header (go-toml-v1-table-keys.ts) so that it can:
 * as an inline table, a key of its parent table. For hosts.toml that is a 1.x-only way out, since
 * containerd 2.x drops inline `[host]` entries (hosts-toml-host-table.ts): a name the mirror is
 * known by works on every version.
 */
import { goTomlV1TableKeyError } from './go-toml-v1-table-keys.js';
import { dottedPath, scanToml, type TomlScan } from './toml-scan.js';

const startsWith = (p: readonly string[], prefix: readonly string[]) => prefix.every((k, i) => p[i] === k);

type Tree = { [key: string]: Tree | string };

const render = (t: Tree): string =>
  `{ ${Object.entries(t)
    .map(([k, v]) => `${dottedPath([k])} = ${typeof v === 'string' ? v : render(v)}`)
    .join(', ')} }`;

/**
 * The tables at and under `path` as one inline table, a key of the nearest parent whose name has no
 * `[` (`[parent]` then `key = { k = v, sub = { … } }`), or null when nothing in the name needs it.
 */
function inlineForm(scan: TomlScan, path: readonly string[]): string | null {
  const k = path.findIndex((p) => p.includes('['));
  if (k < 0) return null;
  const base = path.slice(0, k + 1);
  const tree: Tree = {};
  for (const kv of scan.keyValues) {
    if (kv.path.length <= base.length || !startsWith(kv.path, base)) continue;
    let at = tree;
    const rel = kv.path.slice(base.length);
    rel.slice(0, -1).forEach((p) => {
      const next = at[p];
      at = typeof next === 'object' ? next : (at[p] = {});
    });
    at[rel.at(-1)!] = kv.value.raw.replace(/\s*\n\s*/g, ' ');
  }
  const entry = `${dottedPath(base.slice(-1))} = ${render(tree)}`;
  return k === 0 ? entry : `[${dottedPath(base.slice(0, -1))}]\n  ${entry}`;
}

/** Advice for the table header at `path` that go-toml v1 refuses. */
export function inlineTableHint(scan: TomlScan, path: readonly string[]): string {
  const inline = inlineForm(scan, path);
  if (path.length === 2 && path[0] === 'host') {
    return `name the host by a DNS name (or an /etc/hosts entry) instead of its IPv6 address, which every version reads${inline ? `; on containerd 1.x only, an inline table under [host] also works, tried before every [host."…"] table (containerd 2.x ignores it, so go back to the header form when upgrading):\n${inline}` : ''}`;
  }
  return inline ? `write it as an inline table under the parent table (merge it into that table where the file already has it), which every version reads:\n${inline}` : 'name it without `[` or write it as an inline table under its parent table';
}

/** The advice for the first table header of `text` that go-toml v1 refuses, or null when it has none. */
export function tableKeyFix(text: string): string | null {
  const scan = scanToml(text);
  const e = goTomlV1TableKeyError(text, scan);
  return e ? inlineTableHint(scan, e.path) : null;
}
