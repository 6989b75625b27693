/**
 * The state of a check session and the events that change it (the reducer is check-session.ts):
 * plain data, shared by the Ink walkthrough and `check`'s text output.
 */
import type { Facts, PullClient } from '../checks/facts.js';
import type { Finding, Severity } from '../checks/finding.js';
import type { PathRun } from '../trace/run-schema.js';
import type { PathName } from '../trace/compare-paths.js';
import type { DetectedSetup } from './detected-setup.js';

/** `choosing-client`: which client the user pulled with (asked when `--client` is not given). */
export type Phase = 'detecting' | 'choosing' | 'choosing-client' | 'running' | 'verdict' | 'failed';
export type View = 'checklist' | 'trace' | 'fix' | 'help';

export interface GatherStep {
  label: string;
  status: 'running' | 'done';
  startedAt: number;
  finishedAt: number | null;
  /** what the step found wrong, when it did (an unreachable daemon): its item is not a green tick */
  outcome?: { status: 'error' | 'warning'; detail: string };
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

/**
 * Where a copy went: `clipboard` a clipboard program took it (the OSC 52 sequence was sent too);
 * `terminal` only the OSC 52 sequence was sent (works over SSH when the terminal allows it; the
 * text is printed again on quit); `on-quit` neither was possible, the text is printed on quit.
 */
export interface Copied {
  what: string;
  to: 'clipboard' | 'terminal' | 'on-quit';
}

export type ItemStatus = Severity | 'running';

export interface ChecklistItem {
  key: string;
  status: ItemStatus;
  label: string;
  detail: string | null;
}

/** The detected setup printed once above a run's checklist (the header belongs on top). */
export interface HeaderItem {
  key: string;
  header: DetectedSetup;
  image: string | null;
}

/** What `<Static>` prints once, in order: a run's header, its steps and pulls. */
export type FinishedItem = ChecklistItem | HeaderItem;

export function isHeader(i: FinishedItem): i is HeaderItem {
  return 'header' in i;
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
  /** the client the user pulled with; null: not chosen yet (then the walkthrough asks) */
  client: PullClient | null;
  /** the highlighted line of the client chooser */
  clientSelected: number;
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
  /** the findings in the checklist: the selected one, whether it is expanded, how far it is scrolled */
  findingSelected: number;
  findingExpanded: boolean;
  findingScroll: number;
  /** the terminal's size, for what has to fit its height (the findings' window) */
  screen: { columns: number; rows: number };
  /** fix view */
  fixSelected: number;
  /** the steps marked done, by fixStepKey (root cause and wording): a mark never shows on another fix */
  fixDone: string[];
  savedReport: string | null;
  saveError: string | null;
  /** the last `y`: what was copied and where it went */
  copied: Copied | null;
  quitting: boolean;
  /** finished checklist items, append-only across re-runs (what `<Static>` prints) */
  finished: FinishedItem[];
}

export type SessionEvent =
  | { type: 'detect-started'; at: number }
  | { type: 'setup-detected'; setup: DetectedSetup; choices: string[] }
  | { type: 'query-changed'; query: string }
  | { type: 'choice-moved'; delta: number }
  | { type: 'ref-chosen'; ref: string; at: number }
  | { type: 'client-moved'; delta: number }
  | { type: 'client-chosen'; client: PullClient; at: number }
  | { type: 'step-started'; label: string; at: number }
  | { type: 'step-finished'; at: number }
  | { type: 'step-outcome'; status: 'error' | 'warning'; detail: string }
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
  | { type: 'finding-moved'; delta: number }
  | { type: 'finding-toggled' }
  | { type: 'screen-resized'; columns: number; rows: number }
  | { type: 'fix-moved'; delta: number }
  | { type: 'fix-step-done'; index: number }
  | { type: 'rerun-started'; at: number }
  | { type: 'report-saved'; file: string }
  | { type: 'report-failed'; error: string }
  | { type: 'copied'; what: string; to: Copied['to'] }
  | { type: 'quit-requested' };

/** What one run of the checklist fills in; a re-run starts again from these. */
export function freshRun() {
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
    findingSelected: 0,
    findingExpanded: false,
    findingScroll: 0,
    savedReport: null,
    saveError: null,
    copied: null,
  } satisfies Partial<SessionState>;
}

/** @param client `--client`, when given; otherwise the walkthrough asks once the ref is known */
export function initialSession(now = 0, client: PullClient | null = null): SessionState {
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
    client,
    clientSelected: 0,
    ...freshRun(),
    screen: { columns: 80, rows: 24 },
    fixSelected: 0,
    fixDone: [],
    quitting: false,
    finished: [],
  };
}
