/**
 * The one list of check ids (kubeadm-style stable names, usable with `--ignore`): layer, default
 * severity, title, and documentation link. A check may report a finding at another severity than
 * its default (e.g. `ok` when it verified something, `error` when evidence makes a warning fatal);
 * the default is what the check reports in its usual failing case.
 */
import { CRASH_ID, type Layer, type Severity } from './finding.js';

/** Where docs/checks.md is published; every id has a section (anchor = the id). */
export const CHECKS_DOC = 'docs/checks.md';

/** containerd's own documentation of hosts.toml (docs/hosts.md, same blob in v2.1.9 and main). */
export const HOSTS_MD = 'https://github.com/containerd/containerd/blob/main/docs/hosts.md';

export interface CheckInfo {
  id: string;
  layer: Layer;
  severity: Severity;
  title: string;
  /** project documentation for this id */
  docs: string;
  /** upstream documentation, when containerd documents the behaviour */
  upstream?: string;
  /** reference section(s) of containerd-internals.md */
  cite: string;
}

/** Layers in display order. */
export const LAYERS: readonly Layer[] = ['client', 'daemon', 'config', 'host-dirs', 'hosts-toml', 'evidence'];

type Row = [id: string, layer: Layer, severity: Severity, title: string, cite: string, upstream?: string];

