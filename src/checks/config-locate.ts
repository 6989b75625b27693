/**
 * Where the config checks point: the analysis's decisions by code, a key's position in config.toml
 * and its imports, and the key path of the CRI registry table the analysis read.
 */
import type { Decision, SourcePosition } from '../containerd/decision.js';
import { firstMention, findKeyValue, scanToml } from '../containerd/toml-scan.js';
import type { Derived } from './derived.js';

/** The config analysis's decisions with this code. */
export function decisions(d: Derived, code: string): Decision[] {
  return d.config.decisions.filter((x) => x.code === code);
}

/** Position of the first mention of a key path in the config files (imports searched last-first, as containerd merges). */
export function configPosition(d: Derived, path: string[], exact = false): SourcePosition | undefined {
  for (let i = d.configFiles.length - 1; i >= 0; i--) {
    const f = d.configFiles[i]!;
    const scan = scanToml(f.text);
    const p = exact ? findKeyValue(scan, path) : firstMention(scan, path);
    if (p) return { file: f.path, line: p.line, column: p.column };
  }
  return undefined;
}

/** Where a config file writes the table `path` as its own `[header]`: a fix then sets keys under it, as a second header would be a TOML error. */
export function tableHeaderAt(d: Derived, path: readonly string[]): SourcePosition | undefined {
  for (const f of d.configFiles) {
    const h = scanToml(f.text).headers.find((x) => x.kind === 'table' && x.path.length === path.length && x.path.every((k, i) => k === path[i]));
    if (h) return { file: f.path, line: h.line, column: h.column };
  }
  return undefined;
}

/** A fix that sets `lines` in the table `path` (written `header`): under its header where a file has one, else a new table in `file`. */
export function setInTable(d: Derived, file: string, path: readonly string[], header: string, lines: string[]): string {
  const at = tableHeaderAt(d, path);
  const body = lines.map((l) => `  ${l}`).join('\n');
  if (!at) return `add to ${file}:\n${header}\n${body}`;
  // the header as that file spells it (2.x default files quote plugin ids with ')
  const written = d.configFiles.find((f) => f.path === at.file)?.text.split('\n')[at.line - 1]?.trim().replace(/\s+#.*$/, '') || header;
  return `in ${at.file}, under ${written} (line ${at.line}), set:\n${body}`;
}

/** The registry table path the analysis read (`plugins.<id>.registry`), as key parts. */
export function registryPath(d: Derived): string[] {
  const v2 = d.profile.version.major >= 2;
  if (v2) return ['plugins', 'io.containerd.cri.v1.images', 'registry'];
  return d.config.version === 1 ? ['plugins', 'cri', 'registry'] : ['plugins', 'io.containerd.grpc.v1.cri', 'registry'];
}
