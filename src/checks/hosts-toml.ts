/**
 * hosts.toml layer (containerd v2.1.9 core/remotes/docker/config/hosts.go): what containerd does with
 * the file it loads — discard, silently ignore parts, or use each mirror for what its URL, capabilities
 * and TLS settings allow.
 */
import { parse as parseToml } from 'smol-toml';
import type { RegistryEndpoint } from '../containerd/configure-hosts.js';
import { isInlineHost } from '../containerd/hosts-toml-host-table.js';
import { scanToml } from '../containerd/toml-scan.js';
import type { Derived, HostDirView } from './derived.js';
import { invalidFileFix } from './hosts-toml-invalid-fix.js';
import { onlyDefaultServer } from './hosts-toml-server-only.js';
import { hostsFile, selectedHostDirs, viewDecisions } from './derived.js';
import { caFileUnused } from './ca-file-unused.js';
import { tlsOnServerOnly } from './tls-on-server-only.js';
import { hostsTomlNoMirror } from './hosts-toml-no-mirror.js';
import { editDistance } from './edit-distance.js';
import type { PathRun } from '../trace/run-schema.js';
import type { Facts } from './facts.js';
import type { Evidence, Finding } from './finding.js';
import type { Check } from './types.js';
import { serverNotRegistryApi } from './hosts-toml-server-host.js';
import { defaultHostTlsOnly } from './hosts-toml-default-tls-host.js';
import { attemptEvidence, decisionEvidence, fileEvidence, finding, quote, restartCommand, rewritesFromRegistriesYaml } from './make.js';
import { configPosition, registryPath } from './config-locate.js';
import { mirrorClusterDnsName } from './mirror-cluster-dns.js';
import { inlineHostDropped, inlineOrderRandom } from './hosts-toml-inline-hosts.js';
import { capabilitiesFix, capsPosition } from './capabilities-fix.js';
import { mirrorOverridePathWithoutV2, mirrorPathNeedsOverride } from './hosts-toml-api-paths.js';


/** The folder a traced pull loaded, as the node names it: under --root, ctr was given this machine's path. */
function loadedDir(facts: Facts, p: PathRun): string | null {
  const dir = p.doc?.hostsDir ?? null;
  const root = facts.root.replace(/\/+$/, '');
  if (!dir || p.path === 'cri' || root === '') return dir;
  return dir === root ? '/' : dir.startsWith(`${root}/`) ? dir.slice(root.length) : dir;
}

/** Trace paths that loaded this folder. */
function tracesFor(facts: Facts, d: Derived, v: HostDirView) {
  return [d.trace.ctrHostsDir, d.trace.cri].filter((p): p is NonNullable<typeof p> => !!p?.doc && loadedDir(facts, p) === v.dir);
}

function traceDecodeEvidence(facts: Facts, d: Derived, v: HostDirView): Evidence[] {
  const out: Evidence[] = [];
  for (const p of tracesFor(facts, d, v)) {
    for (const e of p.doc!.hostsTomlErrors) out.push({ kind: 'log', source: `${p.path === 'cri' ? 'containerd log (CRI pull)' : 'ctr --hosts-dir output'}`, text: `failed to decode hosts.toml error=${quote(e.error)}` });
  }
  return out;
}

const hostsTomlInvalid: Check = {
  id: 'hosts-toml-invalid',
  run(facts, d) {
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      const ds = viewDecisions(v, 'hosts-toml.discarded').filter((x) => x.containerdError !== 'invalid `host` tree');
      const traced = traceDecodeEvidence(facts, d, v).filter((e) => !e.text.includes('invalid `host` tree'));
      if (ds.length === 0 && traced.length === 0) continue;
      const x = ds[0];
      out.push(
        finding('hosts-toml-invalid', {
          detail: x
            ? `${x.message}. The whole file is dropped: no mirror and no server from it are used, only the registry itself.`
            : `containerd could not decode ${hostsFile(v)} during the traced pull and used the upstream only.`,
          evidence: [...(x ? decisionEvidence(facts.snapshot, x) : []), ...traced],
          fix: [
            ...invalidFileFix(facts, v, x),
            `mirror-doctor explain ${d.ctrRef}   # re-check the file; ${rewritesFromRegistriesYaml(facts) ? `once ${facts.distribution.kind} has rewritten it` : 'no restart needed'}`,
          ],
        }),
      );
    }
    return out;
  },
};

