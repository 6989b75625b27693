/**
 * The pull plan: for one client, the hosts containerd tries, in order, for resolve and fetch,
 * with the exact request URLs and why any host is skipped (containerd v2.1.9 core/remotes/docker/resolver.go).
 */
import type { Decision } from './decision.js';
import { hasV2Segment } from './api-path.js';
import { configureHosts, type ConfigureOptions, type RegistryEndpoint } from './configure-hosts.js';
import { criLegacyHosts, type CriLegacyHosts } from './cri-legacy-hosts.js';
import type { ConfigAnalysis } from './config-toml.js';
import { goPathJoin, goQueryEscape, goUrlParse } from './go-url.js';
import { lookupHostDir, shadowedCandidates, splitConfigPath, type HostDirLookup } from './host-dirs.js';
import type { Capability } from './host-config.js';
import { loadHostDir, type LoadedHostDir } from './load-host-dir.js';
import type { NodeSnapshot } from './node-snapshot.js';
import { parseCriReference, parseCtrReference, type ImageReference } from './reference.js';
import type { BehaviourProfile, PullMode } from './version.js';

export type ClientKind = 'ctr' | 'ctr-hosts-dir' | 'cri' | 'nerdctl';

export interface RequestAttempt {
  endpoint: number;
  method: 'HEAD' | 'GET';
  url: string;
  /** The plain-HTTP retry after a TLS/connection error (https-first hosts). */
  fallbackUrl?: string;
}

export interface SkippedHost {
  endpoint: number;
  host: string;
  reason: string;
}

export interface RequestPlan {
  /** What the requests are for. */
  purpose: string;
  /** Capabilities a host needs to be asked. */
  needs: Capability[];
  attempts: RequestAttempt[];
  skipped: SkippedHost[];
  /** containerd's error when no host qualifies. */
  noHostsError?: string;
}

export type PlanStatus =
  /** Requests will be made as listed. */
  | 'requests'
  /** containerd fails before any request (bad reference, file error, CRI not loaded, …). */
  | 'fails-before-request';

export interface ClientPlan {
  client: ClientKind;
  title: string;
  mode: PullMode;
  /** The reference as the client resolves it. */
  reference?: ImageReference;
  normalizedFrom?: string;
  /** Host roots searched ([] when hosts.toml is not consulted at all). */
  hostRoots: string[];
  lookup?: HostDirLookup;
  hostDir?: Omit<LoadedHostDir, 'decisions' | 'hosts'>;
  endpoints: RegistryEndpoint[];
  resolve?: RequestPlan;
  fetch?: RequestPlan;
  status: PlanStatus;
  /** The error the client prints when it fails before a request. */
  error?: string;
  decisions: Decision[];
  /** We could not analyse an input (not containerd's behaviour). */
  unanalysable?: string;
  /** CRI's legacy host list: the `registry.mirrors` key it used (`null`: none), absent when hosts.toml rules apply. */
  legacyMirrorsKey?: string | null;
}


function has(ep: RegistryEndpoint, needs: Capability[]): boolean {
  return needs.every((n) => ep.capabilities.includes(n));
}

/** `isProxy` (v2.1.9 core/remotes/docker/registry.go): request host ≠ reference host, docker.io ↔ registry-1 excepted. */
export function needsNamespace(refHost: string, endpointHost: string): boolean {
  if (refHost === endpointHost) return false;
  return !(refHost === 'docker.io' && endpointHost === 'registry-1.docker.io');
}

/** Full request URL for one endpoint: `scheme://host` + path.Join("/", path, repo, kind, object) + `?ns=`. */
export function requestUrl(ep: RegistryEndpoint, ref: ImageReference, kind: 'manifests' | 'blobs', object: string, scheme = ep.scheme): string {
  const p = goPathJoin('/', ep.path, ref.repository, kind, object);
  const ns = needsNamespace(ref.hostname, ep.host) ? `?ns=${goQueryEscape(ref.hostname)}` : '';
  return `${scheme}://${ep.host}${p}${ns}`;
}

