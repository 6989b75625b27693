/**
 * Reads the node files the containerd emulation needs into a {@link NodeSnapshot}: config.toml
 * and its imports (globbed, relative to the importing file), and for every hosts root the
 * candidate folders, hosts.toml, Docker-style cert files and referenced `ca`/`client` files.
 *
 * Every path is read under `--root` as the node sees it: symlinks resolve inside the root
 * (src/probe/node-root.ts), never to this machine's files. Nothing here throws for a bad file:
 * symlink loops, directories instead of files, unreadable files, oversized files and binary content
 * all become typed entries that the core explains.
 */
import * as fsp from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import * as path from 'node:path';
import { isUtf8 } from 'node:buffer';
import { resolveImports } from '../containerd/config-files.js';
import { MAX_TOML_ITEMS, tomlItems } from '../containerd/toml-bounds.js';
import { goPathClean, goPathJoin } from '../containerd/go-url.js';
import { hostDirectoryName } from '../containerd/host-dirs.js';
import { referencedTlsFiles } from '../containerd/hosts-toml-tls-files.js';
import type { DirEntry, FileContent, FsEntry, NodeSnapshot } from '../containerd/node-snapshot.js';
import { resolutionError, resolveNodePath, type NodePathResolution, type RootFs } from './node-root.js';

/** The part of `node:fs/promises` used here; tests inject failures through it. */
export interface FsLike extends RootFs {
  stat(p: string): Promise<Stats>;
  readdir(p: string, opts: { withFileTypes: true }): Promise<Dirent[]>;
  readFile(p: string): Promise<Buffer>;
}

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
const MAX_DIR_ENTRIES = 1000;

export interface NodeFilesOptions {
  /** Prefix for every path read ('/' for the live node). */
  root: string;
  fs?: FsLike;
  maxBytes?: number;
}

function errCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : 'EIO';
}

/** First byte offset that is no text at all: a NUL or another control byte. -1 when none. */
function controlOffset(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return i;
  }
  return -1;
}

/** First byte offset that is not UTF-8 (an invalid, overlong, surrogate or cut sequence). -1 when it all is. */
function notUtf8Offset(buf: Buffer): number {
  if (isUtf8(buf)) return -1;
  for (let i = 0; i < buf.length; ) {
    const b = buf[i]!;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > buf.length) return i;
    for (let k = 1; k < n; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return i;
    const c = buf[i + 1]!;
    if ((b === 0xe0 && c < 0xa0) || (b === 0xed && c > 0x9f) || (b === 0xf0 && c < 0x90) || (b === 0xf4 && c > 0x8f)) return i;
    i += n;
  }
  return -1;
}

export class NodeFileReader {
  readonly snapshot: NodeSnapshot;
  private readonly fs: FsLike;
  private readonly maxBytes: number;
  private readonly root: string;
  /** node path → where it is on this machine (stat and read of one path resolve it once) */
  private readonly resolved = new Map<string, Promise<NodePathResolution>>();

  constructor(opts: NodeFilesOptions) {
    this.root = path.resolve(opts.root);
    this.fs = opts.fs ?? (fsp as unknown as FsLike);
    this.maxBytes = opts.maxBytes ?? MAX_FILE_BYTES;
    this.snapshot = { root: this.root, entries: {} };
  }

  /** Where a node path is on this machine (symlinks resolved under --root), or the errno the node would get. */
  resolve(nodePath: string): Promise<NodePathResolution> {
    const key = goPathClean(nodePath);
    let r = this.resolved.get(key);
    if (!r) this.resolved.set(key, (r = resolveNodePath(this.root, key, this.fs)));
    return r;
  }

  /** stat (following symlinks) → entry; directories are listed. */
  async stat(nodePath: string): Promise<FsEntry> {
    const key = goPathClean(nodePath);
    const cached = this.snapshot.entries[key];
    if (cached) return cached;
    let entry: FsEntry;
    try {
      const at = await this.resolve(key);
      if (!at.ok) throw resolutionError(key, at.code);
      const st = await this.fs.stat(at.hostPath);
      if (st.isDirectory()) {
        entry = { kind: 'directory' };
        try {
          const list = await this.fs.readdir(at.hostPath, { withFileTypes: true });
          entry.entries = list.slice(0, MAX_DIR_ENTRIES).map(
            (d): DirEntry => ({
              name: d.name,
              kind: d.isDirectory() ? 'directory' : d.isSymbolicLink() ? 'symlink' : d.isFile() ? 'file' : 'other',
            }),
          );
        } catch (e) {
          entry.listError = { code: errCode(e) };
        }
      } else if (st.isFile()) {
        entry = { kind: 'file', size: st.size };
      } else {
        entry = { kind: 'other', description: st.isFIFO() ? 'a named pipe' : st.isSocket() ? 'a socket' : 'not a regular file' };
      }
    } catch (e) {
      const code = errCode(e);
      entry = code === 'ENOENT' ? { kind: 'missing' } : { kind: 'stat-error', error: { code } };
    }
    this.snapshot.entries[key] = entry;
    return entry;
  }