function noHostTableFix(v: HostDirView): string {
  let server = '';
  try {
    const data = parseToml(v.hostsTomlText ?? '') as Record<string, unknown>;
    if (typeof data.server === 'string') server = data.server;
  } catch {
    /* the discard decision already explains it */
  }
  const url = server === '' ? 'https://mirror.example.com' : server.includes('://') ? server : `https://${server}`;
  return `add a [host] table to ${hostsFile(v)} (or upgrade to containerd 1.7.32+ / 2.x):\n[host.${quote(url)}]\n  capabilities = ["pull", "resolve"]`;
}

const hostsTomlNoHostTable: Check = {
  id: 'hosts-toml-no-host-table',
  run(facts, d) {
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      const x = viewDecisions(v, 'hosts-toml.discarded').find((y) => y.containerdError === 'invalid `host` tree');
      const traced = traceDecodeEvidence(facts, d, v).filter((e) => e.text.includes('invalid `host` tree'));
      if (!x && traced.length === 0) continue;
      const same = onlyDefaultServer(v.hostsTomlText, d.registryHost);
      out.push(
        finding('hosts-toml-no-host-table', {
          ...(same ? { severity: 'info' as const } : {}),
          detail:
            `${d.hostsProfile.label} rejects a hosts.toml without any [host."…"] table ("invalid \`host\` tree", fixed in 1.7.32 and 2.x), so \`server\` and every top-level setting in ${hostsFile(v)} are ignored.` +
            (same ? ` The file names only ${same}, the host containerd uses for ${d.registryHost} anyway: nothing changes for pulls (as in minikube's stock docker.io folder).` : ''),
          evidence: [...(x ? decisionEvidence(facts.snapshot, x) : []), ...traced],
          fix: [noHostTableFix(v)],
        }),
      );
    }
    return out;
  },
};

const KNOWN = ['capabilities', 'ca', 'client', 'skip_verify', 'header', 'override_path', 'dial_timeout', 'server', 'host'];

/** "did you mean" for a hosts.toml key. */
export function suggestKey(key: string): string | null {
  const k = key.toLowerCase().replace(/-/g, '_');
  if (KNOWN.includes(k) && k !== key) return k;
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of KNOWN) {
    const dd = editDistance(k, c);
    if (dd < bestD) {
      bestD = dd;
      best = c;
    }
  }
  return best && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : null;
}

const LOST_MIRROR_KEYS = new Set(['hosts', 'mirrors', 'mirror', 'endpoint', 'endpoints']);

const hostsTomlUnknownKey: Check = {
  id: 'hosts-toml-unknown-key',
  run(facts, d) {
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      for (const x of viewDecisions(v, 'hosts-toml.key-ignored')) {
        const keyPath = /key `([^`]+)`/.exec(x.message)?.[1] ?? '';
        const parts = keyPath.split('.');
        const last = (parts[parts.length - 1] ?? '').replace(/^"|"$/g, '');
        if (last === 'dial_timeout' && !d.hostsProfile.dialTimeout) continue; // dial-timeout-unsupported
        const hinted = /did you mean|the key is|has no|belongs to|only exists|exists from/.test(x.message);
        const s = hinted ? null : suggestKey(last);
        const lost = LOST_MIRROR_KEYS.has(last.toLowerCase()) || LOST_MIRROR_KEYS.has((parts[0] ?? '').toLowerCase());
        out.push(
          finding('hosts-toml-unknown-key', {
            severity: lost ? 'error' : 'warning',
            detail: `${x.message}${s ? ` — did you mean \`${s}\`?` : ''}.${lost ? ' The mirror it was meant to define is not configured at all.' : ''}`,
            evidence: decisionEvidence(facts.snapshot, x),
            fix: [s ? `rename \`${last}\` to \`${s}\` in ${hostsFile(v)}${x.at ? ` line ${x.at.line}` : ''}` : lost ? `write each mirror as a table in ${hostsFile(v)}:\n[host."https://mirror.example.com"]\n  capabilities = ["pull", "resolve"]` : `remove \`${keyPath}\` from ${hostsFile(v)}`],
          }),
        );
      }
    }
    return out;
  },
};