function attemptsFor(eps: RegistryEndpoint[], ref: ImageReference, method: 'HEAD' | 'GET', kind: 'manifests' | 'blobs', object: string): RequestAttempt[] {
  return eps.map((ep) => ({
    endpoint: ep.index,
    method,
    url: requestUrl(ep, ref, kind, object),
    ...(ep.httpFallback ? { fallbackUrl: requestUrl(ep, ref, kind, object, 'http') } : {}),
  }));
}

/** Resolve (HEAD manifests; digest refs also try blobs/) and fetch plans for a configured host list. */
export function requestPlans(endpoints: RegistryEndpoint[], ref: ImageReference): { resolve: RequestPlan; fetch: RequestPlan } {
  const digest = ref.digest;
  const needs: Capability[] = digest ? ['pull'] : ['pull', 'resolve'];
  const qualifying = endpoints.filter((e) => has(e, needs));
  const skipped = endpoints
    .filter((e) => !has(e, needs))
    .map((e) => ({
      endpoint: e.index,
      host: e.host,
      reason: `capabilities [${e.capabilities.join(', ')}] lack ${needs.filter((n) => !e.capabilities.includes(n)).join(' and ')} (resolving a ${digest ? 'digest needs pull' : 'tag needs pull and resolve'})`,
    }));
  const resolve: RequestPlan = {
    purpose: digest ? `resolve digest ${digest}: HEAD manifests/<digest> on every host, then blobs/<digest>` : `resolve tag ${ref.tag ?? ref.object}: HEAD manifests/<tag>`,
    needs,
    attempts: digest
      ? [...attemptsFor(qualifying, ref, 'HEAD', 'manifests', digest), ...attemptsFor(qualifying, ref, 'HEAD', 'blobs', digest)]
      : attemptsFor(qualifying, ref, 'HEAD', 'manifests', ref.tag ?? ref.object),
    skipped,
  };
  if (qualifying.length === 0) resolve.noHostsError = 'no resolve hosts: not found';
  const pullHosts = endpoints.filter((e) => has(e, ['pull']));
  const object = digest ?? '<digest>';
  const fetch: RequestPlan = {
    purpose: 'fetch manifest/config/layers by digest: GET manifests/<digest> (blobs/<digest> for layers) on all hosts in order, once any host has pull',
    needs: ['pull'],
    attempts: pullHosts.length === 0 ? [] : attemptsFor(endpoints, ref, 'GET', 'manifests', object),
    skipped: [],
  };
  if (pullHosts.length === 0) fetch.noHostsError = 'no pull hosts: not found';
  return { resolve, fetch };
}

function endpointDecisions(endpoints: RegistryEndpoint[], ref: ImageReference): Decision[] {
  const out: Decision[] = [];
  for (const ep of endpoints) {
    if (!ep.usable) {
      out.push({
        code: 'endpoint.unusable',
        severity: 'error',
        message: `host #${ep.index + 1} (${JSON.stringify(ep.written)}) cannot be reached: ${ep.problem}; containerd logs 'trying next host' and moves on`,
        ...(ep.at ? { at: ep.at } : {}),
        source: 'parseHostConfig',
      });
    }
    if (ep.kind === 'mirror' && ep.capabilities.includes('push')) {
      out.push({
        code: 'endpoint.mirror-push',
        severity: 'info',
        message: `mirror ${ep.host} has push capability (capabilities omitted means all, including push)`,
        source: 'parseHostConfig',
      });
    }
  }
  if (endpoints.length > 1) {
    const last = endpoints[endpoints.length - 1]!;
    out.push({
      code: 'endpoint.upstream-last',
      severity: 'info',
      message: `${last.host || '(empty)'} is tried last: containerd always appends the server entry${last.kind === 'upstream' ? ` (no \`server\` given, so the registry itself: ${last.host})` : ''}; omitting \`server\` does not remove the upstream`,
      source: 'parseHostsFile',
    });
  }
  void ref;
  return out;
}

