/**
 * The one list of check ids (kubeadm-style stable names, usable with `--ignore`): layer, default
 * severity, title, and documentation link. A check may report a finding at another severity than
 * its default (e.g. `ok` when it verified something, `error` when evidence makes a warning fatal);
 * the default is what the check reports in its usual failing case.
 */
import { HOSTS_MD, SOURCES, type SourceKey, type UpstreamSource } from '../containerd/upstream-source.js';
import { editDistance } from './edit-distance.js';
import { CRASH_ID, type Layer, type Severity } from './finding.js';

/** Where docs/checks.md is published; every id has a section (anchor = the id). */
export const CHECKS_DOC = 'docs/checks.md';

export interface CheckInfo {
  id: string;
  layer: Layer;
  severity: Severity;
  title: string;
  /** project documentation for this id */
  docs: string;
  /** upstream documentation, when containerd documents the behaviour */
  upstream?: string;
  /** containerd source (or our docs) that shows the behaviour, by tag; see upstream-source.ts */
  sources: UpstreamSource[];
}

/** Layers in display order. */
export const LAYERS: readonly Layer[] = ['client', 'daemon', 'config', 'host-dirs', 'hosts-toml', 'evidence'];

type Row = [id: string, layer: Layer, severity: Severity, title: string, sources: SourceKey[], upstream?: string];

