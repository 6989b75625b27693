import type { LabPorts } from './layout.js';
import { SILENCE_TEXT, type SilenceKind } from '../containerd/silence-waits.js';
import { REDIRECT_TARGETS, type RedirectTarget } from './redirect-mirror.js';

/** The image every docker.io scenario pulls; the upstream (registry-1.docker.io) is unreachable in the lab. */
export const DOCKER_REF = 'docker.io/library/mirror-doctor-demo:1.0';
export const DOCKER_REPOSITORY = 'library/mirror-doctor-demo';
/** A registry with a port; it does not resolve (".invalid"), so only its mirror can serve it. */
export const HOSTPORT_REGISTRY = 'registry.lab.invalid:5000';
export const HOSTPORT_REF = `${HOSTPORT_REGISTRY}/lab/mirror-doctor-demo:1.0`;
export const HOSTPORT_REPOSITORY = 'lab/mirror-doctor-demo';
export const TAG = '1.0';

export interface ScenarioContext {
  ports: LabPorts;
  /** PEM of the lab CA, for scenarios that ship a `ca` file beside hosts.toml */
  caPem: string;
}

/** The daemon side of a scenario. */
export interface ScenarioCri {
  /** `set`: config_path = the lab's hosts folder; `unset`: no config_path at all */
  configPath: 'set' | 'unset';
  /** also set the legacy registry.mirrors."docker.io" (fatal next to config_path) */
  legacyMirror?: boolean;
  /** write config_path into config.toml only after the daemon has started */
  configPathAddedAfterStart?: boolean;
  /** start the daemon with HTTP(S)_PROXY pointing at a dead proxy and no NO_PROXY */
  daemonProxy?: boolean;
}

export interface Scenario {
  name: string;
  /** what is set up, in one line */
  summary: string;
  /** what real containerd does with it (for people; tests assert the recorded behaviour) */
  whatHappens: string;
  /** full reference to pull (ctr style) */
  ref: string;
  /** the reference when it names a lab port: replaces `ref` once the ports are known (atPorts) */
  refAt?: (ports: LabPorts) => string;
  /** files written under the lab's hosts folder, path relative to it */
  hostFiles: (ctx: ScenarioContext) => Record<string, string>;
  /** the daemon side; default: config_path set to the hosts folder */
  cri?: ScenarioCri;
  /** the pull hangs by design: recordings stop it after this many milliseconds */
  hangsForMs?: number;
}

/** The scenario with its reference at these ports. */
export function atPorts(s: Scenario, ports: LabPorts): Scenario {
  return s.refAt ? { ...s, ref: s.refAt(ports) } : s;
}

const mirror = (c: ScenarioContext) => `http://127.0.0.1:${c.ports.mirror}`;