function failurePrefix(client: ClientKind, mode: PullMode, refText: string): string {
  if (client === 'nerdctl') return `failed to resolve reference ${JSON.stringify(refText)}: `;
  if (client === 'cri') {
    return mode === 'local'
      ? `failed to pull and unpack image ${JSON.stringify(refText)}: failed to resolve reference ${JSON.stringify(refText)}: `
      : `failed to pull and unpack image ${JSON.stringify(refText)}: failed to resolve image: `;
  }
  return mode === 'local' ? `ctr: failed to resolve reference ${JSON.stringify(refText)}: ` : 'ctr: failed to resolve image: ';
}

export interface PlanInput {
  client: ClientKind;
  title: string;
  mode: PullMode;
  refInput: string;
  roots: string[] | null;
  snapshot: NodeSnapshot;
  profile: BehaviourProfile;
  decisions: Decision[];
  /** CRI with config_path empty and local pulls: its legacy `registry.mirrors` hosts, not hosts.toml. */
  legacyMirrors?: Record<string, string[]>;
  /** replaces the host-directory search over `roots` (nerdctl's own search order) */
  lookup?: (host: string) => HostDirLookup;
  /** HostOptions the client sets (DefaultScheme, DefaultTLS) */
  configure?: ConfigureOptions;
}

/** What the legacy CRI hosts mean for this reference: which list, each path as written, unusable hosts. */
function legacyDecisions(legacy: CriLegacyHosts, resolve: RequestPlan, ref: ImageReference): Decision[] {
  const out: Decision[] = [];
  const eps = legacy.endpoints;
  const upstream = eps[eps.length - 1];
  const list = eps.filter((e) => e.kind === 'legacy-mirror').map((e) => e.written);
  out.push(
    legacy.wildcardHidden
      ? {
          code: 'cri.legacy-wildcard-hidden',
          severity: 'error',
          message: `config_path is empty, and registry.mirrors."*" is never used for docker.io images: the CRI plugin of this version has a built-in registry.mirrors."docker.io" entry (https://registry-1.docker.io), merged with the file's, which it takes before "*"; CRI asks registry-1.docker.io only`,
          source: 'criRegistryEndpoints',
        }
      : legacy.mirrorsKey === null
      ? {
          code: 'cri.legacy-default-host',
          severity: 'info',
          message: `config_path is empty and registry.mirrors has no entry for ${ref.hostname} (nor "*"): CRI reads no hosts.toml and asks ${upstream ? `${upstream.scheme}://${upstream.host}` : ref.hostname} only, with pull and resolve`,
          source: 'criRegistryEndpoints',
        }
      : {
          code: 'cri.legacy-mirrors',
          severity: 'warning',
          message: `config_path is empty, so CRI reads no hosts.toml and uses registry.mirrors.${JSON.stringify(legacy.mirrorsKey)} for ${ref.hostname}: ${list.length ? list.join(', ') : 'no endpoint'}${eps.some((e) => e.kind === 'upstream') ? `, then ${upstream!.written}` : ' (an endpoint names the registry itself, so nothing is appended)'}; every host gets pull and resolve, not push — TLS from registry.configs is not modelled here`,
          source: 'criRegistryEndpoints',
        },
  );
  for (const ep of eps) {
    const u = goUrlParse(ep.written);
    const written = u.ok ? u.url.path : '';
    const url = resolve.attempts.find((a) => a.endpoint === ep.index)?.url;
    if (written !== '' && url) {
      out.push(
        hasV2Segment(written)
          ? { code: 'cri.legacy-path-as-written', severity: 'info', message: `endpoint ${JSON.stringify(ep.written)}: CRI uses its path ${written} as written (no /v2 added): ${url}`, source: 'criLegacyHostPath' }
          : {
              code: 'cri.legacy-path-without-v2',
              severity: 'error',
              message: `endpoint ${JSON.stringify(ep.written)}: CRI uses its path ${written} as written and adds /v2 only to an endpoint without a path, so it requests ${url}, which is not a registry API URL (the API is under /v2/); the request fails and CRI tries the next host`,
              source: 'criLegacyHostPath',
            },
      );
    }
    if (!ep.usable) {
      out.push({ code: 'endpoint.unusable', severity: 'error', message: `host #${ep.index + 1} (${JSON.stringify(ep.written)}) cannot be reached: ${ep.problem}; containerd logs 'trying next host' and moves on`, source: 'criLegacyHostPath' });
    }
  }
  return out;
}

