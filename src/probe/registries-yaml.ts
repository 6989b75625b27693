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
  return { path, keys };
}
