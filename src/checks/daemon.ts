/**
 * Daemon layer: is there a daemon, which one (versions, distribution), and in which environment (proxy
 * variables) it makes the registry requests (containerd v2.1.9 core/remotes/docker/registry.go
 * DefaultHTTPTransport, core/transfer/registry/registry.go).
 */
import { sudoAgain } from './run-as-root.js';
import { isLocalhost } from '../containerd/go-url.js';
import { noProxyCovers } from './no-proxy.js';
import { parseContainerdVersion } from '../containerd/version.js';
import type { Facts } from './facts.js';
import type { Evidence } from './finding.js';
import type { Check } from './types.js';
import { apiEvidence, commandEvidence, finding, restartCommand } from './make.js';
import { selectedHostDirs } from './derived.js';

const PERMISSION = /permission denied|EACCES|EPERM/i;

const daemonUnreachable: Check = {
  id: 'daemon-unreachable',
  run(facts) {
    if (facts.offline || facts.daemon.reachable) return [];
    const err = facts.daemon.error ?? 'no answer';
    if (PERMISSION.test(err)) return [];
    const socket = facts.distribution.kind !== 'containerd' ? facts.distribution.socket : facts.address;
    return [
      finding('daemon-unreachable', {
        detail: `No containerd answers at ${facts.address} (${err}). Nothing can be traced; the file checks still run. If containerd runs, it listens elsewhere (k3s/RKE2: /run/k3s/containerd/containerd.sock, k0s: /run/k0s/containerd.sock).`,
        evidence: [apiEvidence(`containerd API at ${facts.address}`, err)],
        fix: [`systemctl status ${facts.daemon.systemd?.unit ?? 'containerd'}`, `journalctl -u ${facts.daemon.systemd?.unit ?? 'containerd'} -n 50`, `mirror-doctor check --address ${socket}`],
      }),
    ];
  },
};

const daemonPermissionDenied: Check = {
  id: 'daemon-permission-denied',
  run(facts) {
    if (facts.offline || facts.daemon.reachable || !PERMISSION.test(facts.daemon.error ?? '')) return [];
    return [
      finding('daemon-permission-denied', {
        detail: `The containerd socket ${facts.address} refuses this user (${facts.daemon.error}). The daemon is probably fine; run the check as root to trace pulls.`,
        evidence: [apiEvidence(`containerd API at ${facts.address}`, facts.daemon.error ?? '')],
        fix: [sudoAgain(facts)],
      }),
    ];
  },
};

function minor(raw: string | null): { mm: string; raw: string } | null {
  if (!raw) return null;
  const v = parseContainerdVersion(raw);
  return v.ok ? { mm: `${v.version.major}.${v.version.minor}`, raw: `${v.version.major}.${v.version.minor}.${v.version.patch}` } : null;
}

const daemonVersionSkew: Check = {
  id: 'daemon-version-skew',
  run(facts) {
    const server = minor(facts.versions.server.value);
    const binary = minor(facts.versions.binary.value);
    const ctr = minor(facts.versions.ctr.value);
    if (!server) return [];
    const problems: string[] = [];
    const evidence: Evidence[] = [apiEvidence('containerd Version API', facts.versions.server.value!)];
    if (binary && binary.raw !== server.raw) {
      problems.push(`the containerd binary on disk is ${binary.raw} but the running daemon is ${server.raw}: containerd was upgraded and not restarted, so the daemon still has the old behaviour`);
      evidence.push(commandEvidence('containerd --version', facts.versions.binary.value!));
    }
    if (ctr && ctr.mm !== server.mm) {
      problems.push(`ctr is ${ctr.raw} and the daemon ${server.raw}: ctr's pull mode (local or transfer) and flags follow the client version`);
      evidence.push(commandEvidence('ctr --version', facts.versions.ctr.value!));
    }
    if (problems.length === 0) return [];
    return [
      finding('daemon-version-skew', {
        detail: problems.join('; ') + '.',
        evidence,
        fix: binary && binary.raw !== server.raw ? [restartCommand(facts)] : ['use the ctr that ships with the running containerd'],
      }),
    ];
  },
};

const embeddedContainerd: Check = {
  id: 'embedded-containerd',
  run(facts) {
    const dist = facts.distribution;
    if (dist.kind === 'containerd') return [];
    const evidence: Evidence[] = dist.evidence.map((e) => ({ kind: 'file' as const, source: e, text: `${dist.kind} marker` }));
    return [
      finding('embedded-containerd', {
        severity: dist.generated ? 'warning' : 'info',
        detail:
          `This node runs ${dist.kind}'s containerd: config ${dist.configFile}, hosts folder ${dist.certsDir ?? '(none)'}, socket ${dist.socket}. ` +
          (dist.generated ? `Its config.toml and hosts.toml files are generated on every start, so edits there are lost${dist.editInstead ? `; edit ${dist.editInstead} instead` : ''}.` : 'Files under /etc/containerd are not read by it.'),
        evidence,
        fix: [...(dist.editInstead ? [`edit ${dist.editInstead}`] : []), restartCommand(facts)],
      }),
    ];
  },
};

const PROXY_KEYS = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'] as const;

function normalizeProxy(env: Record<string, string> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!env) return out;
  for (const [k, v] of Object.entries(env)) {
    const up = k.toUpperCase();
    if ((PROXY_KEYS as readonly string[]).includes(up) && v !== '' && out[up] === undefined) out[up] = v;
  }
  return out;
}