const duplicateHost: Check = {
  id: 'hosts-toml-duplicate-host',
  run(facts, d) {
    return selectedHostDirs(d).flatMap((v) =>
      viewDecisions(v, 'hosts-toml.host-duplicated').map((x) =>
        finding('hosts-toml-duplicate-host', {
          detail: `${x.message}: a failing mirror costs twice the time before the fallback.`,
          evidence: decisionEvidence(facts.snapshot, x),
          fix: [`put the host's sub-tables ([host."…".header]) directly after its own [host."…"] table in ${hostsFile(v)}`],
        }),
      ),
    );
  },
};

function mirrorEndpoints(v: HostDirView): RegistryEndpoint[] {
  return (v.configured?.endpoints ?? []).filter((e) => e.kind === 'mirror');
}

/** Did a traced pull get "HTTP response to HTTPS client" from this host? */
function sawHttpResponse(d: Derived, host: string): Evidence[] {
  const out: Evidence[] = [];
  for (const p of [d.trace.ctrHostsDir, d.trace.cri]) {
    const a = p?.doc?.attempts.find((x) => x.host === host && x.outcome === 'http-response-to-https');
    if (p && a) out.push(attemptEvidence(p, a));
  }
  return out;
}

const mirrorMissingScheme: Check = {
  id: 'mirror-missing-scheme',
  run(facts, d) {
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      for (const x of viewDecisions(v, 'hosts-toml.http-prefix-trap')) {
        out.push(
          finding('mirror-missing-scheme', {
            severity: 'error',
            detail: `${x.message}.`,
            evidence: decisionEvidence(facts.snapshot, x),
            fix: [`write the scheme in ${hostsFile(v)}${x.at ? ` line ${x.at.line}` : ''}: [host."http://…"] for a plain-HTTP mirror, [host."https://…"] otherwise`],
          }),
        );
      }
      for (const x of viewDecisions(v, 'hosts-toml.scheme-added').filter((y) => y.message.startsWith('host '))) {
        const name = /^host "([^"]+)"/.exec(x.message)?.[1] ?? '';
        const host = name.split('/')[0] ?? name;
        const seen = sawHttpResponse(d, host);
        const url = `${seen.length ? 'http' : 'https'}://${name}`;
        const inline = isInlineHost(scanToml(v.hostsTomlText ?? ''), name);
        out.push(
          finding('mirror-missing-scheme', {
            severity: seen.length ? 'error' : 'warning',
            detail: `${x.message}${seen.length ? '; the traced pull got "http: server gave HTTP response to HTTPS client" from it, so it is a plain-HTTP mirror' : '; if the mirror speaks plain HTTP every request fails and containerd falls back'}.`,
            evidence: [...decisionEvidence(facts.snapshot, x), ...seen],
            fix: [`in ${hostsFile(v)}${x.at ? ` line ${x.at.line}` : ''}: ${inline ? `${quote(url)} = { … }` : `[host.${quote(url)}]`}`],
          }),
        );
      }
    }
    // CRI's legacy registry.mirrors: an endpoint without a scheme is https unless it is loopback
    // (v1.7.24 pkg/cri/server/image_pull.go defaultScheme/addDefaultScheme; kubespray#8340)
    const key = d.plans.cri.legacyMirrorsKey ?? '';
    for (const written of key !== '' ? (d.config.cri.mirrors[key] ?? []) : []) {
      if (written.includes('://')) continue;
      const ep = d.plans.cri.endpoints.find((e) => e.kind === 'legacy-mirror' && e.written === `https://${written}`);
      if (!ep) continue;
      const seen = sawHttpResponse(d, ep.host);
      const at = configPosition(d, [...registryPath(d), 'mirrors', key, 'endpoint']);
      out.push(
        finding('mirror-missing-scheme', {
          severity: seen.length ? 'error' : 'warning',
          detail: `registry.mirrors.${JSON.stringify(key)} lists ${quote(written)} without a scheme, and CRI asks such an endpoint over HTTPS (plain HTTP only for loopback hosts; insecure_skip_verify does not change the scheme)${seen.length ? '; the traced pull got "http: server gave HTTP response to HTTPS client" from it' : '; if the mirror speaks plain HTTP every request fails and containerd falls back'}.`,
          evidence: [...(at ? [fileEvidence(facts.snapshot, at, `endpoint ${quote(written)}`)] : []), ...seen],
          fix: [`in ${at?.file ?? facts.configFile}${at ? ` line ${at.line}` : ''}: endpoint = [${quote(`http://${written}`)}] for a plain-HTTP mirror, [${quote(`https://${written}`)}] otherwise, then: ${restartCommand(facts)}`],
        }),
      );
    }
    return out;
  },
};