export function buildPlan(input: PlanInput): ClientPlan {
  const { client, mode, snapshot, profile } = input;
  const decisions = [...input.decisions];
  const plan: ClientPlan = { client, title: input.title, mode, hostRoots: input.roots ?? [], endpoints: [], status: 'requests', decisions };
  const normalises = client === 'cri' || client === 'nerdctl';
  const parsed = normalises ? parseCriReference(input.refInput) : parseCtrReference(input.refInput);
  if (!parsed.ok) {
    plan.status = 'fails-before-request';
    plan.error =
      normalises
        ? `failed to pull and unpack image ${JSON.stringify(input.refInput)}: ${parsed.error}`
        : `${failurePrefix(client, mode, input.refInput)}${parsed.error}`;
    decisions.push({
      code: 'reference.invalid',
      severity: 'error',
      message: `${client === 'cri' ? 'CRI' : client === 'nerdctl' ? 'nerdctl' : 'ctr'} cannot use ${JSON.stringify(input.refInput)}: ${parsed.error}${!normalises && parsed.error === 'object required' ? ' (ctr does not normalise: write docker.io/library/<name>:<tag>)' : ''}`,
      containerdError: parsed.error,
      source: 'referenceParse',
    });
    return plan;
  }
  const ref = parsed.ref;
  plan.reference = ref;
  if (parsed.normalizedFrom) {
    plan.normalizedFrom = parsed.normalizedFrom;
    decisions.push({ code: 'reference.normalized', severity: 'info', message: `${client === 'nerdctl' ? 'nerdctl' : 'CRI'} normalises ${JSON.stringify(parsed.normalizedFrom)} to ${ref.name}`, source: 'criNormalize' });
  }
  if (!normalises && !ref.hostname.includes('.') && !ref.hostname.includes(':') && ref.hostname !== 'localhost') {
    decisions.push({
      code: 'reference.host-looks-wrong',
      severity: 'warning',
      message: `ctr takes ${JSON.stringify(ref.hostname)} as the registry host (ctr does not normalise; Docker Hub images need docker.io/…)`,
      source: 'referenceParse',
    });
  }
  if (input.legacyMirrors) {
    const legacy = criLegacyHosts(ref.hostname, input.legacyMirrors, profile);
    plan.legacyMirrorsKey = legacy.mirrorsKey;
    decisions.push(...legacy.decisions);
    plan.endpoints = legacy.endpoints;
    if (legacy.error !== undefined) {
      plan.status = 'fails-before-request';
      plan.error = `${failurePrefix(client, mode, ref.name)}${legacy.error}`;
      decisions.push({ code: 'cri.legacy-endpoint-invalid', severity: 'error', message: `a registry.mirrors endpoint for ${ref.hostname} is not a URL: CRI fails every pull of this registry before any request`, containerdError: legacy.error, source: 'criRegistryEndpoints' });
      return plan;
    }
    const { resolve, fetch } = requestPlans(legacy.endpoints, ref);
    plan.resolve = resolve;
    plan.fetch = fetch;
    decisions.push(...legacyDecisions(legacy, resolve, ref));
    return plan;
  }
  let loaded: LoadedHostDir | undefined;
  if (input.lookup || (input.roots && input.roots.length > 0)) {
    const lookup = input.lookup ? input.lookup(ref.hostname) : lookupHostDir(input.roots!, ref.hostname, snapshot, profile);
    plan.lookup = lookup;
    decisions.push(...lookup.decisions, ...shadowedCandidates(lookup, snapshot));
    if (lookup.error !== undefined) {
      plan.status = 'fails-before-request';
      plan.error = `${failurePrefix(client, mode, ref.name)}${lookup.error}`;
      return plan;
    }
    if (lookup.dir) {
      loaded = loadHostDir(lookup.dir, snapshot, profile);
      const { decisions: d, hosts: _h, ...rest } = loaded;
      void _h;
      plan.hostDir = rest;
      decisions.push(...d);
      if (loaded.unanalysable) {
        plan.unanalysable = loaded.unanalysable;
        plan.status = 'fails-before-request';
        return plan;
      }
      if (loaded.error !== undefined) {
        plan.status = 'fails-before-request';
        plan.error = `${failurePrefix(client, mode, ref.name)}${loaded.error}`;
        return plan;
      }
    }
  }
  const configured = configureHosts(ref.hostname, loaded ? loaded.hosts : null, snapshot, profile, input.configure);
  decisions.push(...configured.decisions);
  plan.endpoints = configured.endpoints;
  if (configured.error !== undefined) {
    plan.status = 'fails-before-request';
    plan.error = `${failurePrefix(client, mode, ref.name)}${configured.error}`;
    return plan;
  }
  const { resolve, fetch } = requestPlans(configured.endpoints, ref);
  plan.resolve = resolve;
  plan.fetch = fetch;
  decisions.push(...endpointDecisions(configured.endpoints, ref));
  for (const s of resolve.skipped) {
    decisions.push({ code: 'endpoint.skipped-for-resolve', severity: 'warning', message: `host #${s.endpoint + 1} ${s.host} is not asked to resolve: ${s.reason}`, source: 'resolveCapabilities' });
  }
  if (resolve.noHostsError) {
    plan.status = 'fails-before-request';
    plan.error = `${failurePrefix(client, mode, ref.name)}${resolve.noHostsError}`;
  }
  return plan;
}

