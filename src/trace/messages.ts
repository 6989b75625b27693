/**
 * The messages the trace parser reads: a cheap test on a freshly scanned message says whether a
 * line can matter at all, before any of its fields is read, and a cheaper one on the message's
 * first characters in the line itself says whether it may be one of them.
 */

/** CRI's warning for a host configured as http:// with a TLS configuration. */
export const HTTPS_FIRST = 'host will try HTTPS first since it is configured for HTTP with a TLS configuration';

/** containerd's warning for a descriptor whose media type it knows no children of (images/handlers.go). */
export const UNKNOWN_TYPE = 'reference for unknown type: ';

/**
 * The resolver / CRI messages the parser reads in full, by length first: no hash of a freshly cut
 * message is computed (as a Set lookup would).
 */
export function isResolverMsg(msg: string): boolean {
  switch (msg.length) {
    case 5: return msg === 'fetch';
    case 8: return msg === 'resolved' || msg === 'fetching';
    case 9: return msg === 'resolving' || msg === 'unpacking';
    case 10: return msg === 'do request';
    case 12: return msg === 'Unauthorized' || msg === 'fetch failed';
    case 16: return msg === 'trying next host';
    case 18: return msg === 'registering stream';
    case 19: return msg === 'starting cri plugin' || msg === 'starting containerd';
    case 20: return msg === 'token request failed' || msg === 'Verifying image pull';
    case 21: return msg === 'failed to load plugin';
    case 22: return msg === 'loading host directory';
    case 23: return msg === 'fetch response received';
    case 27: return msg === 'failed to decode hosts.toml';
    case 35: return msg === 'transient transport error, retrying';
    case 42: return msg === 'httpReadSeeker: failed to close ReadCloser';
    case 48: return msg === 'authorization error using bearer token, retrying';
    case 51: return msg === 'trying next host - response was http.StatusNotFound';
    case 58: return msg === 'no Docker-Content-Digest header, fetching manifest instead';
    case 59: return msg === 'remote host ignored content range, forcing parallelism to 1';
    default: return false;
  }
}

/** Cheap first-character test for messages that may matter (prefilter before any Set/field work). */
export function interesting(msg: string): boolean {
  if (isResolverMsg(msg)) return true;
  const c = msg.charCodeAt(0);
  // t(rying…) f(etch…/failed…) P(ullImage/Pulled) S(tart cri) h(ost will…) C(onfiguration) I(gnoring) F(ound) c(ancel) r(eference) R(unPodSandbox … failed)
  switch (c) {
    case 116: return msg.startsWith('trying next host after status: ') || msg.startsWith(K0S_NESTED);
    case 102: return msg.startsWith('fetch failed after status: ') || msg.startsWith('failed to decode ') || msg.startsWith('failed to load plugin ');
    case 80: return msg.startsWith('PullImage ') || msg.startsWith('Pulled image ');
    case 83: return msg.startsWith('Start cri plugin with config ');
    case 104: return msg.startsWith(HTTPS_FIRST);
    case 67: return msg.startsWith('Configuration migrated from version');
    case 73: return msg.startsWith('Ignoring unknown key in TOML');
    case 70: return msg.startsWith("Found '");
    case 99: return msg.startsWith('cancel pulling image');
    case 114: return msg.startsWith(UNKNOWN_TYPE);
    case 82: return msg.startsWith(SANDBOX_FAILED_START) && msg.endsWith(SANDBOX_FAILED_END);
    default: return false;
  }
}

/** Every message `isResolverMsg` accepts. */
export const EXACT_MESSAGES: readonly string[] = [
  'fetch', 'resolved', 'fetching', 'resolving', 'unpacking', 'do request', 'Unauthorized', 'fetch failed', 'trying next host',
  'registering stream', 'starting cri plugin', 'starting containerd', 'token request failed', 'Verifying image pull',
  'failed to load plugin', 'loading host directory', 'fetch response received', 'failed to decode hosts.toml',
  'transient transport error, retrying', 'httpReadSeeker: failed to close ReadCloser', 'authorization error using bearer token, retrying',
  'trying next host - response was http.StatusNotFound', 'no Docker-Content-Digest header, fetching manifest instead',
  'remote host ignored content range, forcing parallelism to 1',
];