/** A hosts.toml that sends pulls and resolves to one mirror before the upstream. */
function hostsToml(hostUrl: string, extra: string[] = [], server = 'https://registry-1.docker.io'): string {
  return [
    `server = "${server}"`,
    '',
    `[host."${hostUrl}"]`,
    '  capabilities = ["pull", "resolve"]',
    ...extra.map((l) => `  ${l}`),
    '',
  ].join('\n');
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'mirror-ok',
    summary: 'docker.io/hosts.toml sends pulls to a working plain-HTTP mirror',
    whatHappens: 'the mirror serves manifest and blobs (requests carry ?ns=docker.io)',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(mirror(c)) }),
  },
  {
    name: 'mirror-404',
    summary: 'the mirror is up but does not have the image',
    whatHappens: 'the mirror answers 404, containerd tries the upstream, which is unreachable',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(`http://127.0.0.1:${c.ports.empty}`) }),
  },
  {
    name: 'ref-names-mirror',
    summary: 'the reference names the mirror itself (a test pull straight from it), and the mirror does not have the image',
    whatHappens: 'no folder is looked up for the mirror host: every path pulls from it directly, gets 404 and has no other host to try',
    ref: `127.0.0.1:5102/${DOCKER_REPOSITORY}:${TAG}`,
    refAt: (p) => `127.0.0.1:${p.empty}/${DOCKER_REPOSITORY}:${TAG}`,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(`http://127.0.0.1:${c.ports.empty}`) }),
  },
  {
    name: 'mirror-refused',
    summary: 'nothing listens on the mirror port',
    whatHappens: 'connection refused on the mirror, silent fallback to the upstream',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(`http://127.0.0.1:${c.ports.refused}`) }),
  },
  {
    name: 'mirror-429',
    summary: 'the mirror answers every request 429 Too Many Requests (a pull rate limit)',
    whatHappens: 'containerd asks the mirror six times in a row, then tries the upstream, which is unreachable',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(`http://127.0.0.1:${c.ports.rateLimited}`) }),
  },
  {
    name: 'mirror-503',
    summary: 'the mirror is up but answers every request 503 Service Unavailable',
    whatHappens: 'the mirror answers 503, containerd tries the upstream, which is unreachable',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(`http://127.0.0.1:${c.ports.unavailable}`) }),
  },
  {
    name: 'mirror-blob-404',
    summary: 'the mirror serves the manifests but answers 404 for every blob',
    whatHappens: 'the tag resolves at the mirror; each blob is 404 there and fails at the unreachable upstream',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(`http://127.0.0.1:${c.ports.blobless}`) }),
  },
  {
    name: 'mirror-blob-404-upstream',
    summary: 'the mirror serves the manifests but answers 404 for every blob; the upstream (server, the lab registry) serves them',
    whatHappens: 'the tag resolves at the mirror; each blob is 404 there and comes from the upstream: the pull succeeds without the mirror\'s blobs',
    // the upstream is the registry the reference names (a mirror's requests carry ?ns=, its own do not)
    ref: `127.0.0.1:5101/${DOCKER_REPOSITORY}:${TAG}`,
    refAt: (p) => `127.0.0.1:${p.mirror}/${DOCKER_REPOSITORY}:${TAG}`,
    hostFiles: (c) => ({ [`127.0.0.1:${c.ports.mirror}/hosts.toml`]: hostsToml(`http://127.0.0.1:${c.ports.blobless}`, [], mirror(c)) }),
  },
  {
    name: 'mirror-web-page',
    summary: 'the mirror URL is a web page (a repository manager\'s UI, a login portal): every request gets 200 with HTML',
    whatHappens: 'the tag "resolves" at the mirror to the HTML page, its Content-Type taken as the media type; the pull fails: "unexpected media type text/html"',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(`http://127.0.0.1:${c.ports.webPage}`) }),
  },
  {
    name: 'https-on-http',
    summary: 'the host URL says https:// but the mirror speaks plain HTTP',
    whatHappens: '"http: server gave HTTP response to HTTPS client", fallback to the upstream',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(`https://127.0.0.1:${c.ports.mirror}`) }),
  },
  {
    name: 'pull-only',
    summary: 'the mirror has capabilities = ["pull"] only (no "resolve")',
    whatHappens: 'tags are resolved at the upstream only; the mirror is never asked for the manifest',
    ref: DOCKER_REF,
    hostFiles: (c) => ({
      'docker.io/hosts.toml': [`server = "https://registry-1.docker.io"`, '', `[host."${mirror(c)}"]`, '  capabilities = ["pull"]', ''].join('\n'),
    }),
  },
  {
    name: 'url-v2-suffix',
    summary: 'the host URL ends in /v2',
    whatHappens: 'a path already ending in /v2 is kept as the API root, so requests go to /v2/<repo>/…',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(`${mirror(c)}/v2`) }),
  },
  {
    name: 'toml-syntax-error',
    summary: 'hosts.toml has a TOML syntax error (unclosed table header)',
    whatHappens: 'containerd logs "failed to decode hosts.toml" and uses the upstream only',
    ref: DOCKER_REF,
    hostFiles: (c) => ({
      'docker.io/hosts.toml': [`server = "https://registry-1.docker.io"`, '', `[host."${mirror(c)}"`, '  capabilities = ["pull", "resolve"]', ''].join('\n'),
    }),
  },
  {
    name: 'dir-registry-1',
    summary: 'the folder is named registry-1.docker.io instead of docker.io',
    whatHappens: 'containerd looks up <hosts>/docker.io only; the folder is never read',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'registry-1.docker.io/hosts.toml': hostsToml(mirror(c)) }),
  },
  {
    name: 'file-host-toml',
    summary: 'the file is named host.toml instead of hosts.toml',
    whatHappens: 'the docker.io folder is found but has no hosts.toml: upstream only',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/host.toml': hostsToml(mirror(c)) }),
  },
  {
    name: 'tls-no-ca',
    summary: 'an HTTPS mirror with a certificate from a private CA, no ca configured',
    whatHappens: 'x509 unknown authority on the mirror, fallback to the upstream',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(`https://127.0.0.1:${c.ports.tls}`) }),
  },
  {
    name: 'tls-with-ca',
    summary: 'the same HTTPS mirror with ca = "lab-ca.crt" beside hosts.toml',
    whatHappens: 'the relative ca path is resolved against the host folder; the mirror serves the pull',
    ref: DOCKER_REF,
    hostFiles: (c) => ({
      'docker.io/hosts.toml': hostsToml(`https://127.0.0.1:${c.ports.tls}`, ['ca = "lab-ca.crt"']),
      'docker.io/lab-ca.crt': c.caPem,
    }),
  },
  {
    name: 'basic-auth',
    summary: 'the mirror requires basic auth and containerd has no credentials for it',
    whatHappens: 'the mirror answers 401, containerd falls back to the upstream',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(`http://127.0.0.1:${c.ports.auth}`) }),
  },
  {
    name: 'token-auth',
    summary: 'the mirror requires a bearer token; its token server grants anonymous requests no pull access (like a private Harbor project)',
    whatHappens: 'containerd fetches an anonymous token, the mirror still answers 401, containerd falls back to the upstream',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(`http://127.0.0.1:${c.ports.token}`) }),
  },
  {
    name: 'token-server-unreachable',
    summary: 'the mirror answers, but its challenge names a token server the node cannot reach (nothing listens there)',
    whatHappens: 'the token request is refused; containerd falls back to the upstream although the mirror itself answered',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(`http://127.0.0.1:${c.ports.tokenUnreachable}`) }),
  },
  {
    name: 'token-server-web-page',
    summary: 'the mirror answers, but its challenge names a web page as its token server (a login portal, a proxy that does not pass the token path)',
    whatHappens: 'the token request gets 200 with HTML: "unable to decode token response: invalid character \'<\'"; containerd falls back to the upstream',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(`http://127.0.0.1:${c.ports.tokenWebPage}`) }),
  },
  {
    name: 'host-port-registry',
    summary: `a registry with a port (${HOSTPORT_REGISTRY}) mirrored through the folder registry.lab.invalid_5000_`,
    whatHappens: 'host:port becomes host_port_ for the folder name; requests carry ?ns=registry.lab.invalid%3A5000',
    ref: HOSTPORT_REF,
    hostFiles: (c) => ({
      'registry.lab.invalid_5000_/hosts.toml': hostsToml(mirror(c), [], `https://${HOSTPORT_REGISTRY}`),
    }),
  },
  {
    name: 'default-dir',
    summary: 'only a _default/hosts.toml exists',
    whatHappens: '_default applies to every registry without a folder of its own (1.6.17+, 1.7+)',
    ref: DOCKER_REF,
    hostFiles: (c) => ({
      '_default/hosts.toml': ['', `[host."${mirror(c)}"]`, '  capabilities = ["pull", "resolve"]', ''].join('\n'),
    }),
  },
  {
    name: 'cri-config-path-unset',
    summary: 'hosts.toml is right, but config.toml has no config_path for the CRI plugin',
    whatHappens: 'ctr --hosts-dir uses the mirror; CRI (kubelet) never reads the hosts folder',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(mirror(c)) }),
    cri: { configPath: 'unset' },
  },
  {
    name: 'cri-config-edited-after-start',
    summary: 'config_path was added to config.toml after containerd started (no restart)',
    whatHappens: 'the file says config_path, the running daemon has none until restarted',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(mirror(c)) }),
    cri: { configPath: 'unset', configPathAddedAfterStart: true },
  },
  {
    name: 'cri-mirrors-and-config-path',
    summary: 'config.toml sets both registry.mirrors and config_path',
    whatHappens: 'the CRI plugin refuses to load: "`mirrors` cannot be set when `config_path` is provided"',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(mirror(c)) }),
    cri: { configPath: 'set', legacyMirror: true },
  },
  {
    name: 'cri-legacy-mirrors',
    summary: 'config.toml names the mirror only in the deprecated registry.mirrors (no config_path; the hosts folder has none for docker.io), as on nodes set up before hosts.toml',
    whatHappens: 'CRI pulls through the mirror (2.x falls back to local pulls for it); ctr, even with --hosts-dir, never reads registry.mirrors',
    ref: DOCKER_REF,
    // another registry's folder: the hosts folder exists (git keeps no empty one), none is for docker.io
    hostFiles: () => ({ 'registry.k8s.io/hosts.toml': 'server = "https://registry.k8s.io"\n' }),
    cri: { configPath: 'unset', legacyMirror: true },
  },
  {
    name: 'cri-proxy-env',
    summary: 'the daemon runs with HTTP_PROXY/HTTPS_PROXY pointing at a dead proxy and no NO_PROXY',
    whatHappens: 'loopback mirrors bypass the proxy; every other host (the upstream) fails at the proxy',
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': hostsToml(mirror(c)) }),
    cri: { configPath: 'set', daemonProxy: true },
  },
];

