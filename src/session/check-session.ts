/**
 * The one model of a `check` session, shared by the Ink walkthrough (`mirror-doctor tui`) and the
 * plain `check` output: the reducer over its events. State and events: session-state.ts; what views
 * show: the sibling selectors. Pure: no effects, no React.
 */
import { PULL_CLIENTS } from '../checks/facts.js';
import { redact } from '../report/redact.js';
import { PATH_ORDER } from '../trace/compare-paths.js';
import { pathItem, stepTitle } from './checklist-items.js';
import { findingRows, findingsWindow } from './finding-lines.js';
import { fixSteps } from './fix-steps.js';
import { filteredChoices } from './ref-choices.js';
import { freshRun, type GatherStep, type PathState, type SessionEvent, type SessionState } from './session-state.js';
import { attemptsOf } from './trace-timeline.js';

const MAX_LINES = 200;

function closeStep(steps: GatherStep[], at: number): GatherStep[] {
  return steps.map((s) => (s.status === 'running' ? { ...s, status: 'done' as const, finishedAt: at } : s));
}

/** Closes the running step and records it as a finished checklist item. */
function finishSteps(s: SessionState, at: number): Pick<SessionState, 'steps' | 'finished'> {
  const finished = [...s.finished];
  s.steps.forEach((st, i) => {
    if (st.status === 'running' && st.label !== 'trace') finished.push({ key: `r${s.run}-step-${i}`, status: st.outcome?.status ?? 'ok', label: stepTitle(st.label), detail: st.outcome?.detail ?? null });
  });
  return { steps: closeStep(s.steps, at), finished };
}

/** The setup, printed once above the run's checklist, when both it and the ref are known. */
function withHeader(s: SessionState): SessionState {
  if (!s.setup || s.ref === null || s.phase === 'choosing-client' || s.finished.some((i) => i.key === `r${s.run}-header`)) return s;
  return { ...s, finished: [...s.finished, { key: `r${s.run}-header`, header: s.setup, image: s.ref }] };
}

/**
 * ↑↓ in the findings: an expanded finding taller than the window scrolls by a page first, then
 * the selection moves (and the finding it leaves collapses).
 */
function moveFinding(s: SessionState, delta: number): SessionState {
  if (s.findingExpanded) {
    const page = Math.max(1, findingRows(s) - 3);
    if (delta > 0 && !findingsWindow(s).selectedEndsInside) return { ...s, findingScroll: s.findingScroll + page };
    if (delta < 0 && s.findingScroll > 0) return { ...s, findingScroll: Math.max(0, s.findingScroll - page) };
  }
  const next = clamp(s.findingSelected + delta, s.findings.length);
  return next === s.findingSelected ? s : { ...s, findingSelected: next, findingExpanded: false, findingScroll: 0 };
}

const clamp = (n: number, max: number) => (max <= 0 ? 0 : Math.max(0, Math.min(max - 1, n)));

/** The paths as the trace shows them (ctr, ctr --hosts-dir, CRI), whichever started first. */
function inPathOrder(paths: PathState[]): PathState[] {
  const rank = (p: PathState) => PATH_ORDER.indexOf(p.path);
  return [...paths].sort((a, b) => rank(a) - rank(b));
}

