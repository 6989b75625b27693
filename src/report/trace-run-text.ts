/** Text rendering of a live trace: the three paths side by side, then what the difference proves. Pure. */
import { EARLIER_RUNS_TITLE, earlierRunLines } from './earlier-runs-text.js';
import { redactReportText } from './redact-config.js';
import { layoutTable } from './text-table.js';
import { fitText } from './wrap-words.js';
import type { TraceRun, PathRun } from '../trace/run-schema.js';
import { blobServers, firstBlobAnswer, isBlobRequest } from '../trace/blob-requests.js';

const TITLES: Record<PathRun['path'], string> = { ctr: 'ctr (no --hosts-dir)', 'ctr-hosts-dir': 'ctr --hosts-dir', cri: 'CRI (as kubelet)' };

function cellFor(run: PathRun, host: string): string {
  const tried = run.doc?.attempts.filter((a) => a.host === host && a.kind === 'resolve') ?? [];
  if (tried.length === 0) return '-';
  const last = tried[tried.length - 1]!;
  return `${last.status ? `${last.status} ` : ''}${last.outcome}`;
}

/**
 * What a path's table row says: the hosts folder it loaded, who served the manifest, whether a
 * mirror was used and at which evidence level. A daemon at info level does not log the folder or
 * the host that served: those cells say so instead of "none".
 */
export function pathCells(run: PathRun): { hostsDir: string; manifestFrom: string; mirrorUsed: string } {
  const infoOnly = run.path === 'cri' && !!run.daemonLog && !run.daemonLog.debug;
  const ev = run.evidence;
  const used = ev ? (ev.mirrorUsed === null ? 'unknown' : ev.mirrorUsed ? 'yes' : 'no') : run.doc ? (run.doc.mirrorUsed ? 'yes' : 'no') : '-';
  return {
    hostsDir: run.doc?.hostsDir ?? (infoOnly ? 'not logged (info level)' : run.doc ? 'none loaded' : run.path === 'cri' ? '(no daemon log)' : '-'),
    manifestFrom: ev?.servedBy ?? run.doc?.resolved.host ?? (infoOnly && run.pulled ? 'not logged (info level)' : '-'),
    mirrorUsed: ev && ev.level !== 'proven' ? `${used} (${ev.level})` : used,
  };
}

/** One line per path: what happened (shared by the trace and check renderers). */
export function pathResult(run: PathRun): string {
  const secs = `${(run.durationMs / 1000).toFixed(1)} s`;
  if (run.stoppedBy === 'stall') return `stalled on ${run.stalledOn ?? '?'} (${secs})`;
  if (run.stoppedBy === 'timeout') return `timed out (${secs})`;
  if (run.stoppedBy === 'abort') return `interrupted (${secs})`;
  if (run.code === 'UNIMPLEMENTED') return 'CRI plugin not loaded';
  if (run.stoppedBy === 'verdict') {
    if (run.stopReason === 'manifest-served') return `manifest served, stopped (${secs})`;
    if (run.stopReason === 'blob-answered') return `first blob answered, stopped (${secs})`;
    if (run.stopReason === 'mirrors-failed') return `every mirror failed, stopped (${secs})`;
    if (run.stopReason === 'tag-resolved') return `tag resolved, stopped (${secs})`;
    // the pull had ended on its own (ctr was printing its last lines)
    return run.doc?.result === 'success' ? `pulled (${secs})` : `failed (${secs})`;
  }
  return run.pulled ? `pulled (${secs})` : `failed (${secs})`;
}

/**
 * The hosts that served blobs. Where the requests show which are blobs, only those: the manifest
 * GETs by digest (in blobHosts too) are not; a blob that failed at its host is named.
 */
