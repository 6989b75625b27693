/**
 * The `check` report as data (`mirror-doctor.report/v1`), and the ordering every renderer shares:
 * findings grouped by layer, worst first. Pure; the JSON text is redacted (log/header rules plus
 * the secrets written in the node's config files).
 */
import type { Facts } from '../checks/facts.js';
import type { Finding, Layer, Severity } from '../checks/finding.js';
import type { PathRun } from '../trace/run-schema.js';
import { collectConfigSecrets, redactReportJson, scrubSecrets } from './redact-config.js';
import { redact } from './redact.js';
import { VERSION } from '../version.js';
import { reportMustReach } from './must-reach.js';

export const REPORT_SCHEMA = 'mirror-doctor.report/v1';

/** What `runChecks(facts, {ignore, strict})` returns (src/checks/run.ts). */
export interface ChecksOutcome {
  findings: Finding[];
  /** the root-cause check id (or the finding itself), null when nothing is wrong */
  rootCause: string | Finding | null;
  /** a symptom no finding explains (then rootCause is null) */
  unexplained?: string | Finding | null;
  status: 'ok' | 'problems' | 'interrupted';
  summary: string;
  exitCode: number;
}

export interface ReportInput {
  facts: Facts;
  outcome: ChecksOutcome;
  /** ids passed with --ignore */
  ignored?: string[];
  strict?: boolean;
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, ok: 3 };
export const LAYER_ORDER: readonly Layer[] = ['client', 'daemon', 'config', 'host-dirs', 'hosts-toml', 'evidence'];
export const LAYER_TITLES: Record<Layer, string> = {
  client: 'Client (ctr, nerdctl)',
  daemon: 'Daemon',
  config: 'config.toml',
  'host-dirs': 'Hosts folders',
  'hosts-toml': 'hosts.toml',
  evidence: 'Evidence from real pulls',
};
export const PATH_TITLES: Record<PathRun['path'], string> = { ctr: 'ctr (no --hosts-dir)', 'ctr-hosts-dir': 'ctr --hosts-dir', cri: 'CRI (as kubelet)' };

export function rootCauseId(outcome: ChecksOutcome): string | null {
  const rc = outcome.rootCause;
  if (rc === null || rc === undefined) return null;
  return typeof rc === 'string' ? rc : rc.id ?? null;
}

/** The id of a finding given as itself or by id. */
export function idOf(f: string | Finding | null | undefined): string | null {
  if (f === null || f === undefined) return null;
  return typeof f === 'string' ? f : (f.id ?? null);
}

/** The verdict line without its mark (✓ ✗ …): ok, interrupted, a root cause, or an unexplained symptom. */
export function verdictText(outcome: ChecksOutcome): { status: ChecksOutcome['status']; text: string } {
  if (outcome.status === 'ok') return { status: 'ok', text: `verdict: ok — ${outcome.summary}` };
  if (outcome.status === 'interrupted') return { status: 'interrupted', text: `verdict: interrupted — ${outcome.summary}` };
  const id = rootCauseId(outcome);
  if (!id && outcome.unexplained) return { status: 'problems', text: `verdict: problems — ${outcome.summary}` };
  return { status: 'problems', text: `verdict: problems — root cause: ${id ?? 'unknown'} — ${summaryText(outcome)}` };
}

/** The summary without a leading "root cause: <id> — " (the renderers name the root cause themselves). */
export function summaryText(outcome: ChecksOutcome): string {
  const rc = rootCauseId(outcome);
  if (!rc) return outcome.summary;
  const prefix = new RegExp(`^root cause:\\s*${rc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*[—:-]\\s*`);
  return outcome.summary.replace(prefix, '');
}

export interface FindingGroup {
  layer: Layer;
  worst: Severity;
  findings: Finding[];
}

const layerIndex = (l: Layer) => {
  const i = LAYER_ORDER.indexOf(l);
  return i < 0 ? LAYER_ORDER.length : i;
};

/** Findings grouped by layer; groups and the findings in them worst first (ties: checklist order). */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const by = new Map<Layer, Finding[]>();
  for (const f of findings) {
    const list = by.get(f.layer) ?? [];
    list.push(f);
    by.set(f.layer, list);
  }
  const groups: FindingGroup[] = [];
  for (const [layer, list] of by) {
    const sorted = list
      .map((f, i) => ({ f, i }))
      .sort((a, b) => (SEVERITY_RANK[a.f.severity] ?? 9) - (SEVERITY_RANK[b.f.severity] ?? 9) || a.i - b.i)
      .map((x) => x.f);
    groups.push({ layer, worst: sorted[0]!.severity, findings: sorted });
  }
  return groups.sort((a, b) => SEVERITY_RANK[a.worst] - SEVERITY_RANK[b.worst] || layerIndex(a.layer) - layerIndex(b.layer));
}

/** Findings in display order (the groups flattened). */
export function orderedFindings(findings: readonly Finding[]): Finding[] {
  return groupFindings(findings).flatMap((g) => g.findings);
}

export function counts(findings: readonly Finding[]): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0, ok: 0 };
  for (const f of findings) c[f.severity] = (c[f.severity] ?? 0) + 1;
  return c;
}

/** Why the traces did not run, in words, or null when they ran. */
export function traceSkipReason(facts: Facts): string | null {
  if (facts.trace) return null;
  if (facts.traceError) return facts.traceError;
  if (facts.offline) return 'offline: no pulls were made';
  if (!facts.daemon.reachable) return `the daemon at ${facts.address} is not reachable${facts.daemon.error ? ` (${facts.daemon.error})` : ''}`;
  return 'not run';
}