/**
 * CRI's error when a pod could not start (`RunPodSandbox for &PodSandboxMetadata{…} failed, error`, at
 * level error): the one line of a failed pull of the pod's sandbox image, which CRI pulls itself. Not
 * a message start: most lines of a node's log start so, and the byte and text filters keep only
 * those at level error (or of another shape) for it.
 */
export const SANDBOX_FAILED_START = 'RunPodSandbox for ';
export const SANDBOX_FAILED_END = ' failed, error';

/** k0s logs each line of the containerd it supervises as the message of its own line (component=containerd). */
export const K0S_NESTED = 'time=';

/** Every message start `interesting` accepts besides those. */
export const MESSAGE_PREFIXES: readonly string[] = [
  K0S_NESTED,
  'trying next host after status: ', 'fetch failed after status: ', 'failed to decode ', 'failed to load plugin ', 'PullImage ',
  'Pulled image ', 'Start cri plugin with config ', HTTPS_FIRST, 'Configuration migrated from version', 'Ignoring unknown key in TOML',
  "Found '", 'cancel pulling image', UNKNOWN_TYPE,
];

/** How many of a message's first characters `mayStartMessage` compares. */
export const MESSAGE_START = 10;

/** By the codes of their first two characters: the first MESSAGE_START characters of each message and message start. */
const STARTS: (readonly string[] | null)[] = (() => {
  const by: (string[] | null)[] = new Array<string[] | null>(128 * 128).fill(null);
  for (const m of [...EXACT_MESSAGES, ...MESSAGE_PREFIXES]) {
    const k = m.charCodeAt(0) * 128 + m.charCodeAt(1);
    const d = m.slice(0, MESSAGE_START);
    const list = (by[k] ??= []);
    if (!list.includes(d)) list.push(d);
  }
  return by;
})();

/**
 * Whether the text at `at` may start a message `interesting` accepts (false: it certainly does
 * not, when the text is the message as written, without escapes).
 */
export function mayStartMessage(s: string, at: number): boolean {
  const c0 = s.charCodeAt(at);
  const c1 = s.charCodeAt(at + 1);
  if (!(c0 < 128 && c1 < 128)) return false;
  const list = STARTS[c0 * 128 + c1] as readonly string[] | null;
  if (list === null) return false;
  for (let i = 0; i < list.length; i++) if (s.startsWith(list[i] as string, at)) return true;
  return false;
}

/** The first four characters of a message or message start: as a little-endian int32 key, hashed to 16 bits. */
const hash4 = (key: number): number => Math.imul(key, 0x9e3779b1) >>> 16;

/** Which hashes of the first four characters of every message and message start (each has more) occur. */
const FIRST4 = (() => {
  const t = new Uint8Array(1 << 16);
  for (const m of [...EXACT_MESSAGES, ...MESSAGE_PREFIXES]) {
    t[hash4(m.charCodeAt(0) | (m.charCodeAt(1) << 8) | (m.charCodeAt(2) << 16) | (m.charCodeAt(3) << 24))] = 1;
  }
  return t;
})();

/**
 * mayStartMessage on bytes: whether the UTF-8 text at `b[at]` may start a message `interesting`
 * accepts. Most text is told apart by the hash of its first four bytes alone (one table load).
 */
export function mayStartMessageAt(b: Uint8Array, at: number): boolean {
  // past the end, a byte reads as undefined: 0 here, which no message holds
  if (FIRST4[hash4(((b[at] as number) | 0) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16) | ((b[at + 3] as number) << 24))] === 0) return false;
  const c0 = b[at] as number;
  const c1 = b[at + 1] as number;
  // past the end (undefined) or not ASCII: no message
  if (!(c0 < 128 && c1 < 128)) return false;
  const list = STARTS[c0 * 128 + c1] as readonly string[] | null;
  if (list === null) return false;
  for (let i = 0; i < list.length; i++) {
    const d = list[i] as string;
    let k = 2;
    while (k < d.length && b[at + k] === d.charCodeAt(k)) k++;
    if (k === d.length) return true;
  }
  return false;
}

/** containerd's version in a User-Agent header. */
export const UA_RE = /containerd\/v?([0-9][0-9A-Za-z.+~_-]{0,40})/;

/** INFO messages the parser reads that could otherwise pass for a line of a body. */
export const BODY_LOOKALIKE = /^(trying next host|fetch failed|failed to|host will try|PullImage|Pulled image|Start cri|starting cri|Configuration migrated|Ignoring unknown|Found '|cancel pulling|resolving|loading host|resolved|request)/;