/**
 * k3s and RKE2 pass CONTAINERD_HTTP_PROXY (…) from their unit to containerd without the prefix,
 * after the plain variables, so they win (k3s pkg/agent/containerd). containerd's own environ has them applied.
 */
function withContainerdPrefixed(env: Record<string, string>): Record<string, string> {
  const out = normalizeProxy(env);
  for (const [k, v] of Object.entries(env)) {
    const m = /^CONTAINERD_(HTTP_PROXY|HTTPS_PROXY|NO_PROXY)$/i.exec(k);
    if (m) out[m[1]!.toUpperCase()] = v;
  }
  for (const k of PROXY_KEYS) if (out[k] === '') delete out[k];
  return out;
}

function daemonProxy(facts: Facts): { env: Record<string, string>; source: string } | null {
  if (facts.daemon.process?.proxyEnv) return { env: normalizeProxy(facts.daemon.process.proxyEnv), source: `/proc/${facts.daemon.process.pid}/environ` };
  const k3s = facts.distribution.kind === 'k3s' || facts.distribution.kind === 'rke2';
  if (facts.daemon.systemd) return { env: k3s ? withContainerdPrefixed(facts.daemon.systemd.proxyEnv) : normalizeProxy(facts.daemon.systemd.proxyEnv), source: `systemd unit ${facts.daemon.systemd.unit}` };
  return null;
}

const proxyEnvMismatch: Check = {
  id: 'proxy-env-mismatch',
  run(facts, d) {
    const daemon = daemonProxy(facts);
    if (!daemon) return [];
    const shell = normalizeProxy(facts.shellProxyEnv);
    const show = (e: Record<string, string>) => (Object.keys(e).length === 0 ? '(none)' : PROXY_KEYS.filter((k) => e[k] !== undefined).map((k) => `${k}=${e[k]}`).join(' '));
    const problems: string[] = [];
    // this shell is the node's only when the node is this machine (not a copy under --root, nor a fleet pod)
    const shellIsNode = facts.root === '/';
    const evidence: Evidence[] = [
      { kind: 'command', source: daemon.source, text: show(daemon.env) },
      ...(shellIsNode ? [{ kind: 'command' as const, source: 'mirror-doctor shell environment', text: show(shell) }] : []),
    ];
    const differs = shellIsNode && PROXY_KEYS.some((k) => (daemon.env[k] ?? '') !== (shell[k] ?? ''));
    if (differs) {
      problems.push('the containerd daemon (CRI pulls, ctr in transfer mode) and this shell (pulls by ctr --local, ctr 1.x and nerdctl, which run in the shell) use different proxy settings, so they and kubelet can reach the mirror differently');
    }
    // mirrors that go through the daemon's proxy (Go never proxies loopback hosts)
    const proxied: string[] = [];
    const proxyFor = (scheme: string) => (scheme === 'https' ? daemon.env.HTTPS_PROXY : daemon.env.HTTP_PROXY);
    // the registry's own API host is the public upstream: through the proxy is usually what is wanted
    const upstream = new Set([d.registryHost, d.registryHost === 'docker.io' ? 'registry-1.docker.io' : null]);
    // hosts.toml mirrors, and CRI's legacy registry.mirrors (config_path empty), which CRI also asks through the proxy
    const endpoints = [...selectedHostDirs(d).flatMap((v) => v.configured?.endpoints ?? []), ...d.plans.cri.endpoints.filter((e) => e.kind === 'legacy-mirror')];
    for (const ep of endpoints) {
      if (ep.kind !== 'mirror' && ep.kind !== 'server' && ep.kind !== 'legacy-mirror') continue;
      // also as a mirror entry (a [host] table, a registry.mirrors endpoint): cybozu-go/neco#1281 lists quay.io after its mirror
      if (upstream.has(ep.host)) continue;
      if (!ep.host || isLocalhost(ep.host) || /^127\.|^\[?::1\]?/.test(ep.host)) continue;
      const proxy = proxyFor(ep.scheme);
      if (proxy && !noProxyCovers(daemon.env.NO_PROXY ?? '', ep.host, ep.scheme)) proxied.push(`${ep.host} (via ${proxy})`);
    }
    if (proxied.length > 0) problems.push(`the daemon sends mirror traffic through its proxy: ${[...new Set(proxied)].join(', ')}; an internal mirror usually belongs in NO_PROXY`);
    if (problems.length === 0) return [];
    const unit = (facts.daemon.systemd?.unit ?? 'containerd').replace(/\.service$/, '');
    // names only: the values here have their credentials redacted
    const exported = PROXY_KEYS.filter((k) => daemon.env[k] !== undefined);
    return [
      finding('proxy-env-mismatch', {
        ...(differs ? {} : { title: 'the daemon sends mirror traffic through its proxy' }),
        detail: problems.join('; ') + '.',
        evidence,
        fix: [
          `systemctl show ${unit} -p Environment`,
          `add the mirror hosts to NO_PROXY in /etc/systemd/system/${unit}.service.d/http-proxy.conf (Environment="NO_PROXY=…"), then: systemctl daemon-reload && ${restartCommand(facts)}`,
          ...(differs && exported.length > 0 ? [`to pull with ctr or nerdctl as the daemon does, export the daemon's ${exported.join(', ')} in the shell first (the first command shows their values)`] : []),
        ],
      }),
    ];
  },
};

export const DAEMON_CHECKS: Check[] = [daemonUnreachable, daemonPermissionDenied, daemonVersionSkew, embeddedContainerd, proxyEnvMismatch];
