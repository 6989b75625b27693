/**
 * CRI's own host list when `config_path` is empty and CRI pulls locally (1.x always, 2.1+ with
 * local pulls): `registryEndpoints` and the legacy branch of `registryHosts` (1.x
 * pkg/cri/server/image_pull.go, 2.x internal/cri/server/images/image_pull.go), not hosts.toml.
 * `mirrors[host]` (else `mirrors["*"]`), each endpoint without `://` given `defaultScheme`, then
 * the registry itself unless an endpoint already names its host; every host gets pull+resolve
 * (no push), an endpoint's path is used as written (`/v2` only when it has none), no HTTPS-first.
 */
import type { Decision } from './decision.js';
import type { RegistryEndpoint } from './configure-hosts.js';
import { goSplitHostPort, goUrlParse, isLocalhost } from './go-url.js';
import type { BehaviourProfile } from './version.js';

export interface CriLegacyHosts {
  endpoints: RegistryEndpoint[];
  decisions: Decision[];
  /** `get registry endpoints: …`: the RegistryHosts function fails, so the pull fails before any request. */
  error?: string;
  /** The `registry.mirrors` key whose endpoints are used (`null`: neither the host nor `*` is set, or `*` is hidden). */
  mirrorsKey: string | null;
  /** before 1.5: `*` is set, but CRI's built-in `docker.io` entry (registry-1.docker.io) is what a docker.io image uses */
  wildcardHidden?: boolean;
}

/** CRI `defaultScheme`: `http` for the hosts the version treats as local, else `https`. */
export function criLegacyDefaultScheme(host: string, profile: BehaviourProfile): 'http' | 'https' {
  if (profile.criLegacyHttpHosts === 'loopback') return isLocalhost(host) ? 'http' : 'https';
  const h = goSplitHostPort(host)?.host ?? host;
  return h === 'localhost' || h === '127.0.0.1' || h === '::1' ? 'http' : 'https';
}

function schemeSource(profile: BehaviourProfile) {
  return profile.criLegacyHttpHosts === 'loopback' ? ('criDefaultScheme' as const) : ('criDefaultScheme15' as const);
}

function localWords(profile: BehaviourProfile): string {
  return profile.criLegacyHttpHosts === 'loopback' ? 'a loopback host' : 'localhost, 127.0.0.1 or ::1';
}

/** `docker.DefaultHost`: docker.io → registry-1.docker.io. */
function defaultHost(host: string): string {
  return host === 'docker.io' ? 'registry-1.docker.io' : host;
}

export function criLegacyHosts(refHost: string, mirrors: Record<string, string[]>, profile: BehaviourProfile): CriLegacyHosts {
  const decisions: Decision[] = [];
  // before 1.5 CRI's default config has registry.mirrors."docker.io" = registry-1.docker.io, merged
  // with the file's: a docker.io image never reaches `*` (cri pkg/config DefaultConfig, v1.4.13)
  const wildcardHidden = !profile.criConfigPath && refHost === 'docker.io' && !Object.hasOwn(mirrors, refHost) && Object.hasOwn(mirrors, '*');
  const mirrorsKey = Object.hasOwn(mirrors, refHost) ? refHost : Object.hasOwn(mirrors, '*') && !wildcardHidden ? '*' : null;
  const written = mirrorsKey === null ? [] : (mirrors[mirrorsKey] ?? []);
  const fail = (error: string): CriLegacyHosts => ({ endpoints: [], decisions, error: `get registry endpoints: parse endpoint url: ${error}`, mirrorsKey });

  // addDefaultScheme: an endpoint without "://" gets the scheme of the host it names.
  const endpoints: string[] = [];
  for (const e of written) {
    if (e.includes('://')) {
      endpoints.push(e);
      continue;
    }
    const u = goUrlParse(`dummy://${e}`);
    if (!u.ok) return fail(u.error);
    const scheme = criLegacyDefaultScheme(u.url.host, profile);
    endpoints.push(`${scheme}://${e}`);
    decisions.push({
      code: 'cri.legacy-scheme-added',
      severity: 'info',
      message: `endpoint ${JSON.stringify(e)} has no scheme: CRI uses ${scheme}://${e} (${scheme === 'http' ? `${u.url.host} is ${localWords(profile)}` : `only ${localWords(profile)} gets http`})`,
      source: schemeSource(profile),
    });
  }
  const urls = [];
  for (const e of endpoints) {
    const u = goUrlParse(e);
    if (!u.ok) return fail(u.error);
    urls.push({ text: e, url: u.url });
  }
  // The registry itself is appended unless an endpoint's host is the reference host (docker.io
  // included: an endpoint https://registry-1.docker.io does not stop the append).
  const upstream = defaultHost(refHost);
  const appended = !urls.some((u) => u.url.host === refHost);
  if (appended) {
    const scheme = criLegacyDefaultScheme(upstream, profile);
    const text = `${scheme}://${upstream}`;
    const u = goUrlParse(text);
    if (!u.ok) return fail(u.error);
    urls.push({ text, url: u.url });
    if (scheme === 'http') {
      decisions.push({
        code: 'cri.legacy-localhost-http',
        severity: 'info',
        message: `${upstream} is ${localWords(profile)}: CRI asks it over plain http and never tries HTTPS (the hosts.toml localhost rules do not apply without config_path)`,
        source: schemeSource(profile),
      });
    }
  }
  const result: RegistryEndpoint[] = urls.map(({ text, url }, i) => {
    const ep: RegistryEndpoint = {
      index: i,
      kind: appended && i === urls.length - 1 ? 'upstream' : 'legacy-mirror',
      written: text,
      scheme: url.scheme,
      host: url.host,
      path: url.path === '' ? '/v2' : url.path,
      capabilities: ['pull', 'resolve'],
      tls: { caCerts: [], clientPairs: [], explicit: false },
      httpFallback: false,
      header: {},
      dialTimeout: '30s',
      usable: true,
    };
    if (url.host === '' || (url.scheme !== 'http' && url.scheme !== 'https')) {
      ep.usable = false;
      ep.problem = url.scheme !== 'http' && url.scheme !== 'https' ? `unsupported protocol scheme ${JSON.stringify(url.scheme)}` : 'empty host';
    }
    return ep;
  });
  return { endpoints: result, decisions, mirrorsKey, ...(wildcardHidden ? { wildcardHidden } : {}) };
}
