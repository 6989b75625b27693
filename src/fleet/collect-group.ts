/**
 * The fleet view of many `check` reports: one entry per node, nodes with identical findings in one
 * group, the odd groups (fewest nodes) first so the one node that differs is not lost under the
 * ninety that agree. Pure.
 */
import type { FleetReport, NodeInput } from './collect-extract.js';

export const FLEET_SCHEMA = 'mirror-doctor.fleet/v1';

export type GroupStatus = 'no-report' | 'problems' | 'ok';

export interface GroupFinding {
  id: string;
  severity: 'error' | 'warning';
  title: string | null;
}

export interface FleetNode {
  name: string;
  source: string;
  /** the daemon's version, else the emulated one */
  containerd: string | null;
  ref: string | null;
  generatedAt: string | null;
  exitCode: number | null;
  /** why there is no report */
  problem: string | null;
  /** other reports of the same node that were left out (older) */
  olderReports: number;
}

export interface FleetGroup {
  status: GroupStatus;
  rootCause: string | null;
  /** the verdict summary of the group's first node (for no-report: the problem) */
  summary: string | null;
  /** the root cause's fix and docs link, from the first node's report */
  fix: string[];
  docs: string | null;
  /** the error and warning findings every node of the group has (unique by id and severity) */
  findings: GroupFinding[];
  nodes: FleetNode[];
}

export interface FleetSummary {
  schema: typeof FLEET_SCHEMA;
  nodes: number;
  counts: Record<GroupStatus, number>;
  groups: FleetGroup[];
  /** 0 when every node is ok, 1 when a node has problems or no report */
  exitCode: number;
}

const STATUS_RANK: Record<GroupStatus, number> = { 'no-report': 0, problems: 1, ok: 2 };

function baseName(source: string): string {
  const b = source.split('/').pop() ?? source;
  return b.replace(/\.(json|log|txt)$/i, '') || source;
}

function statusOf(input: NodeInput): GroupStatus {
  if (!input.report) return 'no-report';
  return input.report.verdict?.status === 'ok' ? 'ok' : 'problems';
}

/** The findings that make two nodes different: errors and warnings, unique, in a stable order. */
function signatureFindings(report: FleetReport | null): GroupFinding[] {
  const seen = new Map<string, GroupFinding>();
  for (const f of report?.findings ?? []) {
    if (typeof f.id !== 'string' || (f.severity !== 'error' && f.severity !== 'warning')) continue;
    const key = `${f.severity}:${f.id}`;
    if (!seen.has(key)) seen.set(key, { id: f.id, severity: f.severity, title: typeof f.title === 'string' ? f.title : null });
  }
  return [...seen.values()].sort((a, b) => (a.severity === b.severity ? a.id.localeCompare(b.id) : a.severity === 'error' ? -1 : 1));
}

function nodeName(input: NodeInput): string {
  const fromReport = input.report?.node?.name;
  return input.node ?? (typeof fromReport === 'string' && fromReport ? fromReport : baseName(input.source));
}

function time(r: FleetReport | null): number {
  const t = r?.generatedAt ? Date.parse(r.generatedAt) : NaN;
  return Number.isFinite(t) ? t : -Infinity;
}

/** One entry per node: the newest report wins; a report beats a problem. */
function latestPerNode(inputs: readonly NodeInput[]): Array<{ input: NodeInput; name: string; older: number }> {
  const by = new Map<string, { input: NodeInput; name: string; older: number }>();
  for (const input of inputs) {
    const name = nodeName(input);
    const prev = by.get(name);
    if (!prev) {
      by.set(name, { input, name, older: 0 });
      continue;
    }
    const better = (input.report && !prev.input.report) || (!!input.report && !!prev.input.report && time(input.report) > time(prev.input.report));
    by.set(name, { input: better ? input : prev.input, name, older: prev.older + 1 });
  }
  return [...by.values()];
}

export function groupFleet(inputs: readonly NodeInput[]): FleetSummary {
  const groups = new Map<string, FleetGroup>();
  const counts: Record<GroupStatus, number> = { 'no-report': 0, problems: 0, ok: 0 };
  const entries = latestPerNode(inputs).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  for (const { input, name, older } of entries) {
    const status = statusOf(input);
    counts[status]++;
    const r = input.report;
    const rootCause = r?.verdict?.rootCause ?? null;
    const findings = signatureFindings(r);
    const key = status === 'no-report' ? `no-report\u0000${input.problem ?? ''}` : `${status}\u0000${rootCause ?? ''}\u0000${findings.map((f) => `${f.severity}:${f.id}`).join(',')}`;
    let g = groups.get(key);
    if (!g) {
      const rc = rootCause ? r?.findings?.find((f) => f.id === rootCause) : undefined;
      g = {
        status,
        rootCause,
        summary: status === 'no-report' ? input.problem : (r?.verdict?.summary ?? null),
        fix: Array.isArray(rc?.fix) ? rc!.fix.filter((x): x is string => typeof x === 'string') : [],
        docs: typeof rc?.docs === 'string' ? rc.docs : null,
        findings,
        nodes: [],
      };
      groups.set(key, g);
    }
    g.nodes.push({
      name,
      source: input.source,
      containerd: r?.containerd?.server ?? r?.containerd?.version ?? null,
      ref: r?.ref ?? null,
      generatedAt: r?.generatedAt ?? null,
      exitCode: typeof r?.exitCode === 'number' ? r.exitCode : null,
      problem: status === 'no-report' ? input.problem : null,
      olderReports: older,
    });
  }
  const ordered = [...groups.values()].sort(
    (a, b) =>
      a.nodes.length - b.nodes.length ||
      STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
      (a.rootCause ?? '').localeCompare(b.rootCause ?? '') ||
      a.nodes[0]!.name.localeCompare(b.nodes[0]!.name, 'en', { numeric: true }),
  );
  return {
    schema: FLEET_SCHEMA,
    nodes: entries.length,
    counts,
    groups: ordered,
    exitCode: counts.problems + counts['no-report'] > 0 ? 1 : 0,
  };
}
