/**
 * hosts.toml checks on the request path: a mirror URL whose path misses the registry API's /v2
 * (containerd appends /v2 unless the path ends in it or override_path is set).
 */
import type { Decision } from '../containerd/decision.js';
import type { RegistryEndpoint } from '../containerd/configure-hosts.js';
import { trimSlashes } from '../containerd/api-path.js';
import type { HostDirView } from './derived.js';
import { hostsFile, selectedHostDirs, viewDecisions } from './derived.js';
import type { Finding } from './finding.js';
import type { Check } from './types.js';
import { decisionEvidence, finding, quote } from './make.js';

/** The URL containerd requests first from this host (resolve, else fetch). */
function firstUrl(v: HostDirView, ep: RegistryEndpoint | undefined): string | undefined {
  if (!ep) return undefined;
  return (v.resolve?.attempts.find((a) => a.endpoint === ep.index) ?? v.fetch?.attempts.find((a) => a.endpoint === ep.index))?.url;
}

/** The endpoint a hosts-toml decision is about (its message starts with `host "…"` or `server "…"`). */
function decisionEndpoint(v: HostDirView, x: Decision): { name: string; ep?: RegistryEndpoint } {
  const m = /^(host|server) "([^"]+)"/.exec(x.message);
  const name = m?.[2] ?? '';
  // a mirror and the server may be written the same: the decision names which
  const kind = m?.[1] === 'server' ? 'server' : 'mirror';
  const ep = v.configured?.endpoints.find((e) => e.written === name && e.kind === kind);
  return { name, ...(ep ? { ep } : {}) };
}

/** The hosts.toml lines for one entry: a `[host."…"]` table, or top-level `server` for the server entry. */
function entryLines(ep: RegistryEndpoint | undefined, url: string, overridePath: boolean): string {
  if (ep?.kind === 'server') return `server = ${quote(url)}${overridePath ? '\noverride_path = true' : ''}`;
  return `[host.${quote(url)}]\n  capabilities = [${(ep?.capabilities ?? ['pull', 'resolve']).map(quote).join(', ')}]${overridePath ? '\n  override_path = true' : ''}`;
}

/** For a finding about the server entry: the first mirror containerd asks before it that resolves and whose path no decision faults; else null. */
function mirrorAskedFirst(v: HostDirView, ep: RegistryEndpoint | undefined): RegistryEndpoint | null {
  if (ep?.kind !== 'server' || !v.configured) return null;
  const faulted = [...viewDecisions(v, 'hosts-toml.v2-appended'), ...viewDecisions(v, 'hosts-toml.override-path-without-v2')].map((x) => decisionEndpoint(v, x).ep);
  return v.configured.endpoints.find((e) => e.kind === 'mirror' && e.index < ep.index && e.capabilities.includes('resolve') && !faulted.includes(e)) ?? null;
}

/** A finding about the server entry behind a mirror asked first: the fallback, at most a warning (containerd#8415: the mirror entry was right). */
function asFallback(f: Finding, m: RegistryEndpoint | null): Finding {
  if (!m) return f;
  return { ...f, severity: f.severity === 'error' ? 'warning' : f.severity, detail: `${f.detail} This is the fallback after ${m.written}, which containerd asks first: it matters only when that mirror fails.` };
}

/** Cloud registries that serve the registry API at /v2 and nowhere else (ECR, ACR, Artifact Registry, GCR, Quay, GHCR, Docker Hub). */
export function apiAtV2Only(host: string): boolean {
  const h = host.toLowerCase().replace(/:443$/, '');
  return /\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(h) || /\.azurecr\.io$/.test(h) || /-docker\.pkg\.dev$/.test(h) || /(^|\.)gcr\.io$/.test(h) || ['quay.io', 'ghcr.io', 'registry-1.docker.io'].includes(h);
}