const ROWS: Row[] = [
  // ---- client: which client pulls, and how it reads the configuration
  ['ctr-ignores-config-path', 'client', 'info', 'ctr reads no hosts.toml without --hosts-dir', ['ctrHostsDir']],
  ['nerdctl-ignores-cri-config', 'client', 'error', 'nerdctl does not read where the mirror is configured', ['nerdctlHostsDirs', 'nerdctlHostDirsFromRoot', 'nerdctlTransferHostDir']],
  ['ctr-transfer-service', 'client', 'info', 'ctr pulls through the transfer service', ['ctrPullTransfer', 'transferHostDir']],
  ['ctr-namespace', 'client', 'info', 'ctr pulls into another namespace than kubelet', ['ctrNamespace', 'criNamespace']],
  ['ctr-missing', 'client', 'warning', 'ctr is not installed', ['readmeTrace']],
  ['ctr-reference-without-host', 'client', 'info', 'ctr reference without a registry host', ['referenceParse', 'criNormalize']],
  // ---- daemon: which containerd, reachable, in which environment
  ['daemon-unreachable', 'daemon', 'error', 'containerd does not answer on its socket', ['ctrAddress']],
  ['daemon-permission-denied', 'daemon', 'error', 'no permission to use the containerd socket', ['ctrAddress']],
  ['daemon-version-skew', 'daemon', 'warning', 'client, binary and daemon versions differ', ['readmeExplain']],
  ['embedded-containerd', 'daemon', 'warning', 'containerd is embedded in a distribution', ['readmeCheck']],
  ['proxy-env-mismatch', 'daemon', 'warning', 'proxy environment differs between the daemon and the shell', ['defaultTransport', 'ctrPullTransfer']],
  // ---- config.toml
  ['config-missing', 'config', 'warning', 'config.toml does not exist', ['daemonConfigLoad', 'criDefaultConfig']],
  ['config-unreadable', 'config', 'error', 'config.toml cannot be read', ['daemonConfigLoad']],
  ['config-parse-error', 'config', 'error', 'config.toml is not valid: containerd does not start', ['configLoadFile', 'configLoad', 'criRegistryTypes', 'pluginConfigDecode']],
  ['config-version-missing', 'config', 'warning', 'config.toml has no version line', ['configNoVersion']],
  ['config-version-unsupported', 'config', 'error', 'config.toml version is not supported by this containerd', ['configValidate']],
  ['disabled-plugin-invalid', 'config', 'error', 'a plugin id in config.toml is not a full id: containerd does not start', ['configValidate']],
  ['cri-plugin-disabled', 'config', 'error', 'the CRI plugin is disabled', ['disabledPlugins']],
  ['cri-plugin-failed', 'config', 'error', 'the CRI plugin failed to load', ['criRegistryValidation']],
  ['config-path-unset', 'config', 'error', 'CRI registry config_path is not set', ['criDefaultConfig'], `${HOSTS_MD}#cri`],
  ['config-path-wrong-section', 'config', 'error', 'CRI registry settings are in a table this containerd does not read', ['criMigrate', 'configNoVersion'], `${HOSTS_MD}#cri`],
  ['config-path-missing-dir', 'config', 'error', 'config_path names a directory that does not exist', ['criHostDirFromRoots']],
  ['config-path-mismatch', 'config', 'error', 'the hosts.toml folder is not in config_path', ['criHostDirFromRoots']],
  ['config-path-list-transfer', 'config', 'error', 'colon-separated config_path with transfer-service pulls', ['colonListIssue', 'criPullMode']],
  ['transfer-config-path-unused', 'config', 'warning', 'the transfer plugin config_path is never read', ['transferConfigPath']],
  ['mirrors-with-config-path', 'config', 'error', 'registry.mirrors and config_path are both set', ['criRegistryValidation']],
  ['registry-key-unknown', 'config', 'warning', 'a key of the CRI registry tables that containerd does not know is ignored', ['criRegistryTypes']],
  ['hosts-toml-in-config', 'config', 'warning', 'hosts.toml lines written into config.toml are ignored', ['configLoadFile']],
  ['configs-tls-ignored', 'config', 'warning', 'registry.configs.*.tls is ignored by containerd 2.x', ['configPluginKeys'], `${HOSTS_MD}#ca-field`],
  ['configs-tls-not-for-mirror', 'config', 'warning', "registry.configs.*.tls is keyed by the registry, not by its mirror", ['criLegacyTlsByHost']],
  ['configs-auth-not-for-mirror', 'config', 'info', 'registry.configs.*.auth is keyed by the registry, not by its mirror', ['criCredentialsByHost']],
  ['mirrors-key-misnamed', 'config', 'error', 'a registry.mirrors table is keyed by a name CRI never looks up', ['criRegistryEndpoints']],
  ['configs-key-not-a-host', 'config', 'warning', 'a registry.configs table is keyed by a name no request goes to', ['criCredentialsByHost', 'authorizerCredentialsHost', 'criLegacyTlsByHost']],
  ['legacy-mirrors', 'config', 'warning', 'deprecated registry.mirrors in config.toml', ['criRegistryValidation']],
  ['legacy-mirror-path-without-v2', 'config', 'error', 'legacy mirror endpoint path misses /v2: requests miss the registry API', ['criLegacyHostPath', 'requestPath']],
  ['config-imports-replace', 'config', 'warning', 'an import replaces a whole plugin table (containerd 1.x)', ['importsReplace1x']],
  ['registries-yaml-unknown-key', 'config', 'warning', 'a k3s/RKE2 registries.yaml key that is ignored', ['k3sRegistriesYaml']],
  ['restart-required', 'config', 'error', 'containerd was not restarted after config.toml changed', ['daemonConfigLoad']],
  // ---- hosts folders
  ['host-dir-missing', 'host-dirs', 'error', 'no hosts folder for the registry', ['hostPaths'], `${HOSTS_MD}#registry-host-namespace`],
  ['host-dir-misnamed', 'host-dirs', 'error', 'the hosts folder is named differently from the registry host', ['hostPaths'], `${HOSTS_MD}#registry-host-namespace`],
  ['host-dir-shadows-default', 'host-dirs', 'error', 'a registry folder shadows _default or a later root', ['hostDirFromRoot', 'criHostDirFromRoots']],
  ['default-dir-unsupported', 'host-dirs', 'error', '_default is not supported by this containerd', ['hostPathsBefore1617']],
  ['hosts-toml-missing', 'host-dirs', 'error', 'the hosts folder has no hosts.toml', ['loadHostDir', 'loadCertFiles']],
  ['hosts-toml-empty', 'host-dirs', 'error', 'hosts.toml is empty', ['loadHostDir']],
  ['hosts-toml-no-mirror', 'hosts-toml', 'warning', 'hosts.toml names no mirror: only the registry itself', ['parseHostsFile'], `${HOSTS_MD}#host-fields-in-the-toml-table-format`],
  ['hosts-path-unreadable', 'host-dirs', 'error', 'a hosts folder or file cannot be read', ['hostDirFromRoot', 'loadHostDir']],
  // ---- hosts.toml
  ['hosts-toml-invalid', 'hosts-toml', 'error', 'hosts.toml is discarded (parse error)', ['loadHostDir', 'parseHostsFile']],
  ['hosts-toml-no-host-table', 'hosts-toml', 'error', 'hosts.toml without a [host] table is rejected', ['hostTree1x', 'hostTreeFix']],
  ['hosts-toml-unknown-key', 'hosts-toml', 'warning', 'hosts.toml key silently ignored', ['hostFileKeys'], `${HOSTS_MD}#hoststoml-content-description---detail`],
  ['hosts-toml-inline-host-dropped', 'hosts-toml', 'error', 'mirror written as an inline table or dotted keys is dropped', ['getSortedHosts']],
  ['hosts-toml-duplicate-host', 'hosts-toml', 'warning', 'a mirror is tried twice', ['getSortedHosts']],
  ['hosts-toml-inline-order-random', 'hosts-toml', 'warning', 'inline mirrors are tried in an order that changes from pull to pull', ['getSortedHosts']],
  ['mirror-missing-scheme', 'hosts-toml', 'warning', 'mirror URL without a scheme', ['parseHostConfig']],
  ['mirror-path-needs-override', 'hosts-toml', 'warning', 'mirror URL path gets /v2 appended', ['parseHostConfig', 'requestPath'], `${HOSTS_MD}#override_path-field`],
  ['mirror-override-path-without-v2', 'hosts-toml', 'error', 'override_path on a URL path without /v2: requests miss the registry API', ['parseHostConfig', 'requestPath'], `${HOSTS_MD}#override_path-field`],
  ['mirror-no-resolve', 'hosts-toml', 'warning', 'mirror lacks the resolve capability', ['resolveCapabilities'], `${HOSTS_MD}#capabilities-field`],
  ['mirror-no-pull', 'hosts-toml', 'error', 'mirror lacks the pull capability', ['resolveCapabilities'], `${HOSTS_MD}#capabilities-field`],
  ['server-not-disabling-upstream', 'hosts-toml', 'info', 'the upstream is still tried after the mirrors', ['parseHostsFile', 'defaultHost'], `${HOSTS_MD}#server-field`],
  ['default-host-tls-only', 'hosts-toml', 'warning', 'a host with only TLS settings in _default is a mirror of every registry', ['hostPaths', 'parseHostConfig']],
  ['server-not-registry-api', 'hosts-toml', 'warning', "server names Docker Hub's web name, not its registry API", ['defaultHost', 'parseHostConfig'], `${HOSTS_MD}#server-field`],
  ['http-host-with-tls', 'hosts-toml', 'warning', 'an http:// host with TLS options is tried over HTTPS first', ['httpsFirst']],
  ['skip-verify-enabled', 'hosts-toml', 'warning', 'TLS verification is disabled', ['tlsFiles'], `${HOSTS_MD}#skip_verify-field`],
  ['ca-file-missing', 'hosts-toml', 'error', 'a ca file cannot be read: every pull fails', ['tlsFiles'], `${HOSTS_MD}#ca-field`],
  ['ca-file-invalid', 'hosts-toml', 'error', 'a ca file holds no PEM certificate: every pull fails', ['tlsFiles'], `${HOSTS_MD}#ca-field`],
  ['client-cert-invalid', 'hosts-toml', 'error', 'a client certificate or key cannot be used: every pull fails', ['tlsFiles'], `${HOSTS_MD}#client-field`],
  ['ca-file-unused', 'hosts-toml', 'warning', 'a CA certificate in a hosts folder is not used for the host that needs it', ['loadHostDir', 'hostDirFromRoot', 'tlsFiles'], `${HOSTS_MD}#ca-field`],
  ['tls-on-server-only', 'hosts-toml', 'warning', 'TLS settings at the top of hosts.toml apply to the server only, not to the mirror', ['parseHostsFile', 'tlsFiles'], `${HOSTS_MD}#server-field`],
  ['mirror-cluster-dns-name', 'hosts-toml', 'warning', 'mirror named by a cluster DNS name the node may not resolve', ['defaultTransport']],
  ['dial-timeout-unsupported', 'hosts-toml', 'warning', 'dial_timeout is not supported by this containerd', ['hostFileKeys'], `${HOSTS_MD}#dial_timeout-field`],
  // ---- evidence from the traces
  ['mirror-used', 'evidence', 'ok', 'the mirror served the pull', ['nsParameter']],
  ['mirror-fallback', 'evidence', 'error', 'the mirror failed and containerd fell back', ['resolveNextHost']],
  ['redirect-target-failed', 'evidence', 'error', 'a blob download failed at the host the registry redirected it to', ['fetchRedirect', 'fetchFirstError']],
  ['not-a-manifest', 'evidence', 'error', 'a host answered the manifest request with something that is not an image manifest (a web page)', ['manifestMediaType', 'unexpectedMediaType']],
  ['mirror-direct-pull-failed', 'evidence', 'error', 'the reference names a mirror, and the pull from it failed', ['hostPaths']],
  ['mirror-not-tried', 'evidence', 'error', 'a hosts folder was loaded but no mirror was asked', ['loadHostDir', 'resolveCapabilities']],
  ['hosts-dir-not-loaded', 'evidence', 'error', 'the pull loaded no hosts folder', ['configureHostsLoad']],
  ['cri-path-differs', 'evidence', 'error', 'ctr --hosts-dir uses the mirror, CRI does not', ['criLegacyMirrors', 'hostsMdCri']],
  ['cri-path-unknown', 'evidence', 'warning', 'whether CRI uses the mirror is not known', ['hostsMdCri']],
  ['cri-pull-failed', 'evidence', 'error', 'CRI asked the mirror and its pull failed; the trace does not show why', ['hostsMdCri']],
  ['image-already-present', 'evidence', 'info', 'the image is already on this node: kubelet does not pull it (imagePullPolicy IfNotPresent)', ['kubeletPullPolicy']],
  ['trace-unavailable', 'evidence', 'info', 'no live trace', ['readmeCheck']],
];

