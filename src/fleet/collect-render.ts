/**
 * `fleet collect` output: one table, node × root cause, grouped by identical findings, the odd
 * groups first, then one paragraph per group with problems (summary, fix, docs); or the summary as
 * JSON. Pure; redacted like every output.
 */
import { redact, redactJson } from '../report/redact.js';
import type { FleetGroup, FleetSummary, GroupStatus } from './collect-group.js';

export interface FleetTextOptions {
  color?: boolean;
}

const STATUS_TEXT: Record<GroupStatus, string> = { 'no-report': 'no report', problems: 'problems', ok: 'ok' };
const STATUS_COLOR: Record<GroupStatus, string> = { 'no-report': '35', problems: '31', ok: '32' };

function paint(on: boolean, code: string, s: string): string {
  return on ? `\u001b[${code}m${s}\u001b[0m` : s;
}

function findingsCell(g: FleetGroup): string {
  if (g.status === 'no-report') return g.summary ?? 'no report';
  if (g.findings.length === 0) return '–';
  return g.findings.map((f) => `${f.severity === 'error' ? '✗' : '!'} ${f.id}`).join('  ');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "root cause: ID — text" → "text" (the line above names the root cause already). */
function withoutRootCausePrefix(summary: string, rootCause: string | null): string {
  if (!rootCause) return summary;
  const prefix = `root cause: ${rootCause}`;
  return summary.startsWith(prefix) ? summary.slice(prefix.length).replace(/^\s*[—:-]\s*/, '') : summary;
}

export function renderFleetText(s: FleetSummary, o: FleetTextOptions = {}): string {
  const color = !!o.color;
  if (s.nodes === 0) return 'mirror-doctor fleet collect: no reports found\n';
  const head = `mirror-doctor fleet collect: ${plural(s.nodes, 'node')} — ${s.counts.ok} ok, ${s.counts.problems} with problems, ${s.counts['no-report']} without a report; ${plural(s.groups.length, 'group')} of identical findings, the odd ones first`;
  const rows: string[][] = [['#', 'NODE', 'STATUS', 'ROOT CAUSE', 'CONTAINERD', 'FINDINGS (✗ error, ! warning)']];
  const statusOfRow: Array<GroupStatus | null> = [null];
  s.groups.forEach((g, gi) => {
    g.nodes.forEach((n, ni) => {
      const first = ni === 0;
      rows.push([first ? String(gi + 1) : '', n.name, first ? STATUS_TEXT[g.status] : '', first ? (g.rootCause ?? '–') : '', n.containerd ?? '?', first ? findingsCell(g) : '']);
      statusOfRow.push(first ? g.status : null);
    });
  });
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  const lines = [head, ''];
  rows.forEach((r, i) => {
    const cells = r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)));
    const st = statusOfRow[i];
    if (st) cells[2] = paint(color, STATUS_COLOR[st], cells[2]!);
    // a thin gap between groups
    if (i > 1 && r[0] !== '') lines.push('');
    lines.push(cells.join('  ').trimEnd());
  });
  const detail = s.groups.map((g, gi) => ({ g, gi })).filter(({ g }) => g.status !== 'ok');
  if (detail.length) {
    lines.push('');
    for (const { g, gi } of detail) {
      const nodes = g.nodes.map((n) => n.name).join(', ');
      lines.push(`${gi + 1}. ${g.status === 'no-report' ? 'no report' : `root cause ${g.rootCause ?? 'unknown'}`} on ${plural(g.nodes.length, 'node')} (${nodes})`);
      if (g.status === 'no-report') {
        for (const n of g.nodes) lines.push(`   ${n.name} (${n.source}): ${n.problem ?? 'no report'}`);
      } else {
        if (g.summary) lines.push(`   ${withoutRootCausePrefix(g.summary, g.rootCause)}`);
        for (const f of g.fix) lines.push(`   fix: ${f.split('\n').join('\n        ')}`);
        if (g.docs) lines.push(`   docs: ${g.rootCause ? `mirror-doctor checks ${g.rootCause} · ` : ''}${g.docs}`);
      }
    }
  }
  const older = s.groups.flatMap((g) => g.nodes).filter((n) => n.olderReports > 0);
  if (older.length) lines.push('', `note: older reports of ${older.map((n) => `${n.name} (${n.olderReports})`).join(', ')} were left out; the newest per node counts`);
  return `${redact(lines.join('\n'))}\n`;
}

export function renderFleetJson(s: FleetSummary): string {
  return `${JSON.stringify(redactJson(s), null, 2)}\n`;
}
