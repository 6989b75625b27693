/**
 * What the tag resolved to, by its media type. containerd takes a manifest answer's Content-Type
 * as the media type, so a web page where the registry API was meant becomes the image's root:
 * 1.x and CRI then fail on it, 2.x's transfer service stores it and ctr exits 0. Pure.
 */
import type { TraceDoc } from './schema.js';

/** The resolved descriptor's media type and digest, as ctr's progress or containerd's warning named them. */
export interface RootType {
  mediaType: string;
  digest: string;
}

/** ctr 2.x's transfer progress prints each root as `<media type> <digest>` (cmd/ctr/commands/images/pull.go). */
const CTR_ROOT_LINE = /^([a-z0-9][\w.+-]{0,126}\/[\w.+-]{1,127}) (sha256:[0-9a-f]{64})\s*$/;

/** A config or layer: a root only in a progress display drawn before the blob's parent arrived. */
const BLOB_TYPE = /layer|config|rootfs|container\.image/;

/** The root ctr's transfer progress names on this line (null: none, or a blob drawn as one). */
export function ctrRootLine(text: string): RootType | null {
  const m = CTR_ROOT_LINE.exec(text);
  if (!m || BLOB_TYPE.test(m[1] as string)) return null;
  return { mediaType: m[1] as string, digest: m[2] as string };
}

/** Whether a resolved root of this media type cannot be an image: neither an index nor a manifest (OCI, Docker). */
export function notAnImage(mediaType: string): boolean {
  return !/manifest|index/.test(mediaType);
}

/** The document's pull failed because its tag resolved to something that is no image. */
export function failedOnRoot(d: Pick<TraceDoc, 'result' | 'rootMediaType'>): boolean {
  return d.result === 'failure' && !!d.rootMediaType && notAnImage(d.rootMediaType);
}
