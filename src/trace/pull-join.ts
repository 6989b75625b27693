/**
 * In 2.x transfer mode ctr's side (dump, progress, final error) and the daemon's side (resolver
 * lines) describe one pull; when both are in the input they form two groups, joined here: a
 * client-only group and a daemon-only one within JOIN_REACH groups of each other by creation
 * order, with compatible references; each group joins at most once, earliest first.
 */
import { normalizeRef } from './classify.js';
import type { Group } from './pull-group.js';

/** How far apart (in groups created) the two halves of a transfer-mode pull may be. */
const JOIN_REACH = 8;

function isClientOnly(g: Group): boolean {
  return g.client && !g.ctrStart && g.debug.length === 0 && !g.cri;
}

function isDaemonOnly(g: Group): boolean {
  return !g.client && g.daemon && !g.cri && g.debug.length > 0 && g.error === null;
}

/** Do the two groups name the same image (or does one of them name none)? */
function compatible(a: Group, b: Group): boolean {
  const ra = a.ref ?? a.urlRef;
  const rb = b.ref ?? b.urlRef;
  if (ra && rb) return normalizeRef(ra) === normalizeRef(rb);
  return true;
}

/** The groups in order, each joined with its partner (which then no longer appears on its own). */
export function joinGroups(groups: Group[]): Group[] {
  const rest = groups.slice();
  const out: Group[] = [];
  for (let i = 0; i < rest.length; i++) out.push(joinedWithPartner(rest[i] as Group, rest, i + 1));
  return out;
}

/**
 * `g` joined with its partner in `rest[from…]`, which is removed from `rest`; `g` itself when it
 * has none. The partner is the first group within the next JOIN_REACH by creation order of the
 * other side (client-only / daemon-only) with a compatible reference.
 */
export function joinedWithPartner(g: Group, rest: Group[], from: number): Group {
  const clientOnly = isClientOnly(g);
  if (!clientOnly && !isDaemonOnly(g)) return g;
  for (let j = from; j < rest.length; j++) {
    const h = rest[j] as Group;
    if (h.ordinal > g.ordinal + JOIN_REACH) break;
    if ((clientOnly ? isDaemonOnly(h) : isClientOnly(h)) && compatible(g, h)) {
      rest.splice(j, 1);
      return clientOnly ? join(g, h) : join(h, g);
    }
  }
  return g;
}

function join(client: Group, daemon: Group): Group {
  return {
    ...daemon,
    first: Math.min(client.first, daemon.first),
    last: Math.max(client.last, daemon.last),
    time: (client.first <= daemon.first ? client.time ?? daemon.time : daemon.time ?? client.time),
    formats: [...new Set([...client.formats, ...daemon.formats])],
    client: true,
    daemon: true,
    mode: client.mode ?? daemon.mode ?? 'transfer',
    ref: client.ref ?? daemon.ref,
    urlRef: client.urlRef ?? daemon.urlRef,
    version: client.version ?? daemon.version,
    dump: client.dump,
    result: client.result ?? daemon.result,
    error: client.error ?? daemon.error,
    warnings: [...daemon.warnings, ...client.warnings],
    dropped: {
      attempts: client.dropped.attempts + daemon.dropped.attempts,
      warnings: client.dropped.warnings + daemon.dropped.warnings,
      hostsTomlErrors: client.dropped.hostsTomlErrors + daemon.dropped.hostsTomlErrors,
    },
    unpacking: client.unpacking || daemon.unpacking,
    joined: true,
  };
}