export const CHECKS: readonly CheckInfo[] = ROWS.map(([id, layer, severity, title, sources, upstream]) => ({
  id,
  layer,
  severity,
  title,
  docs: `${CHECKS_DOC}#${id}`,
  ...(upstream ? { upstream } : {}),
  sources: sources.map((k) => SOURCES[k]),
}));

/** The pseudo-check a crashed check is reported under. */
export const CRASH_INFO: CheckInfo = {
  id: CRASH_ID,
  layer: 'evidence',
  severity: 'warning',
  title: 'a check crashed',
  docs: `${CHECKS_DOC}#${CRASH_ID}`,
  sources: [],
};

const BY_ID = new Map<string, CheckInfo>(CHECKS.map((c) => [c.id, c]));

export function checkInfo(id: string): CheckInfo {
  if (id === CRASH_ID) return CRASH_INFO;
  const c = BY_ID.get(id);
  if (!c) throw new Error(`unknown check id ${JSON.stringify(id)}`);
  return c;
}

export function isCheckId(id: string): boolean {
  return id === CRASH_ID || BY_ID.has(id);
}

/** Every id, in registry order. */
export function checkIds(): string[] {
  return CHECKS.map((c) => c.id);
}

/** The known id closest to `id` (edit distance at most 4, or one contains the other), or null. */
export function closestCheckId(id: string): string | null {
  const all = [...CHECKS.map((c) => c.id), CRASH_ID];
  let best: string | null = null;
  let bestScore = Infinity;
  for (const c of all) {
    const s = c.includes(id) || id.includes(c) ? 1 : editDistance(id, c);
    if (s < bestScore) {
      bestScore = s;
      best = c;
    }
  }
  return bestScore <= 4 ? best : null;
}
