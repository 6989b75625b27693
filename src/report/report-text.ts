/**
 * The `check` report for a terminal: a header naming what was checked, the findings grouped by
 * layer (worst first; problems in full with evidence, fix and docs, passing checks one line each),
 * a compact table of the three pulls, and one last verdict line naming the root cause. Pure;
 * redacted like every output.
 */
import { EARLIER_RUNS_TITLE, earlierRunLines } from './earlier-runs-text.js';
import type { Finding, Severity } from '../checks/finding.js';
import { collectConfigSecrets, redactReportText } from './redact-config.js';
import { counts, groupFindings, LAYER_TITLES, PATH_TITLES, pathResult, traceSkipReason, verdictText, type ReportInput } from './report-json.js';
import { pathCells } from './trace-run-text.js';
import { layoutTable } from './text-table.js';
import { fitText } from './wrap-words.js';
import { mustReachLines, reportMustReach } from './must-reach.js';
import type { PathRun } from '../trace/run-schema.js';

export interface TextOptions {
  /** ANSI colours (a TTY without NO_COLOR) */
  color?: boolean;
  /** also print the detail of ok/info findings */
  verbose?: boolean;
  /** the terminal's columns: long lines wrap and the pulls table fits (off a terminal nothing is cut) */
  width?: number;
}

export const GLYPH: Record<Severity, string> = { error: '✗', warning: '!', info: 'i', ok: '✓' };
const COLOR: Record<Severity, string> = { error: '31', warning: '33', info: '36', ok: '32' };

function paint(on: boolean, code: string, s: string): string {
  return on ? `\u001b[${code}m${s}\u001b[0m` : s;
}

function indent(text: string, pad: string): string[] {
  return text.split('\n').map((l) => (l === '' ? '' : `${pad}${l}`));
}

function evidenceLine(e: Finding['evidence'][number]): string {
  const where = e.kind === 'file' && e.line ? `${e.source}:${e.line}${e.column ? `:${e.column}` : ''}` : e.source;
  return `${where}${e.text ? `: ${e.text}` : ''}`;
}

function renderFinding(f: Finding, o: TextOptions): string[] {
  const c = !!o.color;
  const head = `  ${paint(c, COLOR[f.severity], GLYPH[f.severity])} ${paint(c, '1', f.id)}  ${f.title}`;
  const full = f.severity === 'error' || f.severity === 'warning' || o.verbose;
  if (!full) return [head];
  const out = [head];
  if (f.detail) out.push(...indent(f.detail, '      '));
  if (f.evidence.length) {
    out.push('      evidence:');
    for (const e of f.evidence.slice(0, 8)) {
      const [first, ...rest] = evidenceLine(e).split('\n');
      out.push(`        ${first}`, ...rest.slice(0, 6).map((l) => `          ${l}`));
    }
    if (f.evidence.length > 8) out.push(`        … ${f.evidence.length - 8} more`);
  }
  if (f.fix.length) {
    out.push('      fix:');
    for (const step of f.fix) {
      const [first, ...rest] = step.split('\n');
      out.push(`        ${first}`, ...rest.map((l) => `          ${l}`));
    }
  }
  if (f.docs) out.push(`      docs: mirror-doctor checks ${f.id} · ${f.docs}`);
  return out;
}

/** Where the image came from, when not given: which registry folder named it, or why nothing was pulled. */
function refOrigin(r: ReportInput['facts']['ref']): string {
  if (r.source === 'argument') return '';
  if (r.source === 'hosts-folder') return ` (no image given: the first registry in the hosts folders, those with a mirror first${r.folder ? `, ${r.folder}` : ''})`;
  return ' (no image given and no hosts folder names a registry: files only, nothing pulled)';
}

function header(input: ReportInput): string[] {
  const f = input.facts;
  const v = f.containerdVersion;
  const srv = f.daemon.reachable ? `reachable at ${f.address}` : f.offline ? `not contacted (offline), socket ${f.address}` : `NOT reachable at ${f.address}: ${f.daemon.error ?? 'unknown error'}`;
  const lines = [
    `mirror-doctor check ${f.ref.input}${refOrigin(f.ref)}${f.nodeName ? ` on ${f.nodeName}` : ''}`,
    `containerd ${v.value} (${v.source === 'server' ? 'from the daemon' : v.source === 'binary' ? `from ${f.versions.binary.value !== null ? f.versions.binary.source : 'containerd --version'}${f.daemon.reachable ? '' : '; the daemon\'s own version is unknown'}` : v.source === 'option' ? '--containerd-version' : 'assumed: version unknown'}); daemon ${srv}`,
    `config ${f.configFile}${f.root !== '/' ? ` under ${f.root}` : ''}; ${f.distribution.kind === 'containerd' ? 'plain containerd' : `${f.distribution.kind} (its own containerd${f.distribution.generated ? ', files generated on start' : ''})`}`,
  ];
  if (f.client) lines.push(`pulled with: ${f.client === 'cri' ? 'CRI (kubelet, crictl)' : f.client} (--client): the root cause is what that client reads`);
  for (const n of f.notes ?? []) lines.push(`note: ${n}`);
  return lines;
}