export interface PlanRequest {
  ref: string;
  snapshot: NodeSnapshot;
  profile: BehaviourProfile;
  config: ConfigAnalysis;
  /** `ctr --hosts-dir` value, when the ctr-with-hosts-dir plan is wanted. */
  hostsDir?: string;
}

/** The mirror hosts a plan asks (hosts.toml mirrors, CRI's legacy registry.mirrors endpoints), in order. */
export function planMirrorHosts(plan: ClientPlan): string[] {
  const ref = plan.reference?.hostname;
  // a [host] table for the registry itself (docker.io's registry-1.docker.io) is no mirror: containerd adds no ?ns= for it
  const mirror = (ep: RegistryEndpoint) => (ep.kind === 'mirror' || ep.kind === 'legacy-mirror') && (ref === undefined || needsNamespace(ref, ep.host));
  return [...new Set(plan.endpoints.filter(mirror).map((ep) => ep.host))];
}

export function planCtr(req: PlanRequest): ClientPlan {
  const mode = req.profile.ctrDefaultPullMode;
  return buildPlan({
    client: 'ctr',
    title: `ctr images pull ${req.ref} (no --hosts-dir)`,
    mode,
    refInput: req.ref,
    roots: null,
    snapshot: req.snapshot,
    profile: req.profile,
    decisions: [
      {
        code: 'ctr.no-hosts-dir',
        severity: 'warning',
        message: `ctr without --hosts-dir reads no hosts.toml at all (any version, any mode); CRI's config_path is never read by ctr${mode === 'transfer' ? ` — ${req.profile.label} ctr pulls through the daemon's transfer service by default` : ''}`,
        source: 'ctrHostsDir',
      },
    ],
  });
}

