/**
 * The trace view's model of one pull path: its attempts as timeline rows (with the fallbacks
 * between them), its evidence, and the raw redacted lines of one request.
 */
import type { PathName } from '../trace/compare-paths.js';
import type { PathRun } from '../trace/run-schema.js';
import type { TraceAttempt } from '../trace/schema.js';
import { PATH_TITLES } from '../report/report-json.js';
import { pathCells, pathResult } from '../report/trace-run-text.js';
import { redact } from '../report/redact.js';
import type { PathState } from './session-state.js';

export function attemptsOf(run: PathRun | null): TraceAttempt[] {
  return run?.doc?.attempts ?? [];
}

export interface TimelineRow {
  index: number;
  host: string;
  kind: TraceAttempt['kind'];
  mirror: boolean;
  result: string;
  ok: boolean;
  /** the fallback that followed this attempt ("↓ fell back to X: not-found"), if any */
  fallback: string | null;
  /** the redirect chain the request followed ("307 → storage:443: 200 ok"), if any */
  redirect: string | null;
  /** the redirect target served the request */
  redirectOk: boolean;
}

/** A request's redirect chain in one line: each 3xx and the host it sent the request to, then how it ended there. */
export function redirectText(r: NonNullable<TraceAttempt['redirect']>): string {
  const hops = r.hops.map((h) => `${h.status ?? '3xx'} → ${h.location}`).join(' ');
  const end = r.finalStatus !== null ? `${r.finalStatus} ${r.outcome ?? ''}`.trim() : (r.outcome ?? 'no answer');
  return `${hops}: ${end}`;
}

export interface Timeline {
  path: PathName;
  title: string;
  command: string;
  hostsDir: string | null;
  outcome: string;
  resolvedFrom: string | null;
  mirrorUsed: boolean | null;
  /** what the path's statements rest on: proven, inferred or unknown, and why */
  evidence: { level: string; basis: string; collect: string | null } | null;
  /** where the daemon's lines came from (CRI) */
  daemonLog: string | null;
  rows: TimelineRow[];
  verdict: string | null;
}

/** An attempt's outcome in plain words: the trace's catch-all `other` says what it means. */
export function outcomeWords(outcome: string): string {
  return outcome === 'other' ? 'failed (the log does not say why)' : outcome;
}

/** Where the manifest came from, or null when no host is known (the trace's "-"). */
function knownHost(h: string | null | undefined): string | null {
  return h && h !== '-' ? h : null;
}

export function timeline(p: PathState): Timeline {
  const doc = p.run?.doc ?? null;
  const attempts = doc?.attempts ?? [];
  const rows: TimelineRow[] = attempts.map((a, index) => {
    const next = attempts[index + 1];
    const fb = doc?.fallback.find((f) => f.from === a.host && next?.host === f.to && next.host !== a.host);
    return {
      index,
      host: a.host,
      kind: a.kind,
      mirror: a.mirror,
      result: `${a.status ?? ''} ${outcomeWords(a.outcome)}`.trim(),
      ok: a.outcome === 'ok',
      fallback: fb ? `fell back to ${fb.to}: ${outcomeWords(fb.reason)}` : null,
      redirect: a.redirect ? redirectText(a.redirect) : null,
      redirectOk: a.redirect?.outcome === 'ok',
    };
  });
  return {
    path: p.path,
    title: PATH_TITLES[p.path],
    command: redact(p.run ? p.run.command.join(' ') : p.command),
    hostsDir: p.run ? pathCells(p.run).hostsDir : null,
    outcome: p.run ? pathResult(p.run) : 'running',
    resolvedFrom: knownHost(p.run?.evidence?.servedBy) ?? knownHost(doc?.resolved.host),
    mirrorUsed: p.run?.evidence ? p.run.evidence.mirrorUsed : doc ? doc.mirrorUsed : null,
    evidence: p.run?.evidence ? { level: p.run.evidence.level, basis: p.run.evidence.basis.join('; '), collect: p.run.evidence.collect } : null,
    daemonLog: p.run?.daemonLog ? `${p.run.daemonLog.source}${p.run.daemonLog.problem ? ` — ${p.run.daemonLog.problem}` : ''}` : null,
    rows,
    verdict: doc?.verdict ?? null,
  };
}

/** The raw lines of one request (with its headers from --http-dump), redacted. */
export function requestLines(p: PathState, index: number, max = 14): string[] {
  const attempts = attemptsOf(p.run);
  const a = attempts[index];
  if (!a || !p.run) return [];
  const lines = p.run.log.split('\n');
  const later = attempts.slice(index + 1).map((x) => x.line).filter((l) => l > a.line);
  const end = Math.min(later.length ? Math.min(...later) - 1 : a.line + max - 1, a.line + max - 1, lines.length);
  const out = lines.slice(a.line - 1, end).map((l) => redact(l));
  return out.length ? out : [redact(`${a.method ?? ''} ${a.url ?? a.path ?? a.host}`.trim())];
}