import { pathResult } from './trace-run-text.js';

export { pathResult };

function iso(ms: number | null | undefined): string | null {
  return typeof ms === 'number' && ms > 0 ? new Date(ms).toISOString() : null;
}

export function buildReport(input: ReportInput) {
  const { facts, outcome } = input;
  const run = facts.trace;
  const c = counts(outcome.findings);
  return {
    schema: REPORT_SCHEMA,
    ref: facts.ref.input,
    refSource: facts.ref.source,
    client: facts.client ?? null,
    tool: { name: 'mirror-doctor', version: VERSION },
    generatedAt: facts.collectedAt,
    containerd: {
      version: facts.containerdVersion.value,
      versionSource: facts.containerdVersion.source,
      server: facts.versions.server.value,
      client: facts.versions.ctr.value,
      binary: facts.versions.binary.value,
      address: facts.address,
      addressSource: facts.addressSource ?? null,
      reachable: facts.daemon.reachable,
      error: facts.daemon.error,
      pid: facts.daemon.process?.pid ?? null,
      startedAt: iso(facts.daemon.process?.startedAt),
      configFile: facts.configFile,
      configFileSource: facts.configFileSource ?? null,
      configModifiedAt: iso(facts.configMtime),
      liveConfigPath: facts.liveCri.value ? (facts.liveCri.value.exposed ? facts.liveCri.value.configPath : null) : null,
      plugins: facts.plugins.value?.map((p) => ({ id: p.id, status: p.status, error: p.error })) ?? null,
      distribution: {
        kind: facts.distribution.kind,
        generated: facts.distribution.generated,
        editInstead: facts.distribution.editInstead,
        evidence: facts.distribution.evidence,
      },
    },
    node: {
      name: facts.nodeName ?? null,
      root: facts.root,
      offline: facts.offline,
      hostRoots: facts.hostRoots,
      invokingUser: facts.invokingUser,
      daemonProxyEnv: facts.daemon.process?.proxyEnv ?? null,
      systemdProxyEnv: facts.daemon.systemd?.proxyEnv ?? null,
      shellProxyEnv: facts.shellProxyEnv,
      notes: facts.notes ?? [],
    },
    verdict: { status: outcome.status, rootCause: rootCauseId(outcome), unexplained: idOf(outcome.unexplained), summary: outcome.summary },
    counts: c,
    exitCode: outcome.exitCode,
    options: { strict: !!input.strict, ignored: input.ignored ?? [] },
    findings: orderedFindings(outcome.findings),
    traces: {
      ran: !!run,
      skipped: traceSkipReason(facts),
      error: facts.traceError,
      namespace: run?.namespace ?? null,
      hostsDir: run?.hostsDir ?? null,
      live: run?.live ?? null,
      verdict: run?.comparison.verdict ?? null,
      statements: run?.comparison.statements ?? [],
      mirrorUsedBy: run?.comparison.mirrorUsedBy ?? [],
      paths: (run?.paths ?? []).map((p) => ({
        path: p.path,
        command: p.command.join(' '),
        mode: p.mode,
        modeReason: p.modeReason,
        result: pathResult(p),
        pulled: p.pulled,
        stoppedBy: p.stoppedBy,
        stalledOn: p.stalledOn,
        stallKind: p.stoppedBy === 'stall' ? (p.stallKind ?? null) : null,
        stallWaitMs: p.stoppedBy === 'stall' ? (p.stallWaitMs ?? null) : null,
        durationMs: p.durationMs,
        error: p.error,
        code: p.code ?? null,
        hostsDir: p.doc?.hostsDir ?? null,
        mirrorUsed: p.evidence ? p.evidence.mirrorUsed : (p.doc?.mirrorUsed ?? null),
        evidence: p.evidence ?? null,
        daemonLog: p.daemonLog ?? null,
        sockets: p.sockets ?? null,
        resolvedFrom: p.evidence?.servedBy ?? p.doc?.resolved.host ?? null,
        blobHosts: p.doc?.blobHosts ?? [],
        verdict: p.doc?.verdict ?? null,
        attempts: (p.doc?.attempts ?? []).map((a) => ({
          host: a.host,
          kind: a.kind,
          method: a.method,
          url: a.url,
          status: a.status,
          outcome: a.outcome,
          mirror: a.mirror,
          error: a.error,
        })),
      })),
      leftovers: run?.leftovers ?? [],
      earlierRuns: run?.earlierRuns ?? [],
      /** the hosts this node must reach for the image, as the pulls showed them (registries, mirrors, redirect targets) */
      mustReach: reportMustReach(facts),
    },
  };
}

export type ReportJson = ReturnType<typeof buildReport>;

/** The redacted report object (every string through redact and the node's secrets). */
export function reportJson(input: ReportInput, secrets: readonly string[] = collectConfigSecrets(input.facts.snapshot)): ReportJson {
  return redactReportJson(buildReport(input), secrets);
}

/** The JSON document as text, redacted twice over (values, then the whole text). */
export function renderReportJson(input: ReportInput, secrets: readonly string[] = collectConfigSecrets(input.facts.snapshot)): string {
  return `${scrubSecrets(redact(JSON.stringify(reportJson(input, secrets), null, 2)), secrets)}\n`;
}
