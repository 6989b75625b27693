/**
 * The checklist as a view shows it: one item per gathering step, pull and finding, the items still
 * running, and the activity line (what runs now, for how long).
 */
import type { Finding, Layer, Severity } from '../checks/finding.js';
import { PATH_TITLES } from '../report/report-json.js';
import { pathCells, pathResult } from '../report/trace-run-text.js';
import type { ChecklistItem, ItemStatus, PathState, SessionState } from './session-state.js';

const STEP_TITLES: Record<string, string> = {
  distribution: 'detect the distribution',
  'daemon process': 'find the containerd process',
  versions: 'read the versions',
  daemon: 'ask the daemon (version, plugins, CRI status)',
  'config.toml': 'read config.toml and its imports',
  'systemd unit': 'read the systemd unit',
  'hosts folders': 'read the hosts folders',
  permissions: 'check owners and modes',
  trace: 'start the real pulls',
};

export function stepTitle(label: string): string {
  return STEP_TITLES[label] ?? label;
}

function pathStatus(p: PathState): ItemStatus {
  if (p.status === 'running' || !p.run) return 'running';
  // stopped at a blob its first host failed: containerd asks the next host, which was not followed
  if (p.run.stopReason === 'blob-answered' && p.run.pulled === null) return 'warning';
  if (p.run.pulled || p.run.doc?.result === 'success' || p.run.stopReason === 'manifest-served' || p.run.stopReason === 'blob-answered' || p.run.stopReason === 'tag-resolved') return p.run.doc?.mirrorUsed === false && p.run.doc.attempts.some((a) => a.mirror) ? 'warning' : 'ok';
  return 'error';
}

export function pathItem(s: SessionState, p: PathState): ChecklistItem {
  return {
    key: `r${s.run}-path-${p.path}`,
    status: pathStatus(p),
    label: `pull: ${PATH_TITLES[p.path]}`,
    detail: p.run ? `${pathResult(p.run)} · mirror used: ${pathCells(p.run).mirrorUsed}${p.run.evidence?.level === 'proven' ? ' (proven)' : ''}` : lastLine(p),
  };
}

/** The items still running (gathering step or pull), for the live area below `<Static>`. */
export function runningItems(s: SessionState): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  s.steps.forEach((st, i) => {
    if (st.status === 'running' && st.label !== 'trace') items.push({ key: `r${s.run}-step-${i}`, status: 'running', label: stepTitle(st.label), detail: null });
  });
  for (const p of s.paths) if (p.status === 'running') items.push(pathItem(s, p));
  return items;
}

function lastLine(p: PathState): string | null {
  const l = p.lines.at(-1);
  return l === undefined ? null : l.length > 200 ? `${l.slice(0, 199)}…` : l;
}

export const SLOW_MS = 3000;

/** What is running now, for how long, and whether that is slow. */
export function currentActivity(s: SessionState): { label: string; detail: string | null; elapsedMs: number; slow: boolean } | null {
  if (s.phase !== 'running' && s.phase !== 'detecting') return null;
  const path = s.paths.find((p) => p.status === 'running');
  if (path) {
    const elapsedMs = Math.max(0, s.now - path.startedAt);
    return { label: `pulling: ${PATH_TITLES[path.path]}`, detail: s.cleanup ? `cleaning up ${s.cleanup}` : lastLine(path), elapsedMs, slow: elapsedMs >= SLOW_MS };
  }
  const step = s.steps.find((st) => st.status === 'running');
  if (step) {
    const elapsedMs = Math.max(0, s.now - step.startedAt);
    return { label: stepTitle(step.label), detail: s.cleanup ? `cleaning up ${s.cleanup}` : null, elapsedMs, slow: elapsedMs >= SLOW_MS };
  }
  if (s.phase === 'detecting' || !s.setup) return { label: 'detecting the setup', detail: null, elapsedMs: 0, slow: false };
  return { label: s.cleanup ? `cleaning up ${s.cleanup}` : 'running the checks', detail: null, elapsedMs: 0, slow: false };
}

export function layerOf(f: Finding): Layer {
  return f.layer;
}

/** Counts by severity of the findings so far. */
export function tally(findings: readonly Finding[]): Record<Severity, number> {
  const n: Record<Severity, number> = { error: 0, warning: 0, info: 0, ok: 0 };
  for (const f of findings) n[f.severity]++;
  return n;
}
