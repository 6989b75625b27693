/**
 * containerd `ConfigureHosts` (v2.1.9 core/remotes/docker/config/hosts.go) after the host list is known:
 * the implicit upstream fills an empty last entry (`docker.io` → `registry-1.docker.io`, localhost
 * rules per version), TLS options are applied per host (missing `ca`/`client` files fail the
 * pull), and an `http://` host with TLS options tries HTTPS first (port rules per version).
 */
import type { Decision, SourcePosition } from './decision.js';
import { isLocalhost, portOf } from './go-url.js';
import { defaultCapabilities, emptyServerEntry, type Capability, type HostConfig } from './host-config.js';
import { goPathError, lookupEntry, type NodeSnapshot } from './node-snapshot.js';
import type { BehaviourProfile } from './version.js';
import { x509KeyPairError } from './x509-key-pair.js';

export interface EndpointTls {
  caCerts: string[];
  clientPairs: Array<[string, string]>;
  skipVerify?: boolean;
  /** A TLS config is built for this host (any of ca/client/skip_verify set, or client-wide TLS). */
  explicit: boolean;
}

export interface RegistryEndpoint {
  /** 0-based position in the order containerd tries hosts. */
  index: number;
  /** mirror: `[host."…"]`; server: top-level `server`; upstream: the implicit default filled in. */
  kind: 'mirror' | 'server' | 'upstream' | 'legacy-mirror';
  written: string;
  /** Scheme of the first request. */
  scheme: string;
  host: string;
  path: string;
  capabilities: Capability[];
  tls: EndpointTls;
  /** HTTPS first, then plain HTTP on a TLS/connection error (NewHTTPFallback, v2.1.9 core/remotes/docker/resolver.go). */
  httpFallback: boolean;
  header: Record<string, string[]>;
  /** Effective dial timeout. */
  dialTimeout: string;
  at?: SourcePosition;
  /** False when no request to it can succeed (e.g. empty host); `problem` says why. */
  usable: boolean;
  problem?: string;
}

export interface ConfigureOptions {
  /** ctr `--plain-http` (DefaultScheme = "http"); never set by CRI. */
  defaultScheme?: 'http' | 'https';
  /** ctr `--skip-verify` / `--tlscacert` / `--tlscert` (HostOptions.DefaultTLS). */
  defaultTls?: boolean;
}

export interface ConfiguredHosts {
  endpoints: RegistryEndpoint[];
  /** Error returned by the RegistryHosts closure (CA/client file problems): the pull fails. */
  error?: string;
  decisions: Decision[];
}


function readCheck(snapshot: NodeSnapshot, path: string): { ok: true; text?: string } | { ok: false; error: string } {
  const e = lookupEntry(snapshot, path);
  switch (e.kind) {
    case 'missing':
      return { ok: false, error: goPathError('open', path, { code: 'ENOENT' }) };
    case 'stat-error':
      return { ok: false, error: goPathError('open', path, e.error) };
    case 'directory':
      return { ok: false, error: `read ${path}: is a directory` };
    case 'other':
      return { ok: false, error: `read ${path}: ${e.description}` };
    case 'file':
      if (e.readError) return { ok: false, error: goPathError('open', path, e.readError) };
      return e.content?.kind === 'text' ? { ok: true, text: e.content.text } : { ok: true };
  }
}

