/**
 * Whether a pull has fetched its whole manifest, from containerd's resolver/fetcher debug lines.
 * containerd logs `msg=fetch … mediatype=…` when it starts fetching a descriptor, and it dispatches
 * a manifest's children (config, layers) only after the manifest's body was read in full and
 * verified: the first `fetch` of a non-manifest descriptor proves the manifest GET completed. Pure.
 */
const FETCH_LINE = /(?:\bmsg=|\\?"msg\\?":)\\?"?fetch\\?"?[\s,]/;
const MEDIA_TYPE = /\bmediatype\\?"?[=:]\\?"?([\w.+/-]+)/;
/**
 * Index, manifest list, image manifest (OCI and Docker): the ones fetched before any blob; and
 * text (a web page where the registry API was meant: containerd takes an answer's Content-Type as
 * the media type, so the tag "resolves" to the page, whose fetch is no config or layer).
 */
const NOT_PAST_MANIFEST = /manifest|index|^text\//;

/** The line says containerd began fetching a config or layer: the manifest was fetched in full. */
export function fetchesPastManifest(line: string): boolean {
  if (!FETCH_LINE.test(line)) return false;
  const type = MEDIA_TYPE.exec(line)?.[1];
  return type !== undefined && !NOT_PAST_MANIFEST.test(type);
}
