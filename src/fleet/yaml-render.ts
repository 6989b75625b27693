/**
 * Kubernetes objects to YAML text with a comment above the fields that need a word of why, and
 * the documents joined into one multi-document stream under a header comment.
 */
import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import { Document, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';

/** A Kubernetes object the manifest prints. */
export type ManifestObject = INamespace | IConfigMap | IDaemonSet | IJob;

/** A comment: the path of the field it goes above (map keys, sequence indexes), and its text. */
export type Note = [Array<string | number>, string];

/**
 * Finds the node at `path` and puts `text` above it. A path that is not in the document is a
 * mistake in the caller, so it throws rather than drop the comment.
 */
function note(doc: Document, path: Array<string | number>, text: string): void {
  let parent: unknown = doc.contents;
  for (const key of path.slice(0, -1)) parent = isMap(parent) || isSeq(parent) ? parent.get(key, true) : undefined;
  const last = path[path.length - 1]!;
  let target: YamlNode | undefined;
  if (isSeq(parent) && typeof last === 'number') target = parent.items[last] as YamlNode | undefined;
  else if (isMap(parent)) {
    const key = parent.items.find((p) => isScalar(p.key) && p.key.value === last)?.key;
    if (isScalar(key)) target = key;
  }
  if (!target) throw new Error(`fleet manifest: no ${path.join('.')} to put a comment on`);
  target.commentBefore = text;
}

/** One YAML document, long lines unfolded. */
export function renderObject(obj: ManifestObject, notes: Note[]): string {
  const doc = new Document(obj);
  for (const [path, text] of notes) note(doc, path, text);
  return doc.toString({ lineWidth: 0 });
}

/** The header's lines as `#` comments, then the documents, each after a `---` line. */
export function joinDocuments(header: string, docs: string[]): string {
  return `${header
    .split('\n')
    .map((l) => `#${l}`.trimEnd())
    .join('\n')}\n---\n${docs.join('---\n')}`;
}
