/**
 * The one state model of a `check` session, shared by the Ink walkthrough (`mirror-doctor tui`)
 * and the plain `check` output: a reducer over events (setup detected, gathering step
 * started/finished, trace path started/line/ended, check finished, verdict, fix step done, report
 * saved) and selectors that turn the state into what a view shows. Pure: no effects, no React.
 */
import type { Facts } from '../checks/facts.js';
import type { Finding, Layer, Severity } from '../checks/finding.js';
import type { PathRun, TraceProgress } from '../trace/run-schema.js';
import type { PathName } from '../trace/compare-paths.js';
import type { TraceAttempt } from '../trace/schema.js';
import type { ChecksOutcome } from '../report/report-json.js';
import { PATH_TITLES, rootCauseId, verdictText } from '../report/report-json.js';
import { pathCells, pathResult } from '../report/trace-run-text.js';
import { redact } from '../report/redact.js';

/** What the header shows: the node as detected before any pull. */
export interface DetectedSetup {
  containerd: { value: string; source: Facts['containerdVersion']['source'] };
  client: string | null;
  server: string | null;
  distribution: Facts['distribution']['kind'];
  generated: boolean;
  socket: string;
  reachable: boolean;
  configFile: string;
  hostRoots: string[];
  /** registries that have a folder in a hosts root (`_default` left out) */
  registries: string[];
}

export type Phase = 'detecting' | 'choosing' | 'running' | 'verdict' | 'failed';
export type View = 'checklist' | 'trace' | 'fix' | 'help';

export interface GatherStep {
  label: string;
  status: 'running' | 'done';
  startedAt: number;
  finishedAt: number | null;
}

export interface PathState {
  path: PathName;
  command: string;
  status: 'running' | 'done';
  startedAt: number;
  /** the last lines of output (redacted), for the running view */
  lines: string[];
  run: PathRun | null;
}

export interface Verdict {
  status: 'ok' | 'problems' | 'interrupted';
  rootCause: Finding | null;
  rootCauseId: string | null;
  summary: string;
  exitCode: number;
  /** the one-line verdict, as the last line of `check` prints it (no colour) */
  line: string;
}

export interface SessionState {
  phase: Phase;
  view: View;
  /** the view to go back to from help */
  previousView: View;
  /** incremented by every re-run (`r`) */
  run: number;
  now: number;
  setup: DetectedSetup | null;
  /** refs offered by the chooser: hosts-folder registries first, then recent refs */
  choices: string[];
  query: string;
  selected: number;
  ref: string | null;
  steps: GatherStep[];
  paths: PathState[];
  cleanup: string | null;
  facts: Facts | null;
  findings: Finding[];
  verdict: Verdict | null;
  error: string | null;
  /** trace view */
  tracePath: number;
  traceAttempt: number;
  traceExpanded: boolean;
  /** fix view */
  fixSelected: number;
  fixDone: number[];
  savedReport: string | null;
  saveError: string | null;
  copied: 'clipboard' | 'on-quit' | null;
  quitting: boolean;
  /** finished checklist items, append-only across re-runs (what `<Static>` prints) */
  finished: ChecklistItem[];
}

export type SessionEvent =
  | { type: 'detect-started'; at: number }
  | { type: 'setup-detected'; setup: DetectedSetup; choices: string[] }
  | { type: 'query-changed'; query: string }
  | { type: 'choice-moved'; delta: number }
  | { type: 'ref-chosen'; ref: string; at: number }
  | { type: 'step-started'; label: string; at: number }
  | { type: 'step-finished'; at: number }
  | { type: 'trace-path-started'; path: PathName; command: string; at: number }
  | { type: 'trace-line'; path: PathName; line: string }
  | { type: 'trace-path-ended'; path: PathName; run: PathRun; at: number }
  | { type: 'trace-cleanup'; what: string }
  | { type: 'facts-gathered'; facts: Facts; at: number }
  | { type: 'check-finished'; finding: Finding }
  | { type: 'verdict'; verdict: Verdict }
  | { type: 'failed'; error: string }
  | { type: 'tick'; at: number }
  | { type: 'view'; view: View }
  | { type: 'trace-path-moved'; delta: number }
  | { type: 'trace-attempt-moved'; delta: number }
  | { type: 'trace-expand-toggled' }
  | { type: 'fix-moved'; delta: number }
  | { type: 'fix-step-done'; index: number }
  | { type: 'rerun-started'; at: number }
  | { type: 'report-saved'; file: string }
  | { type: 'report-failed'; error: string }
  | { type: 'verdict-copied'; to: 'clipboard' | 'on-quit' }
  | { type: 'quit-requested' };

