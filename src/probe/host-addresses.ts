/**
 * The addresses registry hosts resolve to on this node (the daemon resolves them the same way:
 * /etc/hosts, then the node's DNS), as the `address:port` endpoints a connection to them has.
 */
import { lookup } from 'node:dns/promises';

export interface HostAddresses {
  host: string;
  /** `127.0.0.1:5101`, `[2001:db8::1]:443`; empty when the name does not resolve */
  endpoints: string[];
  /** why it does not resolve (the resolver's error), null when it does */
  error: string | null;
}

/** `name:port`, `[v6]:port` or a bare name (then the ports of https and http). */
export function splitHostPort(host: string): { name: string; ports: number[] } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
  if (v6) return { name: v6[1] as string, ports: v6[2] ? [Number(v6[2])] : [443, 80] };
  const colon = host.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(host.slice(colon + 1))) return { name: host.slice(0, colon), ports: [Number(host.slice(colon + 1))] };
  return { name: host, ports: [443, 80] };
}

const endpoint = (address: string, port: number) => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);

/** Resolves each host (in parallel, each within `timeoutMs`). Never throws. */
export async function resolveHosts(hosts: string[], timeoutMs = 3000): Promise<HostAddresses[]> {
  return Promise.all(
    [...new Set(hosts)].map(async (host) => {
      const { name, ports } = splitHostPort(host);
      try {
        const found = await Promise.race([
          lookup(name, { all: true }),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs).unref()),
        ]);
        return { host, endpoints: found.flatMap((a) => ports.map((p) => endpoint(a.address, p))), error: null };
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        return { host, endpoints: [], error: err.code === 'ENOTFOUND' ? `${name}: no such host` : `${name}: ${err.code ?? err.message}` };
      }
    }),
  );
}