const redirectTargetText: Record<RedirectTarget, { summary: string; whatHappens: string }> = {
  served: {
    summary: 'the mirror answers manifests and redirects every blob (307) to another host, which serves it',
    whatHappens: 'the pull succeeds; the bytes come from the redirect target, not from the mirror',
  },
  refused: {
    summary: 'the mirror redirects every blob to a host where nothing listens',
    whatHappens: 'manifests come from the mirror; each blob GET follows the 307 and fails with connection refused',
  },
  stalled: {
    summary: 'the mirror redirects every blob to a host that accepts and never answers',
    whatHappens: 'manifests come from the mirror; the blob download hangs at the redirect target',
  },
  forbidden: {
    summary: 'the mirror redirects every blob to a host that answers 403 (an expired presigned URL)',
    whatHappens: 'manifests come from the mirror; each blob GET ends in 403 Forbidden at the redirect target',
  },
};

/**
 * The redirect scenarios (issue: who really served the blobs): docker.io/hosts.toml sends pulls to
 * one of the lab's redirecting mirrors (redirect-mirror.ts). Kept apart from SCENARIOS, whose
 * fixtures and integration tables cover every scenario there.
 */
export const REDIRECT_SCENARIOS: readonly Scenario[] = REDIRECT_TARGETS.map((t) => ({
  name: `redirect-${t}`,
  ...redirectTargetText[t],
  ref: DOCKER_REF,
  hostFiles: (c: ScenarioContext) => ({ 'docker.io/hosts.toml': hostsToml(`http://127.0.0.1:${c.ports.redirect.mirrors[t]}`) }),
  ...(t === 'stalled' ? { hangsForMs: 15_000 } : {}),
}));