/** Checks the files a host's TLS config reads, in containerd's order; returns its error text. */
function tlsFileError(h: HostConfig, snapshot: NodeSnapshot): string | undefined {
  for (const ca of h.caCerts) {
    const r = readCheck(snapshot, ca);
    if (!r.ok) return `unable to read CA cert ${JSON.stringify(ca)}: ${r.error}`;
    // AppendCertsFromPEM: we only see whether a CERTIFICATE block is present (DER not checked).
    if (r.text !== undefined && !r.text.includes('-----BEGIN CERTIFICATE-----')) return `unable to load CA cert ${JSON.stringify(ca)}`;
  }
  for (const [cert, key] of h.clientPairs) {
    const c = readCheck(snapshot, cert);
    if (!c.ok) return `unable to read CERT file ${JSON.stringify(cert)}: ${c.error}`;
    let keyText = c.ok ? c.text : undefined;
    if (key !== '') {
      const k = readCheck(snapshot, key);
      if (!k.ok) return `unable to read CERT file ${JSON.stringify(key)}: ${k.error}`;
      keyText = k.text;
    }
    const e = c.text !== undefined && keyText !== undefined ? x509KeyPairError(c.text, keyText) : undefined;
    if (e) return `failed to load X509 key pair: ${e}`;
  }
  return undefined;
}

/**
 * @param refHost the image reference's registry host (`refspec.Hostname()`)
 * @param loaded  hosts from the host directory, or null when there is none
 */
