/**
 * Go's NO_PROXY matching (golang.org/x/net/http/httpproxy, which containerd's transport uses through
 * http.ProxyFromEnvironment): `*`; an IPv4 or IPv6 address or CIDR; a domain, matching itself and
 * its subdomains (`.d` and `*.d` only the subdomains and `d` itself); each with an optional `:port`
 * that then must be the request's (the scheme's default when the URL has none). Pure.
 */
import { goSplitHostPort } from '../containerd/go-url.js';

/** The 16 bytes of an IPv6 address, or the 4 of an IPv4 one; null when `s` is neither. */
export function ipBytes(s: string): number[] | null {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    const b = s.split('.').map(Number);
    return b.every((x) => x <= 255) ? b : null;
  }
  if (!s.includes(':') || !/^[0-9a-f:.]+$/i.test(s)) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    const parts = h.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      // an embedded IPv4 address closes the address (::ffff:10.0.0.1)
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = ipBytes(p);
        if (!v4 || v4.length !== 4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-f]{1,4}$/i.test(p)) out.push(parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return null;
  return [...head, ...new Array<number>(fill).fill(0), ...tail].flatMap((g) => [g >> 8, g & 255]);
}

/** Whether the first `bits` bits of `a` and `b` (of one length) are equal. */
function samePrefix(a: number[], b: number[], bits: number): boolean {
  for (let i = 0; i < a.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 255 : (255 << (8 - bits)) & 255;
    if ((a[i]! & mask) !== (b[i]! & mask)) return false;
  }
  return true;
}

/** Whether NO_PROXY `noProxy` keeps a request to `hostport` over `scheme` off the proxy. */
export function noProxyCovers(noProxy: string, hostport: string, scheme: string): boolean {
  const split = goSplitHostPort(hostport);
  const host = (split?.host ?? hostport).replace(/^\[|\]$/g, '').toLowerCase();
  const port = split?.port || (scheme === 'http' ? '80' : '443');
  const ip = ipBytes(host);
  for (const raw of noProxy.split(',')) {
    const p = raw.trim().toLowerCase();
    if (p === '') continue;
    if (p === '*') return true;
    const cidr = /^([^/]+)\/(\d{1,3})$/.exec(p);
    if (cidr) {
      const net = ipBytes(cidr[1]!);
      const bits = Number(cidr[2]);
      if (net && ip && net.length === ip.length && bits <= net.length * 8 && samePrefix(net, ip, bits)) return true;
      continue;
    }
    // `host:port`, `[v6]:port`; a bare IPv6 address has colons but no port
    let phost = p;
    let pport = '';
    const hp = ipBytes(p) ? null : /^(\[[^\]]+\]|[^:]*):(\d+)$/.exec(p);
    if (hp) {
      phost = hp[1]!.replace(/^\[|\]$/g, '');
      pport = hp[2]!;
      if (phost === '') continue;
    } else phost = phost.replace(/^\[|\]$/g, '');
    const pip = ipBytes(phost);
    if (pip) {
      if (ip && pip.length === ip.length && pip.every((x, i) => x === ip[i]) && (pport === '' || pport === port)) return true;
      continue;
    }
    if (phost.startsWith('*.')) phost = phost.slice(1);
    const matchHost = !phost.startsWith('.');
    const suffix = matchHost ? `.${phost}` : phost;
    if ((host.endsWith(suffix) || (matchHost && host === phost)) && (pport === '' || pport === port)) return true;
  }
  return false;
}
