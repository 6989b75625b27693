/**
 * Which kind of silence a stalled request is (connect, TLS handshake, response header), told from
 * what was observed: ctr's http-trace ("Connection successful" is Go's GotConn, which for https
 * comes only after the TLS handshake) and the TCP state of the sockets to the host. Null when it
 * cannot be told (never guessed).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
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

/** One established socket's TCP counters, as `ss -tin` prints them (tcp_info). */
export interface TcpCounters {
  bytesReceived: number;
  /** data segments sent: 1 is one request on a fresh connection */
  dataSegsOut: number;
  /** ms since data was last sent / received */
  lastSnd: number;
  lastRcv: number;
}

/** The counters of each socket in `ss -tinH` output (a socket line, then its indented info line). */
export function parseSsTcpInfo(text: string): TcpCounters[] {
  const out: TcpCounters[] = [];
  for (const line of text.split('\n')) {
    if (!/^\s/.test(line)) continue;
    const num = (k: string) => Number(new RegExp(`\\b${k}:(\\d+)`).exec(line)?.[1] ?? 0);
    out.push({ bytesReceived: num('bytes_received'), dataSegsOut: num('data_segs_out'), lastSnd: num('lastsnd'), lastRcv: num('lastrcv') });
  }
  return out;
}

/**
 * Did the host begin to answer the request that waits? Of the sockets to it, the one that sent last
 * carries the request (a manifest is fetched one request at a time); the host answered when data came
 * after that send: on a fresh connection (one data segment sent) any data, else data received later
 * than the send (ms resolution). Pure, over the counters.
 */
export function answerBegan(sockets: readonly TcpCounters[]): boolean | null {
  if (sockets.length === 0) return null;
  const req = sockets.reduce((a, b) => (b.lastSnd < a.lastSnd ? b : a));
  if (req.bytesReceived === 0) return false;
  return req.dataSegsOut <= 1 || req.lastRcv < req.lastSnd;
}

/** answerBegan for the established sockets to an IP:port, read with `ss`; null when it cannot be read. */
export function responseBegan(endpoint: string): boolean | null {
  const host = endpoint.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (!isIP(host)) return null;
  try {
    const text = execFileSync('ss', ['-tinH', 'state', 'established', 'dst', endpoint], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] });
    return answerBegan(parseSsTcpInfo(text));
  } catch {
    return null;
  }
}

/**
 * The kind of silence of a ctr request that stalled: `connected` is whether ctr logged
 * "Connection successful" for it; `states` the TCP states of the sockets to the host; `began`
 * whether the host sent data after the request (responseBegan; null: not known).
 */
export function ctrSilenceKind(scheme: 'http' | 'https', connected: boolean, states: readonly string[], began: boolean | null = false): SilenceKind | null {
  if (connected) return began === null ? null : began ? 'body' : 'response-header';
  // plain HTTP: GotConn follows the TCP connect at once, so no GotConn means no connect
  if (scheme === 'http') return 'connect';
  if (states.includes('SYN_SENT')) return 'connect';
  if (states.includes('ESTABLISHED')) return 'tls-handshake';
  return null;
}