/** A traced pull through this folder failed or was served without a mirror. */
function tracedWithoutMirror(facts: Facts, d: Derived, v: HostDirView): boolean {
  return tracesFor(facts, d, v).some((p) => !p.doc!.mirrorUsed && (p.doc!.result === 'failure' || p.pulled === false));
}

const mirrorNoResolve: Check = {
  id: 'mirror-no-resolve',
  run(facts, d) {
    if (!d.ref || d.ref.digest) return [];
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      const skipped = mirrorEndpoints(v).filter((e) => e.capabilities.includes('pull') && !e.capabilities.includes('resolve'));
      if (skipped.length === 0) continue;
      const failed = tracedWithoutMirror(facts, d, v);
      for (const ep of skipped) {
        const at = capsPosition(v, ep);
        out.push(
          finding('mirror-no-resolve', {
            severity: failed ? 'error' : 'warning',
            detail:
              `Mirror ${ep.written} has capabilities [${ep.capabilities.join(', ')}]: resolving a tag needs pull and resolve, so the tag ${d.ref.tag ?? ''} is resolved at ${v.configured?.endpoints.at(-1)?.host ?? 'the upstream'} only, and the mirror serves content by digest only after that.` +
              (failed ? ' The traced pull failed at the upstream without asking the mirror.' : ' Fine for an untrusted public mirror when the upstream is reachable; an air-gapped node needs resolve on the mirror or digest references.'),
            evidence: [...(at ? [fileEvidence(facts.snapshot, at)] : []), ...tracesFor(facts, d, v).flatMap((p) => p.doc!.attempts.filter((a) => a.kind === 'resolve').slice(0, 1).map((a) => attemptEvidence(p, a)))],
            fix: [capabilitiesFix(v, ep), `or pull by digest: ${d.ref.locator}@sha256:…`],
          }),
        );
      }
    }
    return out;
  },
};

const mirrorNoPull: Check = {
  id: 'mirror-no-pull',
  run(facts, d) {
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      for (const ep of mirrorEndpoints(v).filter((e) => !e.capabilities.includes('pull'))) {
        const at = capsPosition(v, ep);
        out.push(
          finding('mirror-no-pull', {
            detail: `Mirror ${ep.written} has capabilities [${ep.capabilities.join(', ')}] without pull: containerd never resolves or fetches through it (every request needs pull).`,
            evidence: at ? [fileEvidence(facts.snapshot, at)] : [],
            fix: [capabilitiesFix(v, ep)],
          }),
        );
      }
    }
    return out;
  },
};