/** The reducer: one event in, the next state out (never mutates). */
export function reduceSession(s: SessionState, e: SessionEvent): SessionState {
  switch (e.type) {
    case 'detect-started':
      return { ...s, phase: 'detecting', now: e.at };
    case 'setup-detected':
      return withHeader({ ...s, setup: e.setup, choices: e.choices, phase: s.ref === null ? 'choosing' : s.phase, selected: 0 });
    case 'query-changed':
      return { ...s, query: e.query, selected: 0 };
    case 'choice-moved':
      return { ...s, selected: clamp(s.selected + e.delta, filteredChoices(s).length) };
    case 'ref-chosen':
      // the header is printed when the run starts: after the client is chosen, when it is asked
      return s.client === null ? { ...s, ref: e.ref, phase: 'choosing-client', now: e.at } : withHeader({ ...s, ref: e.ref, phase: 'running', now: e.at });
    case 'client-moved':
      return { ...s, clientSelected: clamp(s.clientSelected + e.delta, PULL_CLIENTS.length) };
    case 'client-chosen':
      return withHeader({ ...s, client: e.client, phase: 'running', now: e.at });
    case 'step-started':
    {
      const done = finishSteps(s, e.at);
      return { ...s, ...done, phase: 'running', now: e.at, steps: [...done.steps, { label: e.label, status: 'running', startedAt: e.at, finishedAt: null }] };
    }
    case 'step-finished':
      return { ...s, ...finishSteps(s, e.at), now: e.at };
    case 'step-outcome':
      return { ...s, steps: s.steps.map((st) => (st.status === 'running' ? { ...st, outcome: { status: e.status, detail: e.detail } } : st)) };
    case 'trace-path-started':
      return {
        ...s,
        ...finishSteps(s, e.at),
        now: e.at,
        paths: inPathOrder([...s.paths.filter((p) => p.path !== e.path), { path: e.path, command: e.command, status: 'running', startedAt: e.at, lines: [], run: null }]),
      };
    case 'trace-line':
      return { ...s, paths: s.paths.map((p) => (p.path === e.path ? { ...p, lines: [...p.lines, redact(e.line)].slice(-MAX_LINES) } : p)) };
    case 'trace-path-ended': {
      const before = s.paths.find((p) => p.path === e.path);
      const ended: PathState = before ? { ...before, status: 'done', run: e.run } : { path: e.path, command: e.run.command.join(' '), status: 'done', startedAt: e.at - e.run.durationMs, lines: [], run: e.run };
      const done = finishSteps(s, e.at);
      return { ...s, ...done, now: e.at, paths: before ? s.paths.map((p) => (p.path === e.path ? ended : p)) : inPathOrder([...s.paths, ended]), finished: [...done.finished, pathItem(s, ended)] };
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
      // findings stay in the live area (selectable, expandable), not in what scrolls away
      return { ...s, findings: [...s.findings, e.finding] };
    case 'verdict':
    {
      // the root cause is selected first: Enter shows it whole
      const rc = s.findings.findIndex((f) => f.id === e.verdict.rootCauseId);
      return { ...s, verdict: e.verdict, phase: 'verdict', fixSelected: 0, findingSelected: Math.max(0, rc), findingExpanded: false, findingScroll: 0 };
    }
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
    case 'finding-moved':
      return moveFinding(s, e.delta);
    case 'finding-toggled':
      return s.findings.length ? { ...s, findingExpanded: !s.findingExpanded, findingScroll: 0 } : s;
    case 'screen-resized':
      return { ...s, screen: { columns: e.columns, rows: e.rows }, findingScroll: 0 };
    case 'fix-moved':
      return { ...s, fixSelected: clamp(s.fixSelected + e.delta, fixSteps(s).length) };
    case 'fix-step-done': {
      const steps = fixSteps(s);
      const key = steps[e.index]?.key;
      if (key === undefined) return s;
      return { ...s, fixDone: s.fixDone.includes(key) ? s.fixDone : [...s.fixDone, key], fixSelected: clamp(e.index + 1, steps.length) };
    }
    case 'rerun-started':
      return {
        ...s,
        phase: 'running',
        view: 'checklist',
        run: s.run + 1,
        now: e.at,
        finished: [...s.finished, { key: `r${s.run + 1}-rerun`, status: 'info', label: `re-run ${s.run + 1}: the trace and every check again`, detail: s.verdict ? `before: ${s.verdict.line}` : null }],
        ...freshRun(),
      };
    case 'report-saved':
      return { ...s, savedReport: e.file, saveError: null };
    case 'report-failed':
      return { ...s, saveError: e.error };
    case 'copied':
      return { ...s, copied: { what: e.what, to: e.to } };
    case 'quit-requested':
      return { ...s, quitting: true };
  }
}

export function reduceAll(s: SessionState, events: readonly SessionEvent[]): SessionState {
  return events.reduce(reduceSession, s);
}
