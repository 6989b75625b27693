/**
 * The keys of a k3s/RKE2 registries.yaml, with their lines: the file holds registry passwords, so
 * only key names and where they are leave this module, never a value.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import type { RegistriesYamlFact } from '../checks/facts.js';

/** Keys nested deeper than mirrors.<registry>.<key> / configs.<registry>.<tls|auth>.<key> are not read. */
const MAX_DEPTH = 4;
/** A registries.yaml is a few dozen lines; a bigger one is not parsed (bounded time and memory). */
const MAX_CHARS = 1_000_000;
const MAX_KEYS = 10_000;

export function registriesYamlKeys(path: string, text: string): RegistriesYamlFact {
  if (text.length > MAX_CHARS) return { path, keys: [], error: `larger than ${MAX_CHARS} characters: not read` };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    return { path, keys: [], error: `${e.message.split('\n')[0]} (line ${lines.linePos(e.pos[0]).line})` };
  }
  const keys: RegistriesYamlFact['keys'] = [];
  const walk = (node: Node | null | undefined, at: string[]): void => {
    if (!isMap(node) || at.length >= MAX_DEPTH || keys.length >= MAX_KEYS) return;
    for (const item of node.items) {
      const k = item.key as Node | null;
      if (!isScalar(k)) continue;
      const name = String(k.value);
      const line = k.range ? lines.linePos(k.range[0]).line : 0;
      keys.push({ path: [...at, name], line });
      walk(item.value as Node | null, [...at, name]);
    }
  };
  walk(doc.contents as Node | null, []);
  const endsWithOwn = endsWithOwnEndpoint(doc.toJS() as unknown);
  return { path, keys, ...(endsWithOwn.length > 0 ? { endsWithOwnEndpoint: endsWithOwn } : {}) };
}

/** The registry's own API hosts: Docker Hub's by any of its names. */
function ownHosts(registry: string): string[] {
  return registry === 'docker.io' ? ['docker.io', 'registry-1.docker.io', 'index.docker.io'] : [registry];
}

/** The host of an endpoint as registries.yaml spells it (`https://h:5000/v2`, `h:5000`). */
function endpointHost(endpoint: string): string {
  return endpoint.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0]!.toLowerCase();
}

/** Registries whose endpoint list has a mirror first and ends with the registry itself. */
function endsWithOwnEndpoint(data: unknown): string[] {
  const mirrors = (data as { mirrors?: unknown } | null)?.mirrors;
  if (!mirrors || typeof mirrors !== 'object') return [];
  const out: string[] = [];
  for (const [registry, m] of Object.entries(mirrors as Record<string, unknown>)) {
    const list = (m as { endpoint?: unknown } | null)?.endpoint;
    if (!Array.isArray(list) || list.length < 2 || typeof list.at(-1) !== 'string') continue;
    if (ownHosts(registry).includes(endpointHost(list.at(-1) as string))) out.push(registry);
  }
  return out;
}