const ROWS: Row[] = [
  // ---- client: which client pulls, and how it reads the configuration
  ['ctr-ignores-config-path', 'client', 'info', 'ctr reads no hosts.toml without --hosts-dir', '§4.1'],
  ['ctr-transfer-service', 'client', 'info', 'ctr pulls through the transfer service', '§4.3'],
  ['ctr-namespace', 'client', 'info', 'ctr pulls into another namespace than kubelet', '§A.2 (field notes)'],
  ['ctr-missing', 'client', 'warning', 'ctr is not installed', '§4'],
  ['ctr-reference-without-host', 'client', 'warning', 'ctr reference without a registry host', '§1.2, §5.6'],
  // ---- daemon: which containerd, reachable, in which environment
  ['daemon-unreachable', 'daemon', 'error', 'containerd does not answer on its socket', '§4.3'],
  ['daemon-permission-denied', 'daemon', 'error', 'no permission to use the containerd socket', '§4.3'],
  ['daemon-version-skew', 'daemon', 'warning', 'client, binary and daemon versions differ', '§0.1'],
  ['embedded-containerd', 'daemon', 'warning', 'containerd is embedded in a distribution', '§7'],
  ['proxy-env-mismatch', 'daemon', 'warning', 'proxy environment differs between the daemon and the shell', '§1.10, §4.3'],
  // ---- config.toml
  ['config-missing', 'config', 'warning', 'config.toml does not exist', '§3.2'],
  ['config-unreadable', 'config', 'error', 'config.toml cannot be read', '§3.5'],
  ['config-parse-error', 'config', 'error', 'config.toml is not valid: containerd does not start', '§3.5, §3.7'],
  ['config-version-missing', 'config', 'warning', 'config.toml has no version line', '§3.5'],
  ['config-version-unsupported', 'config', 'error', 'config.toml version is not supported by this containerd', '§3.5'],
  ['disabled-plugin-invalid', 'config', 'error', 'disabled_plugins holds an invalid plugin id', '§3.7'],
  ['cri-plugin-disabled', 'config', 'error', 'the CRI plugin is disabled', '§3.7'],
  ['cri-plugin-failed', 'config', 'error', 'the CRI plugin failed to load', '§3.3'],
  ['config-path-unset', 'config', 'error', 'CRI registry config_path is not set', '§3.2', `${HOSTS_MD}#cri`],
  ['config-path-wrong-section', 'config', 'error', 'config_path is in a table this containerd does not read', '§3.1, §3.5', `${HOSTS_MD}#cri`],
  ['config-path-missing-dir', 'config', 'error', 'config_path names a directory that does not exist', '§1.2, §1.12'],
  ['config-path-mismatch', 'config', 'error', 'the hosts.toml folder is not in config_path', '§1.12'],
  ['config-path-list-transfer', 'config', 'error', 'colon-separated config_path with transfer-service pulls', '§1.12, §3.6'],
  ['transfer-config-path-unused', 'config', 'warning', 'the transfer plugin config_path is never read', '§3.1'],
  ['mirrors-with-config-path', 'config', 'error', 'registry.mirrors and config_path are both set', '§3.3'],
  ['legacy-mirrors', 'config', 'warning', 'deprecated registry.mirrors in config.toml', '§3.4'],
  ['config-imports-replace', 'config', 'warning', 'an import replaces a whole plugin table (containerd 1.x)', '§3.7'],
  ['restart-required', 'config', 'error', 'containerd was not restarted after config.toml changed', '§3.8'],
  // ---- hosts folders
  ['host-dir-missing', 'host-dirs', 'error', 'no hosts folder for the registry', '§1.2', `${HOSTS_MD}#registry-host-namespace`],
  ['host-dir-misnamed', 'host-dirs', 'error', 'the hosts folder is named differently from the registry host', '§1.2', `${HOSTS_MD}#registry-host-namespace`],
  ['host-dir-shadows-default', 'host-dirs', 'error', 'a registry folder shadows _default or a later root', '§1.2, §1.12'],
  ['default-dir-unsupported', 'host-dirs', 'error', '_default is not supported by this containerd', '§1.2'],
  ['hosts-toml-missing', 'host-dirs', 'error', 'the hosts folder has no hosts.toml', '§1.3, §1.11'],
  ['hosts-toml-empty', 'host-dirs', 'error', 'hosts.toml is empty', '§1.3'],
  ['hosts-path-unreadable', 'host-dirs', 'error', 'a hosts folder or file cannot be read', '§1.2, §1.3'],
  // ---- hosts.toml
  ['hosts-toml-invalid', 'hosts-toml', 'error', 'hosts.toml is discarded (parse error)', '§1.3, §1.5'],
  ['hosts-toml-no-host-table', 'hosts-toml', 'error', 'hosts.toml without a [host] table is rejected', '§0.1, §1.5'],
  ['hosts-toml-unknown-key', 'hosts-toml', 'warning', 'hosts.toml key silently ignored', '§1.4, §1.5', `${HOSTS_MD}#hoststoml-content`],
  ['hosts-toml-inline-host-dropped', 'hosts-toml', 'error', 'mirror written as an inline table or dotted keys is dropped', '§1.5'],
  ['hosts-toml-duplicate-host', 'hosts-toml', 'warning', 'a mirror is tried twice', '§1.5'],
  ['mirror-missing-scheme', 'hosts-toml', 'warning', 'mirror URL without a scheme', '§1.6'],
  ['mirror-path-needs-override', 'hosts-toml', 'warning', 'mirror URL path gets /v2 appended', '§1.6', `${HOSTS_MD}#override_path-field`],
  ['mirror-no-resolve', 'hosts-toml', 'warning', 'mirror lacks the resolve capability', '§1.7', `${HOSTS_MD}#capabilities-field`],
  ['mirror-no-pull', 'hosts-toml', 'error', 'mirror lacks the pull capability', '§1.7', `${HOSTS_MD}#capabilities-field`],
  ['server-not-disabling-upstream', 'hosts-toml', 'info', 'the upstream is still tried after the mirrors', '§1.7, §1.8', `${HOSTS_MD}#server-field`],
  ['http-host-with-tls', 'hosts-toml', 'warning', 'http:// mirror with TLS options tries HTTPS first', '§1.9'],
  ['skip-verify-enabled', 'hosts-toml', 'warning', 'TLS verification is disabled', '§1.4', `${HOSTS_MD}#skip_verify-field`],
  ['ca-file-missing', 'hosts-toml', 'error', 'a ca file cannot be read: every pull fails', '§1.3', `${HOSTS_MD}#ca-field`],
  ['ca-file-invalid', 'hosts-toml', 'error', 'a ca file holds no PEM certificate: every pull fails', '§1.3', `${HOSTS_MD}#ca-field`],
  ['client-cert-invalid', 'hosts-toml', 'error', 'a client certificate or key cannot be used: every pull fails', '§1.3', `${HOSTS_MD}#client-field`],
  ['mirror-cluster-dns-name', 'hosts-toml', 'warning', 'mirror named by a cluster DNS name the node does not resolve', '§A.7 (field notes)'],
  ['dial-timeout-unsupported', 'hosts-toml', 'warning', 'dial_timeout is not supported by this containerd', '§1.4', `${HOSTS_MD}#dial_timeout-field`],
  // ---- evidence from the traces
  ['mirror-used', 'evidence', 'ok', 'the mirror served the pull', '§2'],
  ['mirror-fallback', 'evidence', 'error', 'the mirror failed and containerd fell back', '§5.2'],
  ['mirror-not-tried', 'evidence', 'error', 'a hosts folder was loaded but no mirror was asked', '§1.7'],
  ['hosts-dir-not-loaded', 'evidence', 'error', 'the pull loaded no hosts folder', '§1.1, §5.1'],
  ['cri-path-differs', 'evidence', 'error', 'ctr --hosts-dir uses the mirror, CRI does not', '§3'],
  ['cri-path-unknown', 'evidence', 'warning', 'whether CRI uses the mirror is not known', '§3'],
  ['trace-unavailable', 'evidence', 'info', 'no live trace', '§4'],
];

export const CHECKS: readonly CheckInfo[] = ROWS.map(([id, layer, severity, title, cite, upstream]) => ({
  id,
  layer,
  severity,
  title,
  docs: `${CHECKS_DOC}#${id}`,
  ...(upstream ? { upstream } : {}),
  cite,
}));

/** The pseudo-check a crashed check is reported under. */
export const CRASH_INFO: CheckInfo = {
  id: CRASH_ID,
  layer: 'evidence',
  severity: 'warning',
  title: 'a check crashed',
  docs: `${CHECKS_DOC}#${CRASH_ID}`,
  cite: '',
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
  const score = (a: string, b: string) => {
    const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++) dp[i]![j] = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    return dp[a.length]![b.length]!;
  };
  let best: string | null = null;
  let bestScore = Infinity;
  for (const c of all) {
    const s = c.includes(id) || id.includes(c) ? 1 : score(id, c);
    if (s < bestScore) {
      bestScore = s;
      best = c;
    }
  }
  return bestScore <= 4 ? best : null;
}