const serverNotDisablingUpstream: Check = {
  id: 'server-not-disabling-upstream',
  run(facts, d) {
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      const eps = v.configured?.endpoints ?? [];
      const last = eps.at(-1);
      const mirrors = mirrorEndpoints(v);
      if (!last || last.kind !== 'upstream' || mirrors.length === 0 || v.loaded?.source !== 'hosts-toml') continue;
      out.push(
        finding('server-not-disabling-upstream', {
          detail: `${hostsFile(v)} has no \`server\`, yet containerd still appends the registry itself (${last.scheme}://${last.host}) after the mirrors: omitting \`server\` does not disable the upstream (docs/hosts.md's "Exclude this to not use upstream" is wrong since 1.5). A failing mirror silently falls back to it.`,
          evidence: [{ kind: 'file', source: hostsFile(v), text: `hosts tried: ${eps.map((e) => e.host).join(' → ')}` }],
          fix: [`to never use the upstream, make the mirror the server in ${hostsFile(v)}:\nserver = ${quote(mirrors[0]!.written.includes('://') ? mirrors[0]!.written : `https://${mirrors[0]!.written}`)}`],
        }),
      );
    }
    return out;
  },
};

const httpHostWithTls: Check = {
  id: 'http-host-with-tls',
  run(facts, d) {
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      for (const x of [...viewDecisions(v, 'hosts.https-first'), ...viewDecisions(v, 'hosts.http-stays-http')]) {
        // name only the TLS settings the file has for that host (listed in the decision)
        const host = /^(\S+) is http:\/\//.exec(x.message)?.[1] ?? '';
        const written = /has TLS options \(([^)]+)\)|despite its TLS options \(([^)]+)\)/.exec(x.message);
        const keys = (written?.[1] ?? written?.[2] ?? '').split(', ').filter(Boolean);
        // nerdctl on a 1.x daemon resolves with its own library, taken as 2.x: nerdctl 1.x's (1.x before 1.7.24) keeps a host without a port on HTTP
        const nerdctl1 = x.code === 'hosts.https-first' && facts.client === 'nerdctl' && d.profile.version.major < 2 && !/:\d+$/.test(host);
        out.push(
          finding('http-host-with-tls', {
            severity: x.code === 'hosts.https-first' && !nerdctl1 ? 'warning' : 'info',
            detail: `${x.message}.${nerdctl1 ? ` That is nerdctl 2.x, built with the containerd 2.x library; nerdctl 1.x resolves with the 1.x library it was built with, which before 1.7.24 keeps a host without a port on plain HTTP: \`nerdctl --version\` tells which.` : ''}`,
            evidence: decisionEvidence(facts.snapshot, x),
            fix: [`remove ${keys.length ? keys.join(' and ') : 'the TLS settings'} from the http://${host} host in ${hostsFile(v)}${x.at ? ` (line ${x.at.line})` : ''}, or change it to https://${host}`],
          }),
        );
      }
      // a localhost upstream: containerd's own skip_verify, nothing in the file to remove
      for (const x of viewDecisions(v, 'hosts.https-first-localhost')) {
        const host = /^(\S+) is localhost/.exec(x.message)?.[1] ?? 'localhost';
        out.push(
          finding('http-host-with-tls', {
            severity: 'info',
            detail: `${x.message}. This is containerd's own handling of localhost registries: nothing in ${hostsFile(v)} asks for it, and a plain-HTTP registry still serves the pull after the failed HTTPS attempt.`,
            evidence: [{ kind: 'file', source: hostsFile(v), text: `no server, ca, client or skip_verify for ${host}` }, ...decisionEvidence(facts.snapshot, x)],
            fix: [`nothing to remove; to make it plain HTTP only, name it as the server in ${hostsFile(v)}: server = ${quote(`http://${host}`)}`],
          }),
        );
      }
    }
    return out;
  },
};

const skipVerifyEnabled: Check = {
  id: 'skip-verify-enabled',
  run(facts, d) {
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      if (v.loaded?.source !== 'hosts-toml') continue;
      for (const ep of v.configured?.endpoints ?? []) {
        // an http:// host: http-host-with-tls says what skip_verify does there, and that the fix is to remove it
        if (ep.kind === 'upstream' || ep.tls.skipVerify !== true || /^http:\/\//i.test(ep.written)) continue;
        const kv = v.hostsTomlText ? scanToml(v.hostsTomlText).keyValues.find((k) => k.path.at(-1) === 'skip_verify' && (ep.kind === 'mirror' ? k.path[1] === ep.written : k.path.length === 1)) : undefined;
        out.push(
          finding('skip-verify-enabled', {
            detail: `${ep.host} is used with skip_verify = true: its TLS certificate is not checked, so anyone on the path can serve images.`,
            evidence: kv ? [fileEvidence(facts.snapshot, { file: hostsFile(v), line: kv.line, column: kv.column })] : [],
            fix: [`replace skip_verify with the mirror's CA in ${hostsFile(v)}: ca = "/etc/containerd/certs.d/<registry>/ca.crt"`],
          }),
        );
      }
    }
    return out;
  },
};