/** What one run of the checklist fills in; a re-run starts again from these. */
function freshRun() {
  return {
    steps: [],
    paths: [],
    cleanup: null,
    facts: null,
    findings: [],
    verdict: null,
    error: null,
    tracePath: 0,
    traceAttempt: 0,
    traceExpanded: false,
    savedReport: null,
    saveError: null,
    copied: null,
  } satisfies Partial<SessionState>;
}

export function initialSession(now = 0): SessionState {
  return {
    phase: 'detecting',
    view: 'checklist',
    previousView: 'checklist',
    run: 0,
    now,
    setup: null,
    choices: [],
    query: '',
    selected: 0,
    ref: null,
    ...freshRun(),
    fixSelected: 0,
    fixDone: [],
    quitting: false,
    finished: [],
  };
}

const MAX_LINES = 200;

function closeStep(steps: GatherStep[], at: number): GatherStep[] {
  return steps.map((s) => (s.status === 'running' ? { ...s, status: 'done' as const, finishedAt: at } : s));
}

/** Closes the running step and records it as a finished checklist item. */
function finishSteps(s: SessionState, at: number): Pick<SessionState, 'steps' | 'finished'> {
  const finished = [...s.finished];
  s.steps.forEach((st, i) => {
    if (st.status === 'running' && st.label !== 'trace') finished.push({ key: `r${s.run}-step-${i}`, status: 'ok', label: stepTitle(st.label), detail: null });
  });
  return { steps: closeStep(s.steps, at), finished };
}

function pathItem(s: SessionState, p: PathState): ChecklistItem {
  return {
    key: `r${s.run}-path-${p.path}`,
    status: pathStatus(p),
    label: `pull: ${PATH_TITLES[p.path]}`,
    detail: p.run ? `${pathResult(p.run)} · mirror used: ${pathCells(p.run).mirrorUsed}${p.run.evidence?.level === 'proven' ? ' (proven)' : ''}` : lastLine(p),
  };
}

function findingItem(s: SessionState, f: Finding, i: number): ChecklistItem {
  return { key: `r${s.run}-finding-${i}-${f.id}`, status: f.severity, label: `${f.id}  ${f.title}`, detail: f.severity === 'error' || f.severity === 'warning' ? firstSentence(f.detail) : null };
}

const clamp = (n: number, max: number) => (max <= 0 ? 0 : Math.max(0, Math.min(max - 1, n)));

