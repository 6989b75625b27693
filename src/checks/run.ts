/**
 * Runs every check over one node's facts (flutter-doctor style crash isolation), applies
 * `--ignore`, orders the findings by layer and severity, and names the root cause.
 */
import { CLIENT_CHECKS } from './client.js';
import { CONFIG_CHECKS } from './config.js';
import { DAEMON_CHECKS } from './daemon.js';
import { derive, type Derived } from './derived.js';
import { EVIDENCE_CHECKS } from './evidence.js';
import { IMAGE_PRESENT_CHECKS } from './image-already-present.js';
import { NOT_A_MANIFEST_CHECKS } from './not-a-manifest.js';
import { REDIRECT_CHECKS } from './redirect-target.js';
import type { Facts, PullClient } from './facts.js';
import { CRASH_ID, type Finding, type Severity } from './finding.js';
import { HOST_DIR_CHECKS } from './host-dirs.js';
import { withGeneratedNote } from './generated-fix-note.js';
import { HOSTS_TOML_CHECKS } from './hosts-toml.js';
import { CHECKS_DOC, LAYERS, checkIds, checkInfo, closestCheckId, isCheckId } from './registry.js';
import { rootCause, SYMPTOMS, unexplainedSymptom } from './root-cause.js';
import type { Check } from './types.js';

/** Every check, in layer order. */
export const ALL_CHECKS: readonly Check[] = [...CLIENT_CHECKS, ...DAEMON_CHECKS, ...CONFIG_CHECKS, ...HOST_DIR_CHECKS, ...HOSTS_TOML_CHECKS, ...EVIDENCE_CHECKS, ...REDIRECT_CHECKS, ...NOT_A_MANIFEST_CHECKS, ...IMAGE_PRESENT_CHECKS];

export interface RunOptions {
  /** check ids to leave out (case-insensitive); unknown ids throw {@link UnknownCheckIdError} */
  ignore?: readonly string[];
  /** warnings count as problems (exit 1) */
  strict?: boolean;
  /** replaces the checks that run (tests) */
  checks?: readonly Check[];
}

export interface CheckRun {
  findings: Finding[];
  rootCause: Finding | null;
  /** an error finding that says what happened but nothing explains why (then there is no root cause) */
  unexplained: Finding | null;
  /** interrupted: the run was stopped (Ctrl-C) before its evidence was complete; it names no root cause */
  status: 'ok' | 'problems' | 'interrupted';
  summary: string;
  exitCode: 0 | 1;
}

/** `--ignore` named ids that do not exist: the CLI shows the message and exits 2. */
export class UnknownCheckIdError extends Error {
  constructor(
    readonly ids: string[],
    readonly suggestions: Record<string, string | null>,
  ) {
    super(
      `unknown check id${ids.length === 1 ? '' : 's'} in --ignore: ${ids
        .map((i) => (suggestions[i] ? `${i} (did you mean ${suggestions[i]}?)` : i))
        .join(', ')}; the ids are listed in ${CHECKS_DOC}`,
    );
    this.name = 'UnknownCheckIdError';
  }
}

/**
 * Parses `--ignore ID,ID` (a string or repeated values) into known ids, lower-cased.
 * @throws UnknownCheckIdError naming every unknown id, with a suggestion when one is close
 */
export function parseIgnore(values: string | readonly string[] | undefined): string[] {
  const list = (typeof values === 'string' ? [values] : (values ?? []))
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '');
  const unknown = list.filter((v) => !isCheckId(v));
  if (unknown.length > 0) throw new UnknownCheckIdError(unknown, Object.fromEntries(unknown.map((u) => [u, closestCheckId(u)])));
  return [...new Set(list)];
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2, ok: 3 };