export function planCtrHostsDir(req: PlanRequest & { hostsDir: string }): ClientPlan {
  const p = req.profile;
  const mode = p.ctrDefaultPullMode;
  const decisions: Decision[] = [];
  if (req.hostsDir.includes(':')) {
    decisions.push({
      code: 'ctr.hosts-dir-one-path',
      severity: 'error',
      message: `--hosts-dir ${JSON.stringify(req.hostsDir)} is one directory, not a colon-separated list: containerd looks for ${goPathJoin(req.hostsDir, '<registry>')}`,
      source: 'ctrHostsDir',
    });
  }
  if (mode === 'transfer') {
    decisions.push({
      code: 'ctr.transfer-hosts-dir',
      severity: 'info',
      message: `${p.label} ctr pulls through the transfer service: the daemon opens ${req.hostsDir} on its own filesystem (a path that exists only where ctr runs is silently "not found")`,
      source: 'transferHostDir',
    });
  } else if (p.version.major === 1 && p.version.minor === 7) {
    decisions.push({ code: 'ctr.local-1.7', severity: 'info', message: 'ctr 1.7 pulls locally by default; with --local=false (transfer service) it would ignore --hosts-dir completely', source: 'ctrPullTransfer' });
  }
  return buildPlan({
    client: 'ctr-hosts-dir',
    title: `ctr images pull --hosts-dir ${req.hostsDir} ${req.ref}`,
    mode,
    refInput: req.ref,
    roots: [req.hostsDir],
    snapshot: req.snapshot,
    profile: p,
    decisions,
  });
}

export function planCri(req: PlanRequest): ClientPlan {
  const p = req.profile;
  const cri = req.config.cri;
  const mode = cri.pullMode;
  const decisions: Decision[] = [
    { code: 'cri.pull-mode', severity: 'info', message: `CRI pull mode: ${mode} (${cri.pullModeReason})`, source: 'criPullMode' },
  ];
  const title = `crictl pull / kubelet ${req.ref} (CRI, config_path ${JSON.stringify(cri.configPath)})`;
  const base = { client: 'cri' as const, title, mode, refInput: req.ref, snapshot: req.snapshot, profile: p };
  if (req.config.startupError !== undefined || !cri.loads) {
    const plan = buildPlan({ ...base, roots: null, decisions });
    plan.status = 'fails-before-request';
    plan.endpoints = [];
    delete plan.resolve;
    delete plan.fetch;
    plan.error =
      req.config.startupError !== undefined
        ? `containerd does not start: ${req.config.startupError}`
        : `the CRI plugin is not loaded: ${cri.notLoadedReason ?? 'unknown'}`;
    return plan;
  }
  if (cri.configPath === '') {
    // Local pulls use CRI's own registryHosts; the transfer service (2.1+) calls ConfigureHosts without a host directory.
    if (mode === 'local') return buildPlan({ ...base, roots: null, decisions, legacyMirrors: cri.mirrors });
    return buildPlan({ ...base, roots: null, decisions });
  }
  let roots: string[];
  if (mode === 'transfer') {
    roots = [cri.configPath];
    if (cri.configPath.includes(':')) {
      decisions.push({
        code: 'cri.transfer-colon-list',
        severity: 'error',
        message: `config_path ${JSON.stringify(cri.configPath)} is a colon-separated list, but ${p.label} CRI pulls through the transfer service, which treats it as ONE directory: every hosts.toml is ignored, with no log line (issue #12808). Set a single directory or use_local_image_pull = true`,
        ...(cri.configPathAt ? { at: cri.configPathAt } : {}),
        source: 'colonListIssue',
      });
    }
  } else {
    roots = splitConfigPath(cri.configPath);
    if (roots.length > 1) {
      decisions.push({ code: 'cri.local-roots', severity: 'info', message: `CRI local pull searches ${roots.join(', ')} in order; the first root with any match (including its _default) wins`, source: 'criHostDirFromRoots' });
    }
  }
  return buildPlan({ ...base, roots, decisions });
}
