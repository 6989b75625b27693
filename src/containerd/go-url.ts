/**
 * The few Go standard-library functions whose exact behaviour decides containerd's
 * choices: `net/url.Parse` (scheme, host, port validation, error texts),
 * `url.QueryEscape`, `path.Clean` / `path.Join`, `net.SplitHostPort`, and
 * `docker.IsLocalhost`. Written from the Go 1.19+ sources' semantics; only
 * the parts containerd relies on.
 */

export interface GoUrl {
  scheme: string;
  /** Non-empty for `scheme:opaque` URLs (no `//` after the scheme). */
  opaque: string;
  user: string;
  /** host[:port], IPv6 kept in brackets, as Go's `u.Host`. */
  host: string;
  path: string;
  rawQuery: string;
  fragment: string;
}

export type GoUrlResult = { ok: true; url: GoUrl } | { ok: false; error: string };

function isAlpha(c: string): boolean {
  return /^[A-Za-z]$/.test(c);
}

/** Go `getScheme`: returns [scheme, rest] or an error text. */
function getScheme(raw: string): { scheme: string; rest: string } | { error: string } {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (isAlpha(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === ':') {
      if (i === 0) return { error: 'missing protocol scheme' };
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  return /^[0-9]*$/.test(port.slice(1));
}

/** Characters Go's `shouldEscape(c, encodeHost)` lets through unescaped (ASCII). */
function hostCharAllowed(c: string): boolean {
  if (/^[A-Za-z0-9]$/.test(c)) return true;
  return "-_.~!$&'()*+,;=:[]<>\"".includes(c);
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

function parseHost(host: string): { host: string } | { error: string } {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) return { error: "missing ']' in host" };
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) return { error: `invalid port ${goQuote(colonPort)} after host` };
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) return { error: `invalid port ${goQuote(colonPort)} after host` };
    }
  }
  for (let i = 0; i < host.length; i++) {
    const c = host[i]!;
    if (c === '%') {
      const hex = host.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { error: `invalid URL escape ${goQuote(host.slice(i, i + 3))}` };
      i += 2;
      continue;
    }
    if (c.charCodeAt(0) < 0x80 && !hostCharAllowed(c)) return { error: `invalid character ${goQuote(c)} in host name` };
  }
  return { host };
}

/**
 * Go `url.Parse` for the shapes containerd feeds it. Errors carry Go's full text:
 * `parse "<raw>": <reason>`.
 */
export function goUrlParse(raw: string): GoUrlResult {
  const fail = (reason: string): GoUrlResult => ({ ok: false, error: `parse ${goQuote(raw)}: ${reason}` });
  if (/[\x00-\x1f\x7f]/.test(raw)) return { ok: false, error: `parse ${goQuote(raw)}: net/url: invalid control character in URL` };
  let rest = raw;
  let fragment = '';
  const hashAt = rest.indexOf('#');
  if (hashAt >= 0) {
    fragment = rest.slice(hashAt + 1);
    rest = rest.slice(0, hashAt);
  }
  if (rest === '*') return { ok: true, url: { scheme: '', opaque: '', user: '', host: '', path: '*', rawQuery: '', fragment } };
  const s = getScheme(rest);
  if ('error' in s) return fail(s.error);
  const scheme = s.scheme.toLowerCase();
  rest = s.rest;
  let rawQuery = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const url: GoUrl = { scheme, opaque: '', user: '', host: '', path: '', rawQuery, fragment };
  if (!rest.startsWith('/')) {
    if (scheme !== '') {
      url.opaque = rest;
      return { ok: true, url };
    }
    const colon = rest.indexOf(':');
    const slash = rest.indexOf('/');
    if (colon >= 0 && (slash < 0 || colon < slash)) return fail('first path segment in URL cannot contain colon');
  }
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    let after = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      after = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const at = authority.lastIndexOf('@');
    let hostPart = authority;
    if (at >= 0) {
      url.user = authority.slice(0, at);
      hostPart = authority.slice(at + 1);
    }
    const h = parseHost(hostPart);
    if ('error' in h) return fail(h.error);
    url.host = h.host;
    rest = after;
  }
  url.path = rest;
  return { ok: true, url };
}

/** Go `url.QueryEscape`. */
export function goQueryEscape(s: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Go `path.Clean` (slash paths). */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Go `path.Join` / `filepath.Join` on Unix: empty elements ignored, result cleaned. */
export function goPathJoin(...elems: string[]): string {
  const parts = elems.filter((e) => e !== '');
  if (parts.length === 0) return '';
  return goPathClean(parts.join('/'));
}

export function goPathIsAbs(p: string): boolean {
  return p.startsWith('/');
}

/** Go `net.SplitHostPort`; `undefined` when the text has no port (Go returns an error). */
export function goSplitHostPort(hostport: string): { host: string; port: string } | undefined {
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) return undefined;
    const after = hostport.slice(end + 1);
    if (!after.startsWith(':')) return undefined;
    const port = after.slice(1);
    if (port.includes(':')) return undefined;
    return { host: hostport.slice(1, end), port };
  }
  const i = hostport.lastIndexOf(':');
  if (i < 0) return undefined;
  const host = hostport.slice(0, i);
  if (host.includes(':')) return undefined; // too many colons
  return { host, port: hostport.slice(i + 1) };
}

/** The port of `host[:port]` as containerd computes it (`_, port, _ := net.SplitHostPort`): '' when none. */
export function portOf(hostport: string): string {
  return goSplitHostPort(hostport)?.port ?? '';
}

function isLoopbackIp(host: string): boolean {
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) {
    return host.split('.').every((o) => Number(o) <= 255);
  }
  const h = host.toLowerCase();
  return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** containerd `docker.IsLocalhost`: `localhost` or a loopback IP, with or without a port. */
export function isLocalhost(hostport: string): boolean {
  let host = hostport;
  const split = goSplitHostPort(hostport);
  if (split) host = split.host;
  if (host === 'localhost') return true;
  return isLoopbackIp(host);
}
