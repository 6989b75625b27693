/**
 * The files containerd reads as its config: the main file, then its `imports` (globs, relative to
 * the importing file), recursively and without repeats; each file decoded on its own (its top-level
 * and server-table fields typed), then merged the way the version does (v2.1.9
 * cmd/containerd/server/config/config.go LoadConfig, v1.7.24 services/server/config/config.go).
 */
import { parse as parseToml, TomlError } from 'smol-toml';
import type { SourcePosition } from './decision.js';
import { serverTableTypeError } from './config-field-types.js';
import { goPathClean, goPathIsAbs, goPathJoin } from './go-url.js';
import { goTomlV1LexError } from './go-toml-v1-lex.js';
import { goTomlRedefined, redefinedExitError } from './go-toml-redefined.js';
import { isTable } from './go-value.js';
import { lookupEntry, goPathError, type NodeSnapshot } from './node-snapshot.js';
import { serverFieldTypeError } from './server-config-types.js';
import { findKeyValue, firstMention, scanToml, type TomlScan } from './toml-scan.js';
import { BOM_PROBLEM, GO_TOML_V2_BOM_ERROR, startsWithBom } from './utf8-bom.js';
import { NOT_UTF8_PROBLEM, type NotUtf8 } from './not-utf8.js';
import type { BehaviourProfile } from './version.js';

type Table = Record<string, unknown>;

export interface LoadedConfigFile {
  path: string;
  data: Table;
  text: string;
}

function deepMerge(to: Table, from: Table): Table {
  const out: Table = { ...to };
  for (const [k, v] of Object.entries(from)) {
    const cur = out[k];
    out[k] = isTable(cur) && isTable(v) ? deepMerge(cur, v) : v;
  }
  return out;
}

function readConfigText(path: string, snapshot: NodeSnapshot): { ok: true; text: string; notUtf8?: NotUtf8 } | { ok: false; error: string; missing?: boolean } {
  const e = lookupEntry(snapshot, path);
  switch (e.kind) {
    case 'missing':
      return { ok: false, error: `${path} does not exist`, missing: true };
    case 'stat-error':
      return { ok: false, error: goPathError('stat', path, e.error) };
    case 'directory':
      return { ok: false, error: `${path} is a directory, not a file` };
    case 'other':
      return { ok: false, error: `${path} is not a regular file (${e.description})` };
    case 'file':
      if (e.readError) return { ok: false, error: goPathError('open', path, e.readError) };
      if (!e.content) return { ok: false, error: `${path} was not read` };
      if (e.content.kind === 'too-large') return { ok: false, error: `${path} is larger than ${e.content.limit} bytes; not a containerd config` };
      if (e.content.kind === 'too-complex') return { ok: false, error: `${path} holds more than ${e.content.limit} TOML tables, keys and values; not a containerd config (not analysed)` };
      if (e.content.kind === 'binary') return { ok: false, error: `${path} is not text (binary data at byte ${e.content.offset})` };
      return { ok: true, text: e.content.text, ...(e.content.notUtf8 ? { notUtf8: e.content.notUtf8 } : {}) };
  }
}

