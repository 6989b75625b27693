/**
 * The messages the trace parser reads: a cheap test on a freshly scanned message says whether a
 * line can matter at all, before any of its fields is read.
 */

/** CRI's warning for a host configured as http:// with a TLS configuration. */
export const HTTPS_FIRST = 'host will try HTTPS first since it is configured for HTTP with a TLS configuration';

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
  // t(rying…) f(etch…/failed…) P(ullImage/Pulled) S(tart cri) h(ost will…) C(onfiguration) I(gnoring) F(ound) c(ancel)
  switch (c) {
    case 116: return msg.startsWith('trying next host after status: ');
    case 102: return msg.startsWith('fetch failed after status: ') || msg.startsWith('failed to decode ') || msg.startsWith('failed to load plugin ');
    case 80: return msg.startsWith('PullImage ') || msg.startsWith('Pulled image ');
    case 83: return msg.startsWith('Start cri plugin with config ');
    case 104: return msg.startsWith(HTTPS_FIRST);
    case 67: return msg.startsWith('Configuration migrated from version');
    case 73: return msg.startsWith('Ignoring unknown key in TOML');
    case 70: return msg.startsWith("Found '");
    case 99: return msg.startsWith('cancel pulling image');
    default: return false;
  }
}

/** containerd's version in a User-Agent header. */
export const UA_RE = /containerd\/([0-9][0-9A-Za-z.+~_-]{0,40})/;

/** INFO messages the parser reads that could otherwise pass for a line of a body. */
export const BODY_LOOKALIKE = /^(trying next host|fetch failed|failed to|host will try|PullImage|Pulled image|Start cri|starting cri|Configuration migrated|Ignoring unknown|Found '|cancel pulling|resolving|loading host|resolved|request)/;