/** The reducer: one event in, the next state out (never mutates). */
export function reduceSession(s: SessionState, e: SessionEvent): SessionState {
  switch (e.type) {
    case 'detect-started':
      return { ...s, phase: 'detecting', now: e.at };
    case 'setup-detected':
      return { ...s, setup: e.setup, choices: e.choices, phase: s.ref === null ? 'choosing' : s.phase, selected: 0 };
    case 'query-changed':
      return { ...s, query: e.query, selected: 0 };
    case 'choice-moved':
      return { ...s, selected: clamp(s.selected + e.delta, filteredChoices(s).length) };
    case 'ref-chosen':
      return { ...s, ref: e.ref, phase: 'running', now: e.at };
    case 'step-started':
    {
      const done = finishSteps(s, e.at);
      return { ...s, ...done, phase: 'running', now: e.at, steps: [...done.steps, { label: e.label, status: 'running', startedAt: e.at, finishedAt: null }] };
    }
    case 'step-finished':
      return { ...s, ...finishSteps(s, e.at), now: e.at };
    case 'trace-path-started':
      return {
        ...s,
        ...finishSteps(s, e.at),
        now: e.at,
        paths: [...s.paths.filter((p) => p.path !== e.path), { path: e.path, command: e.command, status: 'running', startedAt: e.at, lines: [], run: null }],
      };
    case 'trace-line':
      return { ...s, paths: s.paths.map((p) => (p.path === e.path ? { ...p, lines: [...p.lines, redact(e.line)].slice(-MAX_LINES) } : p)) };
    case 'trace-path-ended': {
      const before = s.paths.find((p) => p.path === e.path);
      const ended: PathState = before ? { ...before, status: 'done', run: e.run } : { path: e.path, command: e.run.command.join(' '), status: 'done', startedAt: e.at - e.run.durationMs, lines: [], run: e.run };
      const done = finishSteps(s, e.at);
      return { ...s, ...done, now: e.at, paths: before ? s.paths.map((p) => (p.path === e.path ? ended : p)) : [...s.paths, ended], finished: [...done.finished, pathItem(s, ended)] };
    }
    case 'trace-cleanup':
      return { ...s, cleanup: e.what };
    case 'facts-gathered': {
      // paths recorded in the facts that were not seen live (replayed facts) are added as ended
      let next: SessionState = { ...s, ...finishSteps(s, e.at) };
      for (const run of e.facts.trace?.paths ?? []) {
        if (!next.paths.some((p) => p.path === run.path && p.run)) next = reduceSession(next, { type: 'trace-path-ended', path: run.path, run, at: e.at });
      }
      return { ...next, now: e.at, facts: e.facts, cleanup: null };
    }
    case 'check-finished':
      return { ...s, findings: [...s.findings, e.finding], finished: [...s.finished, findingItem(s, e.finding, s.findings.length)] };
    case 'verdict':
      return { ...s, verdict: e.verdict, phase: 'verdict', fixSelected: 0 };
    case 'failed':
      return { ...s, ...finishSteps(s, s.now), phase: 'failed', error: e.error };
    case 'tick':
      return { ...s, now: e.at };
    case 'view':
      if (e.view === 'help') return s.view === 'help' ? { ...s, view: s.previousView } : { ...s, view: 'help', previousView: s.view };
      return { ...s, view: e.view, traceExpanded: false };
    case 'trace-path-moved': {
      const n = s.paths.length;
      return n === 0 ? s : { ...s, tracePath: (s.tracePath + e.delta + n) % n, traceAttempt: 0, traceExpanded: false };
    }
    case 'trace-attempt-moved':
      return { ...s, traceAttempt: clamp(s.traceAttempt + e.delta, attemptsOf(s.paths[s.tracePath]?.run ?? null).length), traceExpanded: false };
    case 'trace-expand-toggled':
      return { ...s, traceExpanded: !s.traceExpanded };
    case 'fix-moved':
      return { ...s, fixSelected: clamp(s.fixSelected + e.delta, fixSteps(s).length) };
    case 'fix-step-done':
      return { ...s, fixDone: s.fixDone.includes(e.index) ? s.fixDone : [...s.fixDone, e.index], fixSelected: clamp(e.index + 1, fixSteps(s).length) };
    case 'rerun-started':
      return {
        ...s,
        phase: 'running',
        view: 'checklist',
        run: s.run + 1,
        now: e.at,
        finished: [...s.finished, { key: `r${s.run + 1}-rerun`, status: 'info', label: `re-run ${s.run + 1}: the trace and every check again`, detail: null }],
        ...freshRun(),
      };
    case 'report-saved':
      return { ...s, savedReport: e.file, saveError: null };
    case 'report-failed':
      return { ...s, saveError: e.error };
    case 'verdict-copied':
      return { ...s, copied: e.to };
    case 'quit-requested':
      return { ...s, quitting: true };
  }
}