/**
 * The built-in demo (`mirror-doctor demo`): a realistic broken node. config_path is set, but the
 * hosts.toml sits in a folder named after the upstream host (registry-1.docker.io), so it is never
 * read; and once that is fixed, its mirror still lacks `resolve`. Not one of the SCENARIOS the
 * tests and fixtures iterate over.
 */
export const DEMO_SCENARIO: Scenario = {
  name: 'demo',
  summary: 'config_path is set, but hosts.toml is in a folder named registry-1.docker.io and its mirror lacks resolve',
  whatHappens: 'the folder is never read (containerd looks up docker.io); fixed, the tag would still resolve upstream only',
  ref: DOCKER_REF,
  hostFiles: (c) => ({
    'registry-1.docker.io/hosts.toml': [
      `server = "https://registry-1.docker.io"`,
      '',
      `[host."${mirror(c)}"]`,
      '  capabilities = ["pull"]',
      '',
    ].join('\n'),
  }),
};

/** A scenario whose first mirror goes silent in one way, with the working mirror second. */
export interface SilenceScenario extends Scenario {
  kind: SilenceKind;
  /** host[:port] of the silent first mirror and of the working second one */
  silentHost: (ports: LabPorts) => string;
  secondHost: (ports: LabPorts) => string;
}

/** hosts.toml: the silent host first, then the lab's working mirror, then the (unreachable) upstream. */
function silentFirst(silentUrl: string, c: ScenarioContext): string {
  return [`server = "https://registry-1.docker.io"`, '', `[host."${silentUrl}"]`, '  capabilities = ["pull", "resolve"]', '', `[host."${mirror(c)}"]`, '  capabilities = ["pull", "resolve"]', ''].join('\n');
}