export const mirrorPathNeedsOverride: Check = {
  id: 'mirror-path-needs-override',
  run(facts, d) {
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      for (const x of viewDecisions(v, 'hosts-toml.v2-appended')) {
        const { name, ep } = decisionEndpoint(v, x);
        const first = mirrorAskedFirst(v, ep);
        const push = (f: Finding) => out.push(asFallback(f, first));
        const url = firstUrl(v, ep);
        const fixed = ep && url ? url.replace(`${ep.host}${ep.path}/`, `${ep.host}${ep.path.replace(/\/v2$/, '')}/`) : undefined;
        // before 1.6 there is no override_path: hosts.toml cannot keep such a path (containerd#5672)
        if (!d.hostsProfile.overridePath && ep) {
          const root = `${ep.scheme}://${ep.host}${x.severity === 'error' ? ep.path : `/v2/${trimSlashes(ep.path.replace(/\/v2$/, ''))}`}`;
          push(
            finding('mirror-path-needs-override', {
              ...(x.severity === 'error' ? { severity: 'error' as const } : {}),
              detail: `${x.message}${url ? `: containerd requests ${url}` : ''}. ${d.hostsProfile.label} has no override_path (it came in 1.6.0) and appends /v2 to any path that does not end in it, so hosts.toml cannot reach an API root under a path${x.severity === 'error' ? '' : ' such as a Harbor proxy-cache project\'s /v2/<project>'}.`,
              evidence: decisionEvidence(facts.snapshot, x),
              fix: [
                `${x.severity === 'error' ? '' : `if ${name} is a Harbor proxy-cache project (API root /v2/${trimSlashes(ep.path.replace(/\/v2$/, ''))}): `}upgrade containerd to 1.6 or later, then keep ${root} with override_path = true in ${hostsFile(v)}`,
                `or, with config_path unset, name it in CRI's registry.mirrors, whose endpoint path ${d.hostsProfile.label} uses as written: endpoint = [${quote(root)}]`,
              ],
            }),
          );
          continue;
        }
        if (x.severity === 'error') {
          push(
            finding('mirror-path-needs-override', {
              severity: 'error',
              detail: `${x.message}${url ? `: containerd requests ${url}` : ''}. A path holding /v2 is the registry's API root (a Harbor proxy-cache project, a Nexus or Artifactory repository); containerd keeps it as written only with override_path = true.`,
              evidence: decisionEvidence(facts.snapshot, x),
              fix: [`in ${hostsFile(v)}${x.at ? ` line ${x.at.line}` : ''}, keep the URL and add override_path:\n${entryLines(ep, name, true)}${fixed ? `\nrequests then go to ${fixed}` : ''}`],
            }),
          );
          continue;
        }
        // a cloud registry serves its API at /v2 only: a path there is a repository prefix under /v2 (an ECR pull-through cache)
        if (ep && apiAtV2Only(ep.host)) {
          const prefix = trimSlashes(ep.path.replace(/\/v2$/, ''));
          push(
            finding('mirror-path-needs-override', {
              severity: 'error',
              detail: `${x.message}${url ? `; requests go to ${url}` : ''}. ${ep.host} serves the registry API at /v2 only, so that URL misses it: a prefix there (an ECR pull-through cache, a repository path) belongs after /v2, kept as written with override_path.`,
              evidence: decisionEvidence(facts.snapshot, x),
              fix: [`in ${hostsFile(v)}${x.at ? ` line ${x.at.line}` : ''}:\n${entryLines(ep, `${ep.scheme}://${ep.host}/v2/${prefix}`, true)}${url ? `\nrequests then go to ${url.replace(`${ep.host}${ep.path}/`, `${ep.host}/v2/${prefix}/`)}` : ''}`],
            }),
          );
          continue;
        }
        push(
          finding('mirror-path-needs-override', {
            detail: `${x.message}${url ? `; requests go to ${url}` : ''}. Right for a registry served under that prefix (Nexus, Artifactory path routing); a Harbor proxy-cache project needs /v2/<project> with override_path instead.`,
            evidence: decisionEvidence(facts.snapshot, x),
            fix: ep
              ? [
                  `if ${name} is a Harbor proxy-cache project, its API root is /v2/${trimSlashes(ep.path.replace(/\/v2$/, ''))}: write that and add override_path in ${hostsFile(v)}:\n${entryLines(ep, `${ep.scheme}://${ep.host}/v2/${trimSlashes(ep.path.replace(/\/v2$/, ''))}`, true)}${url ? `\nrequests then go to ${url.replace(`${ep.host}${ep.path}/`, `${ep.host}/v2/${trimSlashes(ep.path.replace(/\/v2$/, ''))}/`)}` : ''}`,
                ]
              : [],
          }),
        );
      }
    }
    return out;
  },
};

export const mirrorOverridePathWithoutV2: Check = {
  id: 'mirror-override-path-without-v2',
  run(facts, d) {
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      for (const x of viewDecisions(v, 'hosts-toml.override-path-without-v2')) {
        const { name, ep } = decisionEndpoint(v, x);
        const first = mirrorAskedFirst(v, ep);
        const url = firstUrl(v, ep);
        const fixes: string[] = [];
        if (ep) {
          const base = `${ep.scheme}://${ep.host}`;
          const prefix = trimSlashes(ep.path);
          const at = `${ep.host}${prefix === '' ? '' : `/${prefix}`}/`;
          const via = (to: string) => (url ? `\nrequests then go to ${url.replace(at, to)}` : '');
          if (prefix === '') {
            fixes.push(`in ${hostsFile(v)}${x.at ? ` line ${x.at.line}` : ''}, remove override_path (containerd then adds /v2):\n${entryLines(ep, name, false)}${via(`${ep.host}/v2/`)}`);
          } else if (apiAtV2Only(ep.host)) {
            // the API is at /v2 only: the prefix goes after it (an ECR pull-through cache)
            fixes.push(`in ${hostsFile(v)}${x.at ? ` line ${x.at.line}` : ''}, put /v2 first and keep override_path (${ep.host} serves the API at /v2 only):\n${entryLines(ep, `${base}/v2/${prefix}`, true)}${via(`${ep.host}/v2/${prefix}/`)}`);
          } else {
            fixes.push(`a registry served under /${prefix} (Nexus, Artifactory): remove override_path, containerd then adds /v2:\n${entryLines(ep, name, false)}${via(`${ep.host}/${prefix}/v2/`)}`);
            // a Harbor project is one path segment
            if (!prefix.includes('/')) fixes.push(`a Harbor proxy-cache project ${prefix}: put /v2 first and keep override_path:\n${entryLines(ep, `${base}/v2/${prefix}`, true)}${via(`${ep.host}/v2/${prefix}/`)}`);
          }
        }
        const f = finding('mirror-override-path-without-v2', {
          detail: `${x.message}.${url ? ` containerd requests ${url}.` : ''}`,
          evidence: decisionEvidence(facts.snapshot, x),
          fix: fixes,
        });
        out.push(asFallback(f, first));
      }
    }
    return out;
  },
};