export function reduceAll(s: SessionState, events: readonly SessionEvent[]): SessionState {
  return events.reduce(reduceSession, s);
}

// ---------------------------------------------------------------------------------------------
// events from the effects layer and from the checks

/** Turns gatherFacts' `onStep`/`onProgress` callbacks into session events. */
export function gatherListeners(emit: (e: SessionEvent) => void, now: () => number = Date.now): { onStep: (step: string) => void; onProgress: (p: TraceProgress) => void } {
  return {
    onStep: (label) => emit({ type: 'step-started', label, at: now() }),
    onProgress: (p) => {
      if (p.kind === 'path-start') emit({ type: 'trace-path-started', path: p.path, command: p.command, at: now() });
      else if (p.kind === 'line') emit({ type: 'trace-line', path: p.path, line: p.line });
      else if (p.kind === 'path-end') emit({ type: 'trace-path-ended', path: p.path, run: p.run, at: now() });
      else emit({ type: 'trace-cleanup', what: p.what });
    },
  };
}

/** The progress line `check` prints on stderr for an event (null: nothing to print). */
export function progressLine(e: SessionEvent): string | null {
  if (e.type === 'step-started') return `… ${e.label}\n`;
  if (e.type === 'trace-path-started') return `… ${e.command}\n`;
  if (e.type === 'trace-cleanup') return `… cleaning up ${e.what}\n`;
  return null;
}

/** The one-line verdict, exactly as the last line of `check`'s text output (without colour). */
export function verdictLine(outcome: ChecksOutcome): string {
  const v = verdictText(outcome);
  return `${v.status === 'ok' ? '✓' : v.status === 'interrupted' ? '…' : '✗'} ${v.text}`;
}

export function exitCodeOf(outcome: ChecksOutcome, strict: boolean): number {
  if (typeof outcome.exitCode === 'number') return outcome.exitCode;
  const errors = outcome.findings.filter((f) => f.severity === 'error').length;
  const warnings = outcome.findings.filter((f) => f.severity === 'warning').length;
  return errors > 0 || (strict && warnings > 0) ? 1 : 0;
}

export function verdictOf(outcome: ChecksOutcome, strict = false): Verdict {
  const id = rootCauseId(outcome);
  const rc = outcome.rootCause;
  const finding = rc === null ? null : typeof rc === 'string' ? (outcome.findings.find((f) => f.id === rc) ?? null) : rc;
  return { status: outcome.status, rootCause: finding, rootCauseId: id, summary: outcome.summary, exitCode: exitCodeOf(outcome, strict), line: verdictLine(outcome) };
}

/** What the checks produced, as events: one per finding (checklist order), then the verdict. */
export function checkEvents(outcome: ChecksOutcome, strict = false): SessionEvent[] {
  return [...outcome.findings.map((finding): SessionEvent => ({ type: 'check-finished', finding })), { type: 'verdict', verdict: verdictOf(outcome, strict) }];
}

/** The header facts, from facts gathered without pulls. */
export function detectedSetup(facts: Facts): DetectedSetup {
  const registries: string[] = [];
  for (const h of facts.hostRoots) {
    const e = facts.snapshot.entries[h.root];
    if (!e || e.kind !== 'directory') continue;
    for (const d of e.entries ?? []) {
      if ((d.kind !== 'directory' && d.kind !== 'symlink') || d.name.startsWith('.') || d.name === '_default') continue;
      const m = /^(.+)_(\d+)_$/.exec(d.name);
      const reg = m ? `${m[1]}:${m[2]}` : d.name;
      if (!registries.includes(reg)) registries.push(reg);
    }
  }
  return {
    containerd: { value: facts.containerdVersion.value, source: facts.containerdVersion.source },
    client: facts.versions.ctr.value,
    server: facts.versions.server.value,
    distribution: facts.distribution.kind,
    generated: facts.distribution.generated,
    socket: facts.address,
    reachable: facts.daemon.reachable,
    configFile: facts.configFile,
    hostRoots: facts.hostRoots.map((h) => h.root),
    registries: registries.sort(),
  };
}