/**
 * One scenario per kind of silence (not in SCENARIOS: their pulls wait for minutes, so the
 * per-scenario tests and fixtures leave them out; hung-mirrors tests and scripts/measure-silence
 * use them). What each version does is src/containerd/silence-waits.ts.
 */
export const SILENCE_SCENARIOS: readonly SilenceScenario[] = [
  {
    name: 'mirror-blackhole',
    kind: 'connect',
    summary: 'the first mirror drops every SYN (the connect never completes); a working mirror is second',
    whatHappens: SILENCE_TEXT.connect,
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': silentFirst(`http://127.0.0.1:${c.ports.blackhole}`, c) }),
    silentHost: (p) => `127.0.0.1:${p.blackhole}`,
    secondHost: (p) => `127.0.0.1:${p.mirror}`,
  },
  {
    name: 'mirror-tls-stall',
    kind: 'tls-handshake',
    summary: 'the first mirror (https) accepts the connection and never answers the TLS ClientHello; a working mirror is second',
    whatHappens: SILENCE_TEXT['tls-handshake'],
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': silentFirst(`https://127.0.0.1:${c.ports.silent}`, c) }),
    silentHost: (p) => `127.0.0.1:${p.silent}`,
    secondHost: (p) => `127.0.0.1:${p.mirror}`,
  },
  {
    name: 'mirror-header-stall',
    kind: 'response-header',
    summary: 'the first mirror (http) accepts the connection, reads the request and never answers; a working mirror is second',
    whatHappens: SILENCE_TEXT['response-header'],
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': silentFirst(`http://127.0.0.1:${c.ports.silent}`, c) }),
    silentHost: (p) => `127.0.0.1:${p.silent}`,
    secondHost: (p) => `127.0.0.1:${p.mirror}`,
  },
  {
    name: 'mirror-body-stall',
    kind: 'body',
    summary: 'the first mirror answers HEAD, but sends only half of each manifest/blob body and hangs; a working mirror is second',
    whatHappens: SILENCE_TEXT.body,
    ref: DOCKER_REF,
    hostFiles: (c) => ({ 'docker.io/hosts.toml': silentFirst(`http://127.0.0.1:${c.ports.bodyStall}`, c) }),
    silentHost: (p) => `127.0.0.1:${p.bodyStall}`,
    secondHost: (p) => `127.0.0.1:${p.mirror}`,
  },
];

export function findScenario(name: string): Scenario | undefined {
  return name === DEMO_SCENARIO.name ? DEMO_SCENARIO : [...SCENARIOS, ...REDIRECT_SCENARIOS, ...SILENCE_SCENARIOS].find((s) => s.name === name);
}