export function configureHosts(
  refHost: string,
  loaded: HostConfig[] | null,
  snapshot: NodeSnapshot,
  profile: BehaviourProfile,
  options: ConfigureOptions = {},
): ConfiguredHosts {
  const decisions: Decision[] = [];
  const hosts: HostConfig[] = (loaded && loaded.length > 0 ? loaded : [emptyServerEntry()]).map((h) => ({ ...h }));
  const last = hosts[hosts.length - 1]!;
  let filled = false;
  /** the localhost upstream containerd fills in, whose skip_verify is its own */
  let implicitTlsHost: HostConfig | null = null;
  if (last.host === '') {
    filled = true;
    if (last.written !== '') {
      decisions.push({
        code: 'hosts.server-unusable',
        severity: 'error',
        message: `server ${JSON.stringify(last.written)} yields no host, so containerd replaces it with the default upstream for ${refHost}`,
        source: 'defaultHost',
      });
    }
    if (refHost === 'docker.io') {
      last.scheme = 'https';
      last.host = 'registry-1.docker.io';
    } else if (isLocalhost(refHost) && profile.localhost !== 'none') {
      last.host = refHost;
      if (last.skipVerify === undefined) implicitTlsHost = last;
      if (profile.localhost === 'http-any-port') {
        if (!options.defaultScheme || options.defaultScheme === 'http') {
          last.scheme = 'http';
          last.skipVerify = true;
        } else last.scheme = options.defaultScheme;
        decisions.push({
          code: 'upstream.localhost',
          severity: 'info',
          message: `${refHost} is localhost: ${profile.label} uses http with skip_verify for any port`,
          source: 'defaultHost',
        });
      } else if (!options.defaultScheme) {
        const port = portOf(refHost);
        last.scheme = port === '' || port === '443' ? 'https' : 'http';
        if (port !== '80') last.skipVerify = true;
        decisions.push({
          code: 'upstream.localhost',
          severity: 'info',
          message: `${refHost} is localhost: port ${port === '' ? '(none)' : port} → ${last.scheme}${port !== '80' ? ' with skip_verify' : ''} (${profile.label} port rule)`,
          source: 'defaultHost',
        });
      } else last.scheme = options.defaultScheme;
    } else {
      last.host = refHost;
      last.scheme = options.defaultScheme ?? 'https';
    }
    last.path = '/v2';
    last.capabilities = defaultCapabilities(profile).filter((c) => c !== 'referrers' || profile.referrersCapability);
    // containerd sets pull|resolve|push here (+ referrers from v2.2.0 hosts.go ConfigureHosts).
    if (!last.capabilitiesDefaulted && loaded) {
      decisions.push({
        code: 'upstream.capabilities-reset',
        severity: 'warning',
        message: 'top-level `capabilities` are ignored when `server` is omitted: containerd gives the implicit upstream all capabilities',
        source: 'defaultHost',
      });
    }
  }

  const endpoints: RegistryEndpoint[] = [];
  let error: string | undefined;
  // skip_verify that containerd gives a localhost upstream itself, not a setting in the file
  const fileTls = (h: HostConfig) =>
    [h.caCerts.length > 0 && 'ca', h.clientPairs.length > 0 && 'client', h.skipVerify !== undefined && h !== implicitTlsHost && 'skip_verify'].filter((x): x is string => !!x);
  hosts.forEach((h, i) => {
    const isLast = i === hosts.length - 1;
    const explicit = h.caCerts.length > 0 || h.clientPairs.length > 0 || h.skipVerify !== undefined || options.defaultTls === true;
    if (error === undefined && (h.caCerts.length > 0 || h.clientPairs.length > 0)) {
      const e = tlsFileError(h, snapshot);
      if (e !== undefined) {
        error = e;
        decisions.push({
          code: 'hosts.tls-file-error',
          severity: 'error',
          message: `TLS files for ${h.host || refHost} cannot be used: ${e}; containerd returns this error and the whole pull fails (no host is tried)`,
          containerdError: e,
          source: 'tlsFiles',
        });
      }
    }
    let scheme = h.scheme;
    let httpFallback = false;
    if (scheme === 'http' && explicit) {
      const port = portOf(h.host);
      const rule = profile.httpsFirst;
      const applies =
        rule === 'any-port' || (rule === 'not-port-80' && port !== '80') || (rule === 'port-required-not-80' && port !== '' && port !== '80');
      const written = fileTls(h);
      if (applies) {
        scheme = 'https';
        httpFallback = true;
        const implicit = written.length === 0 && h === implicitTlsHost;
        decisions.push({
          code: implicit ? 'hosts.https-first-localhost' : 'hosts.https-first',
          severity: implicit ? 'info' : 'warning',
          message: implicit
            ? `${h.host} is localhost: ${profile.label} gives it http with skip_verify itself (no TLS setting in the file), so it tries HTTPS first and falls back to plain HTTP on a TLS or connection error`
            : `${h.host} is http:// but has TLS options${written.length ? ` (${written.join(', ')})` : ''}, so ${profile.label} tries HTTPS first and falls back to HTTP only on a TLS or connection error`,
          ...(profile.httpsFirstLogLine
            ? {
                containerdLog: `level=info msg="host will try HTTPS first since it is configured for HTTP with a TLS configuration, consider changing host to HTTPS or removing unused TLS configuration" host=${h.host}`,
              }
            : {}),
          ...(h.at ? { at: h.at } : {}),
          source: 'httpsFirst',
        });
      } else if (rule === 'port-required-not-80' && port === '') {
        decisions.push({
          code: 'hosts.http-stays-http',
          severity: 'info',
          message: `${h.host} is http:// without a port: ${profile.label} keeps plain HTTP despite its TLS options${written.length ? ` (${written.join(', ')})` : ''} (1.7.24+ and 2.x would try HTTPS first)`,
          source: 'httpsFirst',
        });
      }
    }
    const kind: RegistryEndpoint['kind'] = isLast && filled ? 'upstream' : h.kind;
    const ep: RegistryEndpoint = {
      index: i,
      kind,
      written: h.written,
      scheme,
      host: h.host,
      path: h.path,
      capabilities: h.capabilities,
      tls: {
        caCerts: h.caCerts,
        clientPairs: h.clientPairs,
        ...(h.skipVerify !== undefined ? { skipVerify: h.skipVerify } : {}),
        explicit,
      },
      httpFallback,
      header: h.header,
      dialTimeout: h.dialTimeout ?? '30s',
      usable: true,
    };
    if (h.at) ep.at = h.at;
    if (h.host === '' || (scheme !== 'http' && scheme !== 'https')) {
      ep.usable = false;
      ep.problem =
        scheme !== 'http' && scheme !== 'https'
          ? `unsupported protocol scheme ${JSON.stringify(scheme)} (the URL has no usable scheme)`
          : 'empty host';
    }
    endpoints.push(ep);
  });
  return { endpoints, ...(error !== undefined ? { error } : {}), decisions };
}