function traceTable(input: ReportInput, width: number | undefined, secrets: readonly string[]): string[] {
  const run = input.facts.trace;
  if (!run) return [`pulls: not run — ${traceSkipReason(input.facts)}`];
  const rows = [
    ['path', 'host directory', 'manifest from', 'mirror used', 'result'],
    ...run.paths.map((p) => {
      const c = pathCells(p);
      return [PATH_TITLES[p.path], c.hostsDir, c.manifestFrom, c.mirrorUsed, pathResult(p)];
    }),
  ];
  // cells are redacted before the layout: a secret wrapped over two lines would escape redaction
  const out = [`pulls (namespace ${run.namespace}, removed afterwards):`, ...layoutTable(rows.map((r) => r.map((c) => redactReportText(c, secrets))), width, '  ')];
  out.push(`  → ${run.comparison.verdict}`);
  // what the CRI path's statements rest on, and where the daemon's lines came from
  const cri = run.paths.find((p) => p.path === 'cri');
  if (cri?.evidence) out.push(`  CRI evidence: ${cri.evidence.level} — ${cri.evidence.basis.join('; ')}${cri.evidence.collect ? `; to know: ${cri.evidence.collect}` : ''}`);
  if (cri?.daemonLog) out.push(`  daemon log: ${cri.daemonLog.source}${cri.daemonLog.debug ? ' (debug level)' : ''}${cri.daemonLog.problem ? ` — ${cri.daemonLog.problem}` : ''}`);
  if (run.leftovers.length) out.push(`  cleanup could not remove: ${run.leftovers.join(', ')}`);
  const earlier = earlierRunLines(run.earlierRuns);
  if (earlier.length) out.push(`  ${EARLIER_RUNS_TITLE.toLowerCase()}:`, ...earlier.map((l) => `    ${l}`));
  return out;
}

export function renderReportText(input: ReportInput, o: TextOptions = {}, secrets: readonly string[] = collectConfigSecrets(input.facts.snapshot)): string {
  const c = !!o.color;
  const out: string[] = [...header(input), ''];
  const groups = groupFindings(input.outcome.findings);
  for (const g of groups) {
    const n = counts(g.findings);
    const tally = (['error', 'warning', 'info', 'ok'] as const)
      .filter((s) => n[s] > 0)
      .map((s) => `${n[s]} ${s === 'error' ? (n[s] > 1 ? 'errors' : 'error') : s === 'warning' ? (n[s] > 1 ? 'warnings' : 'warning') : s}`)
      .join(', ');
    out.push(`${paint(c, COLOR[g.worst], GLYPH[g.worst])} ${paint(c, '1', LAYER_TITLES[g.layer] ?? g.layer)}  (${tally})`);
    for (const f of g.findings) out.push(...renderFinding(f, o));
    out.push('');
  }
  if (groups.length === 0) out.push('no findings', '');
  out.push(...traceTable(input, o.width, secrets), '');
  const reach = reportMustReach(input.facts);
  if (reach.length) out.push(`hosts this node must reach for ${input.facts.ref.input}:`, ...mustReachLines(reach, (p) => PATH_TITLES[p as PathRun['path']] ?? p).map((l) => `  ${l}`), '');
  const total = counts(input.outcome.findings);
  const ignored = input.ignored?.length ? `; ignored: ${input.ignored.join(', ')}` : '';
  out.push(`${total.error} error(s), ${total.warning} warning(s), ${total.ok} ok, ${total.info} info${input.strict ? '; --strict: warnings count as problems' : ''}${ignored}`);
  const v = verdictText(input.outcome);
  out.push(`${v.status === 'ok' ? paint(c, COLOR.ok, '✓') : v.status === 'interrupted' ? paint(c, COLOR.warning, '…') : paint(c, COLOR.error, '✗')} ${v.text}`);
  const text = redactReportText(out.join('\n'), secrets);
  // wrapped after redaction, so no secret is split over lines
  return `${fitText(text, o.width)}\n`;
}
