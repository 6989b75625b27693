/**
 * The `host` table rules that differ by parser generation: whether a file needs one (1.x before
 * 1.7.32), the order mirrors are tried in, and which mirrors go-toml v2 drops or lists twice.
 */
import type { Decision } from './decision.js';
import { isTable, tomlKind } from './go-value.js';
import { Failure, pos, where } from './hosts-toml-failure.js';
import { firstMention, type TomlScan } from './toml-scan.js';
import type { BehaviourProfile } from './version.js';

/** 1.x before 1.7.32: getSortedHosts needs a `host` table (containerd/containerd#10028); the failure when there is none. */
export function missingHostTable(data: Record<string, unknown>, scan: TomlScan, file: string, profile: BehaviourProfile): Failure | undefined {
  const v2 = profile.hostsParser === 'go-toml-v2';
  const hostValue = data.host;
  const hostAt = pos(file, firstMention(scan, ['host']));
  if (!v2 && profile.requiresHostTable && !isTable(hostValue)) {
    const plural = isTable(data.hosts) ? ' (the file has `[hosts.…]`: the key is `host`, singular)' : '';
    return new Failure(
      hostValue === undefined
        ? `no [host."…"] table; ${profile.label} rejects a hosts.toml without one (fixed in 1.7.32)${plural}`
        : `\`host\` is a ${tomlKind(hostValue)}, not a table of mirrors`,
      hostAt ?? { file, line: 1, column: 1 },
      'invalid `host` tree',
    );
  }
  return undefined;
}

/** Host order as each parser generation computes it (containerd hosts.go getSortedHosts, v1.7.24 and v2.1.9). */
export function orderedHosts(hostTable: Record<string, unknown>, scan: TomlScan, profile: BehaviourProfile): string[] {
  if (profile.hostsParser === 'go-toml-v2') {
    const order: string[] = [];
    let last = '';
    for (const h of scan.headers) {
      if (h.kind !== 'table') continue;
      const parts = h.path;
      if (parts.length < 2 || parts[0] !== 'host' || parts[1] === last) continue;
      last = parts[1]!;
      order.push(last);
    }
    return order;
  }
  // go-toml v1: keys of the host tree sorted by the line of each host's table. An inline table's
  // tree has line 0: inline hosts come first, in Go's map order among themselves, which changes
  // from pull to pull (seen with ctr 1.6.20 and 1.7.24); listed here in file order. The line of an
  // implicitly created table (only a `[host."a".header]` or a dotted key) is taken as its first
  // mention (not verified against go-toml v1).
  const names = Object.keys(hostTable);
  const line = (n: string) => (isInlineHost(scan, n) ? -1 : (firstMention(scan, ['host', n])?.offset ?? Number.MAX_SAFE_INTEGER));
  return [...names].sort((a, b) => line(a) - line(b));
}

/** The host is written as an inline table (`"…" = { … }` under [host], or inside `host = { … }`), not as a `[host."…"]` header. */
export function isInlineHost(scan: TomlScan, name: string): boolean {
  if (scan.headers.some((h) => h.path.length >= 2 && h.path[0] === 'host' && h.path[1] === name)) return false;
  return scan.keyValues.some((kv) => kv.path.length === 2 && kv.path[0] === 'host' && kv.path[1] === name && kv.value.raw.trimStart().startsWith('{'));
}

/** go-toml v2 only: notes for mirrors not written as `[host."…"]` headers (dropped) and for headers that list a mirror twice. */
export function droppedAndDuplicatedHosts(hostTable: Record<string, unknown>, order: string[], scan: TomlScan, file: string, profile: BehaviourProfile): Decision[] {
  const out: Decision[] = [];
  if (profile.hostsParser !== 'go-toml-v2') return out;
  const inOrder = new Set(order);
  for (const name of Object.keys(hostTable)) {
    if (inOrder.has(name)) continue;
    const kv = scan.keyValues.find((k) => k.path[0] === 'host' && k.path[1] === name);
    const at = pos(file, kv);
    const form = kv?.via === 'inline' || (kv && kv.path.length === 2) ? 'an inline table' : 'dotted keys';
    out.push({
      code: 'hosts-toml.host-dropped',
      severity: 'error',
      message: `mirror ${JSON.stringify(name)}${where(at)} is written as ${form}, which ${profile.label} silently drops (only [host."…"] table headers count); write it as [host.${JSON.stringify(name)}]`,
      ...(at ? { at } : {}),
      source: 'getSortedHosts',
    });
  }
  const seen = new Set<string>();
  for (const name of order) {
    if (seen.has(name)) {
      const header = scan.headers.filter((h) => h.kind === 'table' && h.path[0] === 'host' && h.path[1] === name)[1];
      const at = pos(file, header);
      out.push({
        code: 'hosts-toml.host-duplicated',
        severity: 'warning',
        message: `mirror ${JSON.stringify(name)} is listed again by the header${where(at)} that follows another host's table; ${profile.label} tries it twice`,
        ...(at ? { at } : {}),
        source: 'getSortedHosts',
      });
    }
    seen.add(name);
  }
  return out;
}