function blobsFromCell(p: PathRun): string {
  const doc = p.doc;
  if (!doc) return p.blobNote ? '(none fetched)' : '-';
  // no request names its path (CRI at info level): blobHosts, manifests included
  if (!doc.attempts.some((a) => a.kind === 'fetch' && (a.url ?? a.path))) return doc.blobHosts.length ? doc.blobHosts.join(', ') : p.blobNote ? '(none fetched)' : '-';
  if (!doc.attempts.some(isBlobRequest)) return p.blobNote ? '(none fetched)' : '-';
  const served = blobServers(doc);
  if (served.length) return served.join(', ');
  const failed = firstBlobAnswer(doc);
  return failed ? `none (${failed.redirect?.finalHost ?? failed.host}: ${failed.redirect?.finalStatus ?? failed.status ?? failed.outcome})` : '(none answered)';
}

export interface TraceRunTextOptions {
  /** the terminal's columns: long lines wrap and the table fits (off a terminal nothing is cut) */
  width?: number;
  /** the node's config secrets, scrubbed besides what redact() finds */
  secrets?: readonly string[];
}

export function renderTraceRunText(run: TraceRun, o: TraceRunTextOptions = {}): string {
  const scrub = (s: string) => redactReportText(s, o.secrets ?? []);
  const paths = run.paths;
  const hosts: string[] = [];
  for (const p of paths) for (const a of p.doc?.attempts ?? []) if (a.kind === 'resolve' && !hosts.includes(a.host)) hosts.push(a.host);
  const mirrorHosts = new Set(paths.flatMap((p) => p.doc?.attempts.filter((a) => a.mirror).map((a) => a.host) ?? []));
  const rows: string[][] = [
    ['', ...paths.map((p) => TITLES[p.path])],
    ['host directory', ...paths.map((p) => pathCells(p).hostsDir)],
    ...hosts.map((h, i) => [`${i + 1}. ${h}${mirrorHosts.has(h) ? ' (mirror)' : ''}`, ...paths.map((p) => cellFor(p, h))]),
    ['manifest from', ...paths.map((p) => pathCells(p).manifestFrom)],
    ['mirror used', ...paths.map((p) => pathCells(p).mirrorUsed)],
    ['blobs from', ...paths.map(blobsFromCell)],
    ['result', ...paths.map(pathResult)],
  ];
  const out: string[] = [];
  out.push(`mirror-doctor trace ${run.ref}`);
  out.push(`containerd ${run.containerd.server ?? '?'} (ctr ${run.containerd.client ?? '?'}) at ${run.address}; hosts dir ${run.hostsDir}; namespace ${run.namespace} (removed)`);
  out.push('');
  // cells are redacted before the layout: a secret wrapped over two lines would escape redaction
  out.push(...layoutTable(rows.map((r) => r.map(scrub)), o.width));
  out.push('');
  for (const p of paths) {
    const ev = p.evidence;
    const notes = [
      p.modeReason,
      p.daemonLog ? `daemon log: ${p.daemonLog.source}${p.daemonLog.problem ? ` — ${p.daemonLog.problem}` : ''}${p.daemonLog.debug ? ' (debug level)' : ''}` : null,
      ev ? `${ev.level}: ${ev.basis.join('; ')}${ev.collect ? ` — to know: ${ev.collect}` : ''}` : null,
      p.error ? `error: ${p.error}` : null,
      p.blobNote,
    ].filter(Boolean);
    if (notes.length) out.push(`${TITLES[p.path]}:`, ...notes.map((n) => `  ${n}`));
  }
  if (run.live) out.push(run.live.exposed ? `live CRI registry config: configPath ${JSON.stringify(run.live.configPath)}${run.live.hasMirrors ? ' (legacy mirrors set)' : ''}` : 'live CRI registry config: not exposed by this containerd (2.x reports no registry config over CRI)');
  out.push('', 'What the difference proves:', ...run.comparison.statements.map((s) => `  - ${s}`));
  if (run.leftovers.length) out.push('', 'Cleanup could not remove:', ...run.leftovers.map((l) => `  ${l}`));
  const earlier = earlierRunLines(run.earlierRuns);
  if (earlier.length) out.push('', `${EARLIER_RUNS_TITLE}:`, ...earlier.map((l) => `  ${l}`));
  out.push('', `verdict: ${run.comparison.verdict}`);
  const text = scrub(out.join('\n'));
  return `${fitText(text, o.width)}\n`;
}