/** Layer order, then worst first, then registry order. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const ids = checkIds();
  const idRank = (id: string) => {
    const i = ids.indexOf(id);
    return i < 0 ? ids.length : i;
  };
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => LAYERS.indexOf(a.f.layer) - LAYERS.indexOf(b.f.layer) || SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || idRank(a.f.id) - idRank(b.f.id) || a.i - b.i)
    .map(({ f }) => f);
}

function crashFinding(checkId: string, e: unknown): Finding {
  const err = e instanceof Error ? e : new Error(String(e));
  const info = isCheckId(checkId) && checkId !== CRASH_ID ? checkInfo(checkId) : null;
  return {
    id: CRASH_ID,
    severity: 'warning',
    layer: info?.layer ?? 'evidence',
    title: `the check ${checkId} crashed`,
    detail: `mirror-doctor could not run the check ${checkId}: ${err.message}. The other checks ran; please report this with the output of \`mirror-doctor check --report report.md\`.`,
    evidence: [{ kind: 'command', source: `check ${checkId}`, text: (err.stack ?? err.message).split('\n').slice(0, 6).join('\n') }],
    fix: [],
    docs: checkInfo(CRASH_ID).docs,
  };
}

function summarize(findings: Finding[], cause: Finding | null, unexplained: Finding | null, exitCode: 0 | 1, client: PullClient | undefined): string {
  const n = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const counts = [n('error') && `${n('error')} error${n('error') === 1 ? '' : 's'}`, n('warning') && `${n('warning')} warning${n('warning') === 1 ? '' : 's'}`].filter(Boolean).join(', ');
  if (cause) return `root cause: ${cause.id} — ${cause.title}${counts ? ` (${counts})` : ''}`;
  if (unexplained) {
    // a warning about the daemon or the files may be the cause that the evidence could not prove
    const suspects = findings.filter((f) => f.severity === 'warning' && f.layer !== 'evidence' && f.layer !== 'client');
    const why = suspects.length ? `no finding proves why; it may be ${suspects.map((f) => `the warning ${f.id} (${f.title})`).join(' or ')}` : 'no finding says why';
    return `root cause: unexplained — ${unexplained.title} (${unexplained.id}), and ${why}; look at: ${unexplained.fix.join('; ')}${counts ? ` (${counts})` : ''}`;
  }
  const used = findings.find((f) => f.id === 'mirror-used');
  const errors = findings.filter((f) => f.severity === 'error');
  // with --client ctr or nerdctl, errors about CRI alone are no cause of that pull (root-cause.ts CRI_ONLY)
  if (errors.length > 0 && (client === 'ctr' || client === 'nerdctl')) return `no error explains a ${client} pull; ${errors.length === 1 ? 'the error concerns' : 'the errors concern'} CRI pulls (kubelet, crictl) only: ${[...new Set(errors.map((f) => f.id))].join(', ')} (${counts})`;
  if (exitCode === 1) return `no error, but ${counts} (--strict)`;
  if (used) return `no problem found: ${used.title}${counts ? ` (${counts})` : ''}`;
  return `no problem found in the files${counts ? ` (${counts})` : ''}`;
}

/** A finding about a misnamed folder's files says that containerd reads them only after the rename. */
function withRenameNote(f: Finding, d: Derived): Finding {
  if (f.id === 'host-dir-misnamed') return f;
  const v = d.misnamedDirs.find((x) => f.evidence.some((e) => e.source === x.dir || e.source.startsWith(`${x.dir}/`)));
  return v ? { ...f, detail: `${f.detail} (${v.dir} is never read as it is named; containerd reads it once it is renamed to ${v.renameTo})` } : f;
}

export function runChecks(facts: Facts, options: RunOptions = {}): CheckRun {
  const ignore = new Set(parseIgnore(options.ignore ?? []));
  const checks = options.checks ?? ALL_CHECKS;
  let findings: Finding[] = [];
  let derived: Derived | null = null;
  try {
    derived = derive(facts);
  } catch (e) {
    findings.push({ ...crashFinding('derive', e), title: 'the containerd emulation crashed', layer: 'config' });
  }
  if (derived) {
    for (const check of checks) {
      if (ignore.has(check.id)) continue;
      try {
        findings.push(...check.run(facts, derived));
      } catch (e) {
        findings.push(crashFinding(check.id, e));
      }
    }
  }
  findings = sortFindings(findings.filter((f) => !ignore.has(f.id)).map((f) => withGeneratedNote(derived ? withRenameNote(f, derived) : f, facts)));
  const hasError = findings.some((f) => f.severity === 'error');
  const hasWarning = findings.some((f) => f.severity === 'warning');
  const exitCode: 0 | 1 = hasError || (options.strict === true && hasWarning) ? 1 : 0;
  if (facts.interrupted) {
    return { findings, rootCause: null, unexplained: null, status: 'interrupted', summary: 'interrupted before the pulls ended: the findings are what was seen until then, and name no root cause; run the check again', exitCode };
  }
  const cause = rootCause(findings, facts.client);
  const unexplained = cause ? null : unexplainedSymptom(findings, facts.client);
  // a symptom that a finding explains points at it (and at nothing that is not there)
  if (cause) findings = findings.map((f) => (SYMPTOMS.includes(f.id) && f.severity === 'error' ? { ...f, fix: [`explained by ${cause.id} (${cause.title}): its fix is the fix`, ...f.fix] } : f));
  return { findings, rootCause: cause, unexplained, status: exitCode === 1 ? 'problems' : 'ok', summary: summarize(findings, cause, unexplained, exitCode, facts.client), exitCode };
}
