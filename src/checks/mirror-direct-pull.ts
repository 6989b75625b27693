/**
 * A reference that names a mirror itself (Derived.mirrorRoles) whose pull failed there: no other
 * host is asked, so the mirror's answer is the whole story (the image is not under that path, the
 * mirror wants credentials, it cannot be reached).
 */
import type { PathRun } from '../trace/run-schema.js';
import type { Evidence } from './finding.js';
import type { Check } from './types.js';
import { attemptEvidence, attemptsAt, finding, pathLabel } from './make.js';
import { httpOwnEntryFix, httpRolesAskedOverHttps, mirrorRoleEvidence, mirrorRoleFix, mirrorRoleText } from './mirror-role-text.js';
import { OUTCOME_TEXT, statusText } from './outcome-text.js';

export const mirrorDirectPullFailed: Check = {
  id: 'mirror-direct-pull-failed',
  run(facts, d) {
    const host = d.registryHost;
    if (!host || d.mirrorRoles.length === 0) return [];
    // the paths that read the hosts folders (plain ctr reads none: ctr-ignores-config-path)
    const failed = [d.trace.ctrHostsDir, d.trace.cri].filter((p): p is PathRun => !!p?.doc && p.pulled === false);
    // _default puts its own hosts first: the other checks read that pull
    if (failed.length === 0 || failed.some((p) => p.doc!.hostsDir?.endsWith('/_default'))) return [];
    const at = attemptsAt(failed, host, (o) => o !== 'ok');
    const first = at[0];
    const text = first ? (statusText(first.a.outcome, first.a.status) ?? OUTCOME_TEXT[first.a.outcome]) : undefined;
    const error = failed.find((p) => p.error)?.error;
    const evidence: Evidence[] = at.map(({ p, a }) => attemptEvidence(p, a));
    if (evidence.length === 0 && error) evidence.push({ kind: 'trace', source: pathLabel(failed[0]!), text: error });
    const names = failed.map(pathLabel);
    const who = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
    const url = first?.a.url ?? `${host}/v2/${d.ref?.repository ?? ''}/manifests/${d.ref?.tag ?? 'latest'}`;
    return [
      finding('mirror-direct-pull-failed', {
        title: `the pull from the mirror ${host} itself failed${first ? ` (${first.a.outcome})` : ''}`,
        detail:
          `${mirrorRoleText(facts, d)}, and this reference names it: ${who} pulled from it directly, with no other host to fall back to, and failed` +
          `${text ? `: ${text.what}` : ''}${error ? ` (${error})` : ''}.`,
        evidence: [...evidence, ...mirrorRoleEvidence(facts, d)],
        fix:
          first?.a.outcome === 'http-response-to-https' && httpRolesAskedOverHttps(d).length > 0
            ? [...httpOwnEntryFix(facts, d, d.hostDirs.find((v) => v.usedBy.length > 0)?.root ?? d.hostsDir), ...mirrorRoleFix(d)]
            : [...(text ? text.fix(host, url) : []), ...mirrorRoleFix(d)],
      }),
    ];
  },
};
