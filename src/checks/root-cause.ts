/**
 * Names ONE root cause among the findings: the error finding that explains the user's symptom best.
 *
 * Ranking: only `error` findings are candidates (a warning never is: the mirror still works).
 * Among them, the one whose id comes first in {@link CAUSE_ORDER} wins. The order goes from what
 * makes everything downstream irrelevant to what is only a symptom:
 *   1. containerd does not start / cannot be asked (config invalid, no daemon);
 *   2. the CRI plugin is not loaded (mirrors + config_path, disabled, failed);
 *   3. the daemon runs another config than the file (restart-required);
 *   4. CRI does not read the hosts folders (config_path unset, wrong table, list in transfer mode, …);
 *   5. the folder containerd looks up is wrong, missing, unreadable or has no usable hosts.toml;
 *   6. hosts.toml is discarded or loses its mirror;
 *   7. a mirror is configured so it is not asked (scheme, capabilities, TLS files);
 *   8. evidence only: the mirror failed at run time (fallback with its outcome, or an answer that
 *      is not a manifest), a blob download failed at the host a registry redirected it to, then the symptoms
 *      (no hosts folder loaded, CRI differs from ctr, mirror not tried).
 * So a fallback caused by a discarded hosts.toml names hosts-toml-invalid, a CRI pull that read no
 * folder because the daemon was not restarted names restart-required, and a CRI that did not load
 * because of `mirrors` names mirrors-with-config-path. Ties (same id) keep the findings' order.
 */
import type { PullClient } from './facts.js';
import { CRASH_ID, type Finding } from './finding.js';
import { checkIds } from './registry.js';

export const CAUSE_ORDER: readonly string[] = [
  // 1
  'config-unreadable',
  'config-parse-error',
  'config-version-unsupported',
  'disabled-plugin-invalid',
  'daemon-permission-denied',
  'daemon-unreachable',
  // 2
  'mirrors-with-config-path',
  'cri-plugin-disabled',
  'cri-plugin-failed',
  // 3
  'restart-required',
  // 4: the client the user pulled with reads none of the mirror's configuration (--client)
  'ctr-ignores-config-path',
  'nerdctl-ignores-cri-config',
  'config-path-wrong-section',
  'config-version-missing',
  'config-imports-replace',
  // `mirror` for `mirrors`, `endpoints` for `endpoint`: the mirror the user wrote, lost (config_path unset follows)
  'registry-key-unknown',
  // the mirror the user wrote, under a key CRI never looks up
  'mirrors-key-misnamed',
  'config-path-unset',
  'config-path-list-transfer',
  'config-path-mismatch',
  'config-path-missing-dir',
  // 5
  'hosts-path-unreadable',
  'default-dir-unsupported',
  'host-dir-misnamed',
  'host-dir-shadows-default',
  'hosts-toml-missing',
  'hosts-toml-empty',
  'hosts-toml-no-mirror',
  'host-dir-missing',
  // 6
  'hosts-toml-no-host-table',
  'hosts-toml-invalid',
  'hosts-toml-inline-host-dropped',
  'hosts-toml-unknown-key',
  // 7
  'ca-file-missing',
  'ca-file-invalid',
  'client-cert-invalid',
  'ca-file-unused',
  'tls-on-server-only',
  'configs-tls-ignored',
  'configs-tls-not-for-mirror',
  'configs-auth-not-for-mirror',
  // explains a mirror's 401 (mirror-fallback), or the registry's own when no mirror is configured
  'configs-key-not-a-host',
  'mirror-missing-scheme',
  'legacy-mirror-path-without-v2',
  'mirror-path-needs-override',
  'mirror-override-path-without-v2',
  'mirror-no-pull',
  'mirror-no-resolve',
  // 8
  'mirror-fallback',
  // the fallback after the mirrors asked a host that is no registry API
  'server-not-registry-api',
  'mirror-direct-pull-failed',
  'not-a-manifest',
  'redirect-target-failed',
  'hosts-dir-not-loaded',
  'cri-path-differs',
  'cri-pull-failed',
  'mirror-not-tried',
];

function rankOf(id: string): number {
  const i = CAUSE_ORDER.indexOf(id);
  if (i >= 0) return i;
  if (id === CRASH_ID) return Number.MAX_SAFE_INTEGER;
  const j = checkIds().indexOf(id);
  return CAUSE_ORDER.length + (j >= 0 ? j : 1000);
}

/**
 * Findings about what only CRI reads (its plugin, config_path, registry.mirrors, its pull path):
 * not the cause of a ctr or nerdctl pull, which never reads them.
 */
export const CRI_ONLY: readonly string[] = [
  'mirrors-with-config-path',
  'cri-plugin-disabled',
  'cri-plugin-failed',
  'restart-required',
  'config-path-wrong-section',
  'config-version-missing',
  'config-imports-replace',
  'config-path-unset',
  'config-path-list-transfer',
  'config-path-mismatch',
  'config-path-missing-dir',
  'legacy-mirror-path-without-v2',
  'configs-key-not-a-host',
  'hosts-dir-not-loaded',
  'cri-path-differs',
  'cri-pull-failed',
];

/** Whether a finding can be the cause for a pull by `client` (undefined: CRI as kubelet). */
function concerns(id: string, client: PullClient | undefined): boolean {
  if (client === 'ctr' || client === 'nerdctl') return !CRI_ONLY.includes(id);
  return id !== 'nerdctl-ignores-cri-config';
}

/** Error findings, best explanation first, for a pull by `client` (default: CRI as kubelet). */
export function rankCauses(findings: readonly Finding[], client?: PullClient): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => f.severity === 'error' && f.id !== CRASH_ID && concerns(f.id, client))
    .sort((a, b) => rankOf(a.f.id) - rankOf(b.f.id) || a.i - b.i)
    .map(({ f }) => f);
}

/** Findings that say what happened, not why: never a root cause on their own. */
export const SYMPTOMS: readonly string[] = ['hosts-dir-not-loaded', 'cri-path-differs', 'cri-pull-failed', 'mirror-not-tried'];

/**
 * The root cause: the best-ranked error finding, unless it is only a symptom (what happened, not
 * why); then nothing explains it, and it is `unexplained`.
 */
export function rootCause(findings: readonly Finding[], client?: PullClient): Finding | null {
  const best = rankCauses(findings, client)[0] ?? null;
  return best && !SYMPTOMS.includes(best.id) ? best : null;
}

/** The symptom that no finding explains (the best-ranked error is a symptom), or null. */
export function unexplainedSymptom(findings: readonly Finding[], client?: PullClient): Finding | null {
  const best = rankCauses(findings, client)[0] ?? null;
  return best && SYMPTOMS.includes(best.id) ? best : null;
}