function matchGlob(pattern: string, snapshot: NodeSnapshot): string[] {
  if (!/[*?[]/.test(pattern)) return [pattern];
  return snapshot.globs?.[pattern] ?? [];
}

/** Import paths of a file, relative to it and globbed (v2.1.9 cmd/containerd/server/config/config.go resolveImports). */
export function resolveImports(file: string, data: Table, snapshot: NodeSnapshot): string[] {
  const imports = data.imports;
  if (!Array.isArray(imports)) return [];
  const out: string[] = [];
  for (const imp of imports) {
    if (typeof imp !== 'string') continue;
    const abs = goPathIsAbs(imp) ? goPathClean(imp) : goPathJoin(file.slice(0, file.lastIndexOf('/')) || '/', imp);
    out.push(...matchGlob(abs, snapshot));
  }
  return out;
}

/** A config file that could not be read or parsed; `containerdExit`: containerd's own error, where known. */
export interface ConfigFileError {
  path: string;
  error: string;
  missing?: boolean;
  at?: SourcePosition;
  typeError?: true;
  containerdExit?: string;
}

/** Every config file containerd would read: the main file then imports, recursively, without repeats. */
export function collectConfigFiles(
  file: string,
  snapshot: NodeSnapshot,
  profile: BehaviourProfile,
): { files: LoadedConfigFile[]; errors: ConfigFileError[] } {
  const files: LoadedConfigFile[] = [];
  const errors: ConfigFileError[] = [];
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const r = readConfigText(path, snapshot);
    if (!r.ok) {
      errors.push({ path, error: r.error, ...(r.missing ? { missing: true } : {}) });
      return;
    }
    try {
      const data = parseToml(r.text, { integersAsBigInt: false }) as Table;
      let scanned: TomlScan | undefined;
      const scan = () => (scanned ??= scanToml(r.text));
      const fail = (error: string, p: { line: number; column: number } | undefined, typeError: boolean): void => {
        errors.push({ path, error, at: { file: path, line: p?.line ?? 1, column: p?.column ?? 1 }, ...(typeError ? { typeError: true as const } : {}) });
      };
      if (profile.version.major >= 2 && startsWithBom(r.text)) return fail(`TOML syntax error: ${BOM_PROBLEM} (${GO_TOML_V2_BOM_ERROR}) at 1:1`, { line: 1, column: 1 }, false);
      if (profile.version.major >= 2 && r.notUtf8) return fail(`TOML syntax error: ${NOT_UTF8_PROBLEM} at ${r.notUtf8.line}:${r.notUtf8.column}`, r.notUtf8, false);
      // 1.x's go-toml v1 lexes before anything is decoded
      const lex = profile.version.major < 2 ? goTomlV1LexError(r.text, scan()) : null;
      if (lex) return fail(`TOML syntax error: ${lex.error} at ${lex.line}:${lex.column}`, lex, false);
      const typeError = serverFieldTypeError(data, (key) => findKeyValue(scan(), [key])?.value.raw);
      if (typeError) return fail(typeError.error, findKeyValue(scan(), [typeError.key]), true);
      const tableError = serverTableTypeError(data, profile, (p) => findKeyValue(scan(), p)?.value.raw);
      if (tableError) return fail(tableError.error, findKeyValue(scan(), tableError.path), true);
      files.push({ path, data, text: r.text });
      for (const imp of resolveImports(path, data, snapshot)) visit(imp);
    } catch (e) {
      if (e instanceof TomlError) {
        const words = /redefine an already defined/.test(e.message) ? goTomlRedefined(scanToml(r.text), e.line, profile.version.major >= 2) : undefined;
        errors.push({
          path,
          error: `TOML syntax error: ${(e.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '')} at ${e.line}:${e.column}`,
          at: { file: path, line: e.line, column: e.column },
          ...(words ? { containerdExit: redefinedExitError(path, e.line, e.column, words, profile.version.major >= 2) } : {}),
        });
        return;
      }
      throw e;
    }
  };
  visit(file);
  return { files, errors };
}

export function mergeFiles(files: LoadedConfigFile[], profile: BehaviourProfile): Table {
  let merged: Table = {};
  files.forEach((f, i) => {
    if (i === 0) {
      merged = structuredClone(f.data);
      return;
    }
    if (profile.importsMerge === 'deep-merge') {
      merged = deepMerge(merged, f.data);
      return;
    }
    // 1.x mergeConfig: mergo override for top-level values, then whole plugin tables replaced.
    const { plugins, ...rest } = f.data;
    merged = { ...merged, ...rest };
    if (isTable(plugins)) {
      const to: Table = isTable(merged.plugins) ? { ...merged.plugins } : {};
      for (const [k, v] of Object.entries(plugins)) to[k] = v;
      merged.plugins = to;
    }
  });
  return merged;
}

export function positionIn(files: LoadedConfigFile[], path: string[]): SourcePosition | undefined {
  for (let i = files.length - 1; i >= 0; i--) {
    const f = files[i]!;
    const p = firstMention(scanToml(f.text), path);
    if (p) return { file: f.path, line: p.line, column: p.column };
  }
  return undefined;
}

/** A value's text as written, in the last file that sets it. */
export function rawValueIn(files: LoadedConfigFile[], path: string[]): string | undefined {
  for (let i = files.length - 1; i >= 0; i--) {
    const kv = findKeyValue(scanToml(files[i]!.text), path);
    if (kv) return kv.value.raw;
  }
  return undefined;
}
