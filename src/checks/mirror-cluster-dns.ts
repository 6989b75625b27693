/**
 * A mirror named by a Kubernetes cluster DNS name (`registry.ns.svc.cluster.local`). containerd
 * runs in the node's network namespace and resolves with the node's resolver (/etc/hosts,
 * /etc/resolv.conf), not the cluster DNS, so such a name usually does not resolve where the pull is
 * made. A warning from the files alone; a trace that reached the host (any answer, even a refusal)
 * shows the node resolves it after all, and a traced dns-failure is the mirror-fallback error this
 * warning explains.
 */
import type { RegistryEndpoint } from '../containerd/configure-hosts.js';
import type { SourcePosition } from '../containerd/decision.js';
import type { Outcome } from '../trace/schema.js';
import type { Facts } from './facts.js';
import type { Derived } from './derived.js';
import { selectedHostDirs } from './derived.js';
import { configPosition, registryPath } from './config-locate.js';
import type { Evidence, Finding } from './finding.js';
import type { Check } from './types.js';
import { attemptEvidence, fileEvidence, finding, quote } from './make.js';

const SUFFIXES = ['.svc.cluster.local', '.cluster.local', '.svc'] as const;

/** The host name without port, brackets or trailing dot, lower-cased. */
function hostName(host: string): string {
  const v6 = /^\[([^\]]+)\]/.exec(host);
  const name = v6 ? v6[1]! : host.replace(/:\d*$/, '');
  return name.replace(/\.$/, '').toLowerCase();
}

/** The cluster DNS suffix a registry host ends with (`.svc`, `.svc.cluster.local`, `.cluster.local`), or null. */
export function clusterDnsSuffix(host: string): string | null {
  const name = hostName(host);
  return SUFFIXES.find((s) => name.endsWith(s) && name.length > s.length) ?? null;
}

/** `<service>.<namespace>` of a Service name (`registry.kube-system.svc…`), when it has that shape. */
function serviceOf(host: string): { service: string; namespace: string } | null {
  const labels = hostName(host).split('.');
  const svc = labels.indexOf('svc');
  return svc === 2 ? { service: labels[0]!, namespace: labels[1]! } : null;
}

/** Outcomes that need an address: the node resolved the name. */
const RESOLVED: readonly Outcome[] = ['ok', 'not-found', 'unauthorized', 'forbidden', 'bad-request', 'server-error', 'tls-unknown-authority', 'tls-hostname-mismatch', 'tls-other', 'http-response-to-https', 'connection-refused', 'no-route'];

interface Named {
  host: string;
  written: string;
  where: string;
  at?: SourcePosition;
}

/** The mirrors (and a written `server`) of the hosts.toml folders, and the legacy CRI mirrors, named by a cluster DNS name. */
function namedHosts(facts: Facts, d: Derived): Named[] {
  const out: Named[] = [];
  const kinds: ReadonlyArray<RegistryEndpoint['kind']> = ['mirror', 'server'];
  for (const v of selectedHostDirs(d)) {
    for (const ep of v.configured?.endpoints ?? []) {
      if (kinds.includes(ep.kind) && clusterDnsSuffix(ep.host)) out.push({ host: ep.host, written: ep.written, where: `${v.dir}/hosts.toml`, ...(ep.at ? { at: ep.at } : {}) });
    }
  }
  // CRI's legacy registry.mirrors (config_path empty): only the one list it uses, mirrors[host] else mirrors["*"];
  // with no image given the files are all there is, and each list is the one some image uses
  const key = d.plans.cri.legacyMirrorsKey;
  const keys = key === undefined ? [] : facts.ref.source === 'default' ? Object.keys(d.config.cri.mirrors) : key === null ? [] : [key];
  for (const key of keys) {
    for (const e of d.config.cri.mirrors[key] ?? []) {
      const host = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/]+)/i.exec(e)?.[1] ?? '';
      if (!clusterDnsSuffix(host)) continue;
      const at = configPosition(d, [...registryPath(d), 'mirrors', key, 'endpoint']);
      out.push({ host, written: e, where: at?.file ?? d.config.file, ...(at ? { at } : {}) });
    }
  }
  return out;
}

export const mirrorClusterDnsName: Check = {
  id: 'mirror-cluster-dns-name',
  run(facts, d) {
    const out: Finding[] = [];
    const paths = [d.trace.ctrHostsDir, d.trace.cri].filter((p): p is NonNullable<typeof p> => !!p?.doc);
    const seen = new Set<string>();
    for (const n of namedHosts(facts, d)) {
      const key = `${n.where} ${n.host}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const attempts = paths.flatMap((p) => p.doc!.attempts.filter((a) => a.host.toLowerCase() === n.host.toLowerCase()).map((a) => ({ p, a })));
      // the traced pull reached it: the node resolves the name (/etc/hosts, or a resolver that knows the cluster zone)
      if (attempts.some(({ a }) => a.status !== null || RESOLVED.includes(a.outcome))) continue;
      const failed = attempts.filter(({ a }) => a.outcome === 'dns-failure');
      const name = hostName(n.host);
      const svc = serviceOf(n.host);
      const evidence: Evidence[] = [
        ...(n.at ? [fileEvidence(facts.snapshot, n.at)] : [{ kind: 'file' as const, source: n.where, text: n.written }]),
        ...failed.slice(0, 2).map(({ p, a }) => attemptEvidence(p, a)),
      ];
      out.push(
        finding('mirror-cluster-dns-name', {
          // proven only by a failed lookup; else the node may resolve it (neco#1302: a resolver that serves the cluster zone)
          ...(failed.length > 0 ? { title: 'mirror named by a cluster DNS name the node does not resolve' } : {}),
          detail:
            `${n.written} names the mirror by a cluster DNS name (${clusterDnsSuffix(n.host)}). containerd runs in the node's network namespace and resolves names with the node's resolver (/etc/hosts, /etc/resolv.conf), not the cluster DNS, so such a name usually does not resolve there: each request to it fails with "no such host" and containerd moves on to the next host.` +
            (failed.length > 0
              ? ` The traced pull proved it: the lookup of ${name} failed on this node (the mirror-fallback error, dns-failure, is this).`
              : ` Whether this node resolves it (an /etc/hosts entry, a resolver that serves the cluster zone) the files do not show: \`getent hosts ${name}\` on the node tells.`),
          evidence,
          fix: [
            ...(svc ? [`kubectl -n ${svc.namespace} get service ${svc.service} -o wide   # its ClusterIP, and a NodePort if it has one`] : []),
            `in ${n.where}${n.at ? ` line ${n.at.line}` : ''}, name the mirror by an address the node reaches: the Service's ClusterIP (kube-proxy routes it on the node), a NodePort or hostPort on a node IP, or a name the node's resolver knows, e.g. ${quote(n.written.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?)[^/:]+/i, '$1<ClusterIP>'))}; with https the certificate must name that address`,
            `getent hosts ${name}   # run on the node: what containerd's lookup gets`,
          ],
        }),
      );
    }
    return out;
  },
};
