import { resolveProfile, type BehaviourProfile } from '../../../src/containerd/version.js';
import type { FsEntry, NodeSnapshot } from '../../../src/containerd/node-snapshot.js';

export function profile(v: string): BehaviourProfile {
  const r = resolveProfile(v);
  if (!r.ok) throw new Error(r.error);
  return r.profile;
}

export type FakeFile = string | 'DIR' | FsEntry;

/** Builds a snapshot: text → file, 'DIR' → directory; parents become directories with listings. */
export function snap(files: Record<string, FakeFile>): NodeSnapshot {
  const entries: Record<string, FsEntry> = {};
  const ensureDir = (p: string) => {
    if (!entries[p]) entries[p] = { kind: 'directory', entries: [] };
  };
  for (const [p, v] of Object.entries(files)) {
    const parts = p.split('/').filter(Boolean);
    let cur = '';
    for (let i = 0; i < parts.length - 1; i++) {
      const parent = cur || '/';
      cur = `${cur}/${parts[i]}`;
      ensureDir(parent);
      ensureDir(cur);
      const pe = entries[parent];
      if (pe?.kind === 'directory' && !pe.entries!.some((e) => e.name === parts[i])) pe.entries!.push({ name: parts[i]!, kind: 'directory' });
    }
    const parent = cur || '/';
    ensureDir(parent);
    const name = parts[parts.length - 1]!;
    const entry: FsEntry = v === 'DIR' ? { kind: 'directory', entries: [] } : typeof v === 'string' ? { kind: 'file', size: Buffer.byteLength(v), content: { kind: 'text', text: v } } : v;
    if (v === 'DIR') ensureDir(p);
    else entries[p] = entry;
    const pe = entries[parent];
    if (pe?.kind === 'directory' && !pe.entries!.some((e) => e.name === name)) pe.entries!.push({ name, kind: entry.kind === 'directory' ? 'directory' : 'file' });
  }
  return { root: '/', entries };
}