  /**
   * stat, then read a regular file's content (size-limited, binary-checked; a `toml` file also
   * bounded in its tables, keys and values: toml-bounds.ts).
   */
  async read(nodePath: string, toml = false): Promise<FsEntry> {
    const key = goPathClean(nodePath);
    const entry = await this.stat(key);
    if (entry.kind !== 'file' || entry.content || entry.readError) return entry;
    if (entry.size > this.maxBytes) {
      entry.content = { kind: 'too-large', limit: this.maxBytes };
      return entry;
    }
    try {
      const at = await this.resolve(key);
      if (!at.ok) throw resolutionError(key, at.code);
      const buf = await this.fs.readFile(at.hostPath);
      if (buf.length > this.maxBytes) {
        entry.content = { kind: 'too-large', limit: this.maxBytes };
        return entry;
      }
      const off = controlOffset(buf);
      const text = off >= 0 ? '' : buf.toString('utf8');
      // not UTF-8 (a latin-1 comment): still text, which containerd 1.x reads and 2.x refuses
      const bad = off >= 0 ? -1 : notUtf8Offset(buf);
      const notUtf8 = bad >= 0 ? { line: buf.subarray(0, bad).filter((b) => b === 10).length + 1, column: bad - buf.lastIndexOf(10, bad - 1) } : undefined;
      const content: FileContent =
        off >= 0
          ? { kind: 'binary', offset: off }
          : toml && tomlItems(text) > MAX_TOML_ITEMS
            ? { kind: 'too-complex', limit: MAX_TOML_ITEMS }
            : { kind: 'text', text, ...(notUtf8 ? { notUtf8 } : {}) };
      entry.content = content;
      entry.size = buf.length;
    } catch (e) {
      entry.readError = { code: errCode(e) };
    }
    return entry;
  }

  /** Go filepath.Glob over node paths (`*`, `?`, `[…]` within one segment), sorted. */
  async glob(pattern: string): Promise<string[]> {
    const parts = goPathClean(pattern).split('/').filter((p) => p !== '');
    let current = ['/'];
    for (const part of parts) {
      const next: string[] = [];
      if (!/[*?[]/.test(part)) {
        for (const c of current) next.push(goPathJoin(c, part));
      } else {
        const re = new RegExp(
          `^${part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`,
        );
        for (const c of current) {
          const e = await this.stat(c);
          if (e.kind !== 'directory') continue;
          for (const d of e.entries ?? []) if (re.test(d.name)) next.push(goPathJoin(c, d.name));
        }
      }
      current = next;
    }
    const matches: string[] = [];
    for (const m of current) if ((await this.stat(m)).kind !== 'missing') matches.push(m);
    matches.sort();
    (this.snapshot.globs ??= {})[goPathClean(pattern)] = matches;
    return matches;
  }

  /** config.toml and every import, recursively. */
  async readConfig(file: string): Promise<void> {
    const seen = new Set<string>();
    const visit = async (p: string) => {
      if (seen.has(p) || seen.size > 64) return;
      seen.add(p);
      const e = await this.read(p, true);
      if (e.kind !== 'file' || e.content?.kind !== 'text') return;
      let data: Record<string, unknown>;
      try {
        const { parse } = await import('smol-toml');
        data = parse(e.content.text) as Record<string, unknown>;
      } catch {
        return;
      }
      const imports = Array.isArray(data.imports) ? data.imports : [];
      for (const imp of imports) {
        if (typeof imp !== 'string') continue;
        const dir = p.slice(0, p.lastIndexOf('/')) || '/';
        const abs = imp.startsWith('/') ? goPathClean(imp) : goPathJoin(dir, imp);
        if (/[*?[]/.test(abs)) await this.glob(abs);
      }
      for (const imp of resolveImports(p, data, this.snapshot)) await visit(imp);
    };
    await visit(goPathClean(file));
  }

  /**
   * For one hosts root and registry host: every candidate folder (port form, host, _default),
   * and for each that exists, hosts.toml, its cert files and the files hosts.toml references.
   */
  async readHostRoot(root: string, registryHost: string): Promise<void> {
    const names = [hostDirectoryName(registryHost), registryHost, '_default'];
    for (const name of [...new Set(names)]) {
      const dir = goPathJoin(root, name);
      const e = await this.stat(dir);
      if (e.kind === 'missing') continue;
      const hostsToml = await this.read(goPathJoin(dir, 'hosts.toml'), true);
      if (e.kind !== 'directory') continue;
      for (const d of e.entries ?? []) {
        if (/\.(crt|cert|key|pem)$/.test(d.name)) await this.read(goPathJoin(dir, d.name));
      }
      if (hostsToml.kind === 'file' && hostsToml.content?.kind === 'text') {
        for (const f of referencedTlsFiles(dir, hostsToml.content.text)) await this.read(f);
      }
    }
  }
}

/** Convenience: config + host roots in one call. */
export async function collectNodeFiles(opts: NodeFilesOptions & { configFile: string; hostRoots: string[]; registryHosts: string[] }): Promise<NodeSnapshot> {
  const reader = new NodeFileReader(opts);
  await reader.readConfig(opts.configFile);
  for (const root of opts.hostRoots) for (const h of opts.registryHosts) await reader.readHostRoot(root, h);
  return reader.snapshot;
}