// ---------------------------------------------------------------------------------------------
// selectors

/** The chooser's list: choices containing the typed text (case-insensitive), else the text itself. */
export function filteredChoices(s: Pick<SessionState, 'choices' | 'query'>): string[] {
  const q = s.query.trim().toLowerCase();
  const list = q === '' ? s.choices : s.choices.filter((c) => c.toLowerCase().includes(q));
  return q !== '' && !list.some((c) => c.toLowerCase() === q) ? [...list, s.query.trim()] : list;
}

/** The ref Enter picks in the chooser. */
export function chosenRef(s: SessionState): string | null {
  const list = filteredChoices(s);
  return list[s.selected] ?? list[0] ?? null;
}

export type ItemStatus = Severity | 'running';

export interface ChecklistItem {
  key: string;
  status: ItemStatus;
  label: string;
  detail: string | null;
}

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
  if (p.run.pulled || p.run.doc?.result === 'success' || p.run.stopReason === 'manifest-served') return p.run.doc?.mirrorUsed === false && p.run.doc.attempts.some((a) => a.mirror) ? 'warning' : 'ok';
  return 'error';
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

function firstSentence(text: string): string {
  const t = text.split('\n')[0] ?? '';
  const m = /^(.{20,}?[.;])\s/.exec(t);
  return m ? m[1]! : t;
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

// ---- the trace timeline

function attemptsOf(run: PathRun | null): TraceAttempt[] {
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
      result: `${a.status ?? ''} ${a.outcome}`.trim(),
      ok: a.outcome === 'ok',
      fallback: fb ? `fell back to ${fb.to}: ${fb.reason}` : null,
    };
  });
  return {
    path: p.path,
    title: PATH_TITLES[p.path],
    command: redact(p.run ? p.run.command.join(' ') : p.command),
    hostsDir: p.run ? pathCells(p.run).hostsDir : null,
    outcome: p.run ? pathResult(p.run) : 'running',
    resolvedFrom: p.run?.evidence?.servedBy ?? doc?.resolved.host ?? null,
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

// ---- fix steps

export interface FixStep {
  kind: 'edit' | 'restart' | 'command' | 'recheck';
  text: string;
  done: boolean;
}

/** The root cause's fix as steps: the line to edit, the edits and commands, the restart, the re-check. */
export function fixSteps(s: Pick<SessionState, 'verdict' | 'fixDone'>): FixStep[] {
  const rc = s.verdict?.rootCause;
  if (!rc) return [];
  const steps: Array<Omit<FixStep, 'done'>> = [];
  const at = rc.evidence.find((e) => e.kind === 'file' && e.line);
  if (at) steps.push({ kind: 'edit', text: `edit this line: ${at.source}:${at.line}${at.text ? `  ${at.text.split('\n')[0]}` : ''}` });
  for (const f of rc.fix) {
    const kind: FixStep['kind'] = /\brestart\b/.test(f) ? 'restart' : /^(edit|add|set|remove|move|fix|use|create|rename|put|change|write|delete)\b/i.test(f) ? 'edit' : 'command';
    steps.push({ kind, text: kind === 'restart' && !/^restart/.test(f) ? `restart containerd: ${f}` : f });
  }
  steps.push({ kind: 'recheck', text: 're-run the trace and re-check (r)' });
  return steps.map((st, i) => ({ ...redactStep(st), done: s.fixDone.includes(i) }));
}

function redactStep<T extends { text: string }>(st: T): T {
  return { ...st, text: redact(st.text) };
}

/** Counts by severity of the findings so far. */
export function tally(findings: readonly Finding[]): Record<Severity, number> {
  const n: Record<Severity, number> = { error: 0, warning: 0, info: 0, ok: 0 };
  for (const f of findings) n[f.severity]++;
  return n;
}
