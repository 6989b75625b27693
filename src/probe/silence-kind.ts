/**
 * Which kind of silence a stalled request is (connect, TLS handshake, response header), told from
 * what was observed: ctr's http-trace ("Connection successful" is Go's GotConn, which for https
 * comes only after the TLS handshake) and the TCP state of the sockets to the host. Null when it
 * cannot be told (never guessed).
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import type { SilenceKind } from '../containerd/silence-waits.js';
import { formatEndpoint, parseProcNetTcp, unmapIpv4, type TcpSocketRow } from './proc-net-tcp.js';

/** `host:port` of an attempt's URL (the scheme's port when it has none); null when unparsable. */
export function endpointOf(url: string | null, host: string): { endpoint: string; scheme: 'http' | 'https' } | null {
  let u: URL;
  try {
    u = new URL(url ?? `https://${host}/`);
  } catch {
    return null;
  }
  const scheme = u.protocol === 'http:' ? 'http' : 'https';
  const port = u.port || (scheme === 'http' ? '80' : '443');
  return { endpoint: `${u.hostname}:${port}`, scheme };
}

/** The TCP states of this network namespace's sockets whose remote end is `endpoint` (an IP:port). */
export function socketStatesTo(endpoint: string, procDir = '/proc/self'): string[] {
  const rows: TcpSocketRow[] = [];
  for (const family of ['tcp', 'tcp6'] as const) {
    try {
      rows.push(...parseProcNetTcp(readFileSync(`${procDir}/net/${family}`, 'utf8'), family, endianness()));
    } catch {
      // no IPv6, or /proc not readable: fewer rows
    }
  }
  return rows.filter((r) => formatEndpoint({ address: unmapIpv4(r.remote.address), port: r.remote.port }) === endpoint).map((r) => r.state);
}

/**
 * The kind of silence of a ctr request that stalled: `connected` is whether ctr logged
 * "Connection successful" for it; `states` the TCP states of the sockets to the host.
 */
export function ctrSilenceKind(scheme: 'http' | 'https', connected: boolean, states: readonly string[]): SilenceKind | null {
  if (connected) return 'response-header';
  // plain HTTP: GotConn follows the TCP connect at once, so no GotConn means no connect
  if (scheme === 'http') return 'connect';
  if (states.includes('SYN_SENT')) return 'connect';
  if (states.includes('ESTABLISHED')) return 'tls-handshake';
  return null;
}
