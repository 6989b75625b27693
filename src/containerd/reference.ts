/**
 * Image references as the two kinds of client see them (containerd v2.1.9 pkg/reference/reference.go
 * Parse; CRI: internal/cri/server/images/image_pull.go PullImage).
 *
 * - ctr: containerd's `reference.Parse`, no normalisation. `nginx` parses but has no object
 *   (`object required` at resolve), `nginx:latest` fails in `url.Parse("dummy://nginx:latest")`,
 *   `library/nginx:latest` makes `library` the registry host.
 * - CRI: `distribution.ParseDockerRef` first (`nginx` → `docker.io/library/nginx:latest`), then
 *   the same containerd parse.
 */
import { goUrlParse } from './go-url.js';

export interface ImageReference {
  /** The text the client resolves (CRI: the normalised name). */
  name: string;
  /** `refspec.Hostname()`: the host the hosts directory is looked up for. */
  hostname: string;
  /** `refspec.Locator`: host + repository path. */
  locator: string;
  /** Repository path without the host, as in request paths (`library/nginx`). */
  repository: string;
  /** `refspec.Object`: tag, `tag@digest`, or `@digest`. */
  object: string;
  tag?: string;
  digest?: string;
}

export type ReferenceResult =
  | { ok: true; ref: ImageReference; normalizedFrom?: string }
  | { ok: false; error: string; stage: 'parse' | 'resolve' };

const SPLIT_RE = /[:@]/;

/** containerd `reference.SplitObject`: `tag@digest` → tag, digest. */
function splitObject(obj: string): { tag: string; digest: string } {
  const at = obj.indexOf('@');
  if (at < 0) return { tag: obj, digest: '' };
  return { tag: obj.slice(0, at), digest: obj.slice(at + 1) };
}

/** opencontainers `digest.Digest.Validate` error texts. */
export function validateDigest(d: string): string | undefined {
  const i = d.indexOf(':');
  if (i <= 0 || i + 1 === d.length) return 'invalid checksum digest format';
  const alg = d.slice(0, i);
  const hex = d.slice(i + 1);
  const sizes: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
  const size = sizes[alg];
  if (size === undefined) {
    return /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$/.test(alg) ? 'unsupported digest algorithm' : 'invalid checksum digest format';
  }
  if (!/^[a-f0-9]*$/.test(hex)) return 'invalid checksum digest format';
  if (hex.length !== size) return 'invalid checksum digest length';
  return undefined;
}

/**
 * containerd `reference.Parse` followed by the resolver's own checks (object required,
 * digest validation). This is what `ctr images pull <ref>` does with the text as typed.
 */
export function parseCtrReference(input: string): ReferenceResult {
  if (input.includes('://')) return { ok: false, error: 'invalid reference', stage: 'parse' };
  const parsed = goUrlParse(`dummy://${input}`);
  if (!parsed.ok) return { ok: false, error: parsed.error, stage: 'parse' };
  const u = parsed.url;
  if (u.scheme !== 'dummy') return { ok: false, error: 'invalid reference', stage: 'parse' };
  if (u.host === '') return { ok: false, error: 'hostname required', stage: 'parse' };
  let path = u.path;
  let object = '';
  const m = SPLIT_RE.exec(path);
  if (m) {
    object = path.slice(m.index);
    if (object.startsWith(':')) object = object.slice(1);
    path = path.slice(0, m.index);
  }
  // path.Join(u.Host, u.Path)
  const locator = [u.host, ...path.split('/').filter((p) => p !== '')].join('/');
  const slash = locator.indexOf('/');
  const hostname = slash < 0 ? locator : locator.slice(0, slash);
  if (object === '') return { ok: false, error: 'object required', stage: 'resolve' };
  const { tag, digest } = splitObject(object);
  if (digest !== '') {
    const err = validateDigest(digest);
    if (err) return { ok: false, error: err, stage: 'resolve' };
  }
  const ref: ImageReference = {
    name: input,
    hostname,
    locator,
    repository: locator.startsWith(`${hostname}/`) ? locator.slice(hostname.length + 1) : locator,
    object,
  };
  if (tag !== '') ref.tag = tag;
  if (digest !== '') ref.digest = digest;
  return { ok: true, ref };
}

// distribution/reference grammar (regexp.go), as vendored by containerd.
const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const domain = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const namePat = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;
const tagPat = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const REFERENCE_RE = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const ANCHORED_ID_RE = /^[a-f0-9]{64}$/;
const NAME_TOTAL_LENGTH_MAX = 255;

/**
 * CRI's `ParseDockerRef`: normalise (`docker.io`, `library/`, `:latest`), drop the tag
 * when a digest is present. Errors carry distribution's texts.
 */
export function normalizeDockerReference(input: string): { ok: true; name: string } | { ok: false; error: string } {
  if (ANCHORED_ID_RE.test(input)) {
    return { ok: false, error: `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings` };
  }
  // splitDockerDomain
  let dom: string;
  let remainder: string;
  const i = input.indexOf('/');
  const first = i < 0 ? '' : input.slice(0, i);
  if (i < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    dom = 'docker.io';
    remainder = input;
  } else {
    dom = first;
    remainder = input.slice(i + 1);
  }
  if (dom === 'index.docker.io') dom = 'docker.io';
  if (dom === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
  const nameOnly = remainder.split(/[:@]/)[0] ?? '';
  if (nameOnly.toLowerCase() !== nameOnly) {
    return { ok: false, error: 'invalid reference format: repository name must be lowercase' };
  }
  const full = `${dom}/${remainder}`;
  const m = REFERENCE_RE.exec(full);
  if (!m) {
    if (full === '') return { ok: false, error: 'repository name must have at least one component' };
    if (REFERENCE_RE.test(full.toLowerCase())) return { ok: false, error: 'invalid reference format: repository name must be lowercase' };
    return { ok: false, error: 'invalid reference format' };
  }
  const name = m[1] ?? '';
  if (name.length > NAME_TOTAL_LENGTH_MAX) return { ok: false, error: `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters` };
  const tag = m[2];
  const dgst = m[3];
  if (dgst) {
    const err = validateDigest(dgst);
    if (err) return { ok: false, error: err };
    return { ok: true, name: `${name}@${dgst}` };
  }
  return { ok: true, name: `${name}:${tag ?? 'latest'}` };
}

/** CRI: normalise, then parse the normalised name the way the resolver does. */
export function parseCriReference(input: string): ReferenceResult {
  const n = normalizeDockerReference(input);
  if (!n.ok) return { ok: false, error: n.error, stage: 'parse' };
  const r = parseCtrReference(n.name);
  if (!r.ok) return r;
  return n.name === input ? r : { ...r, normalizedFrom: input };
}