function tlsFileFinding(id: 'ca-file-missing' | 'ca-file-invalid' | 'client-cert-invalid', test: RegExp, key: 'ca' | 'client'): Check {
  return {
    id,
    run(facts, d) {
      const out: Finding[] = [];
      for (const v of selectedHostDirs(d)) {
        for (const x of viewDecisions(v, 'hosts.tls-file-error').filter((y) => test.test(y.containerdError ?? ''))) {
          const file = /"([^"]+)"/.exec(x.containerdError ?? '')?.[1];
          const kv = v.hostsTomlText ? scanToml(v.hostsTomlText).keyValues.find((k) => k.path.at(-1) === key) : undefined;
          out.push(
            finding(id, {
              detail: `${x.message}.`,
              evidence: [...(kv ? [fileEvidence(facts.snapshot, { file: hostsFile(v), line: kv.line, column: kv.column })] : []), { kind: 'log', source: 'containerd (expected error)', text: x.containerdError ?? '' }],
              fix: [
                id === 'ca-file-missing'
                  ? `copy the CA certificate to ${file ?? '<path>'} (relative paths are relative to ${v.dir}), or fix the ca path`
                  : id === 'ca-file-invalid'
                    ? `${file ?? 'the ca file'} must be a PEM file (-----BEGIN CERTIFICATE-----): openssl x509 -inform der -in ${file ?? 'ca.der'} -out ${file ?? 'ca.crt'}`
                    : 'client = [["/path/client.cert", "/path/client.key"]]   # a [cert, key] pair; check the PEM blocks are not swapped',
              ],
            }),
          );
        }
      }
      return out;
    },
  };
}

const dialTimeoutUnsupported: Check = {
  id: 'dial-timeout-unsupported',
  run(facts, d) {
    if (d.hostsProfile.dialTimeout) return [];
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      for (const x of viewDecisions(v, 'hosts-toml.key-ignored').filter((y) => /dial_timeout`/.test(y.message))) {
        out.push(
          finding('dial-timeout-unsupported', {
            detail: `${x.message}: a mirror whose connect never completes still costs containerd's default 30 s dial timeout per request before the fallback (measured in the lab for 1.6, 1.7 and 2.1; docs/dev/silent-mirrors.md).`,
            evidence: decisionEvidence(facts.snapshot, x),
            fix: ['upgrade containerd to 2.0.7+ / 2.1+, or remove dial_timeout'],
          }),
        );
      }
    }
    return out;
  },
};

export const HOSTS_TOML_CHECKS: Check[] = [
  hostsTomlInvalid,
  hostsTomlNoHostTable,
  hostsTomlUnknownKey,
  inlineHostDropped,
  inlineOrderRandom,
  duplicateHost,
  mirrorMissingScheme,
  mirrorPathNeedsOverride,
  mirrorOverridePathWithoutV2,
  mirrorNoResolve,
  mirrorNoPull,
  serverNotDisablingUpstream,
  serverNotRegistryApi,
  defaultHostTlsOnly,
  httpHostWithTls,
  skipVerifyEnabled,
  tlsFileFinding('ca-file-missing', /^unable to read CA cert/, 'ca'),
  tlsFileFinding('ca-file-invalid', /^unable to load CA cert/, 'ca'),
  tlsFileFinding('client-cert-invalid', /^unable to read CERT file|^failed to load X509 key pair/, 'client'),
  caFileUnused,
  tlsOnServerOnly,
  hostsTomlNoMirror,
  mirrorClusterDnsName,
  dialTimeoutUnsupported,
];
