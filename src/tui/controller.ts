/**
 * Runs one walkthrough session: holds the state (src/session/check-session.ts), feeds it the events of
 * detection, gathering and the checks, and carries out the commands the keys ask for (choose,
 * re-run, save, copy, quit). The effects themselves are injected ({@link TuiServices}); no React.
 */
import type { Facts, PullClient } from '../checks/facts.js';
import { reduceSession } from '../session/check-session.js';
import type { DetectedSetup } from '../session/detected-setup.js';
import { gatherListeners } from '../session/gather-events.js';
import { initialSession, type SessionEvent, type SessionState } from '../session/session-state.js';
import { checkEvents } from '../session/verdict.js';
import type { TraceProgress } from '../trace/run-schema.js';
import type { ChecksOutcome } from '../report/report-json.js';
import { collectConfigSecrets, redactFacts, redactReportJson, redactReportText } from '../report/redact-config.js';
import { errorExitCode, EXIT } from '../errors.js';
import { fixSteps } from '../session/fix-steps.js';
import { refReachedRegistry } from '../session/recent-refs.js';
import { decodeInput, INITIAL_DECODER, type InputDecoderState } from './input-decoder.js';
import { tokenAction, type CopyTarget, type KeyAction, type KeyPress } from './keymap.js';
import { osc52 } from './osc52.js';

export interface GatherCallbacks {
  onStep: (step: string) => void;
  onStepOutcome: (outcome: { status: 'error' | 'warning'; detail: string }) => void;
  onProgress: (p: TraceProgress) => void;
}

export interface TuiServices {
  /** the setup without pulls, and the refs to offer */
  detect(signal: AbortSignal): Promise<{ setup: DetectedSetup; choices: string[] }>;
  /** every fact, with the real pulls (the tracer cleans up when `signal` aborts) */
  gather(ref: string, callbacks: GatherCallbacks, signal: AbortSignal, client?: PullClient): Promise<Facts>;
  /** the checks of `check` (runChecks with --ignore/--strict) */
  check(facts: Facts): ChecksOutcome | Promise<ChecksOutcome>;
  /** writes the Markdown report (mode 0600) and returns its path */
  saveReport(facts: Facts, outcome: ChecksOutcome): Promise<string>;
  /** copies text to the clipboard; false when no clipboard tool works */
  copy(text: string): Promise<boolean>;
  /** writes a control sequence to the terminal (the OSC 52 copy); absent when there is none */
  terminal?(sequence: string): void;
  /** remembers a ref for the chooser next time (called once a pull reached a registry that knows it) */
  remember?(ref: string): void;
  now?(): number;
}

export class SessionController {
  private state: SessionState;
  private listeners = new Set<() => void>();
  private abort: AbortController | null = null;
  private work: Promise<void> = Promise.resolve();
  private outcome: ChecksOutcome | null = null;
  /** the facts as gathered (the state holds them redacted): what the checks and the report read */
  private facts: Facts | null = null;
  /** the secrets written in the node's files, scrubbed from everything the state takes in */
  private secrets: string[] = [];
  private ticker: ReturnType<typeof setInterval> | null = null;
  /** the exit code of the error that failed the session (2 usage or system, 70 bug) */
  private failureCode: number = EXIT.usage;
  private readonly now: () => number;
  /** input state between chunks (inside a bracketed paste) */
  private decoder: InputDecoderState = INITIAL_DECODER;
  /** what was copied without a clipboard program confirming it: printed on quit */
  private unconfirmed: string[] = [];

  constructor(
    private readonly services: TuiServices,
    private readonly strict = false,
    client: PullClient | null = null,
  ) {
    this.now = services.now ?? Date.now;
    this.state = initialSession(this.now(), client);
  }

  getState = (): SessionState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** Every event is redacted on its way into the state: what the screens show and `y` copies. */
  dispatch = (e: SessionEvent): void => {
    const safe: SessionEvent = e.type === 'facts-gathered' ? { ...e, facts: redactFacts(e.facts, this.secrets) } : e.type === 'tick' ? e : redactReportJson(e, this.secrets);
    this.state = reduceSession(this.state, safe);
    for (const fn of this.listeners) fn();
  };

  /**
   * One chunk of terminal input (as Ink's useInput hands it over): decoded into keys and pastes
   * (input-decoder.ts), each turned into its action against the state it finds. `onQuit` runs
   * once a quit has finished.
   */
  input(input: string, key: KeyPress, onQuit: () => void): void {
    const { state, tokens } = decodeInput(this.decoder, input, key);
    this.decoder = state;
    for (const t of tokens) this.perform(tokenAction(this.state, t), onQuit);
  }

  perform(a: KeyAction, onQuit: () => void): void {
    switch (a.kind) {
      case 'event':
        this.dispatch(a.event);
        break;
      case 'choose':
        void this.choose(a.ref);
        break;
      case 'choose-client':
        void this.chooseClient(a.client);
        break;
      case 'rerun':
        void this.rerun();
        break;
      case 'save':
        void this.save();
        break;
      case 'copy':
        void this.copy(a.what);
        break;
      case 'quit':
        void this.quit().then(onQuit);
        break;
      case 'none':
        break;
    }
  }

  /** Detects the setup; with a ref given on the command line, runs it straight away. */
  start(ref?: string): Promise<void> {
    // without --client the client chooser comes first (chooseClient then runs the ref)
    const clientKnown = this.state.client !== null;
    this.dispatch({ type: 'detect-started', at: this.now() });
    if (ref !== undefined) this.dispatch({ type: 'ref-chosen', ref, at: this.now() });
    this.startTicking();
    this.work = this.guard(async (signal) => {
      const { setup, choices } = await this.services.detect(signal);
      if (signal.aborted) return;
      this.dispatch({ type: 'setup-detected', setup, choices });
      if (ref !== undefined && clientKnown) await this.runRef(ref, signal);
      else this.stopTicking();
    });
    return this.work;
  }

  choose(ref: string): Promise<void> {
    if (this.state.phase !== 'choosing') return this.work;
    this.dispatch({ type: 'ref-chosen', ref, at: this.now() });
    if (this.getState().phase !== 'running') return this.work;
    this.startTicking();
    this.work = this.guard((signal) => this.runRef(ref, signal));
    return this.work;
  }

  /** The client the user pulled with (the chooser after the ref): runs the ref once detection is done. */
  chooseClient(client: PullClient): Promise<void> {
    const ref = this.state.ref;
    if (this.state.phase !== 'choosing-client' || ref === null) return this.work;
    this.dispatch({ type: 'client-chosen', client, at: this.now() });
    this.startTicking();
    this.work = this.work.then(() => (this.state.quitting ? undefined : this.guard((signal) => this.runRef(ref, signal))));
    return this.work;
  }

  rerun(): Promise<void> {
    const ref = this.state.ref;
    if (ref === null || (this.state.phase !== 'verdict' && this.state.phase !== 'failed')) return this.work;
    this.dispatch({ type: 'rerun-started', at: this.now() });
    this.startTicking();
    this.work = this.guard((signal) => this.runRef(ref, signal));
    return this.work;
  }

  async save(): Promise<void> {
    const facts = this.facts;
    if (!facts || !this.outcome) return;
    try {
      this.dispatch({ type: 'report-saved', file: await this.services.saveReport(facts, this.outcome) });
    } catch (e) {
      this.dispatch({ type: 'report-failed', error: (e as Error).message });
    }
  }

  /**
   * `y`: copies the verdict or a fix step, redacted as the report is (the log/header rules, then
   * the secrets in the node's files): through OSC 52 to the terminal (works over SSH) and through
   * the clipboard programs; without a program's word the text is printed again on quit.
   */
  async copy(what: CopyTarget = { kind: 'verdict' }): Promise<void> {
    const picked = this.copyText(what);
    if (!picked) return;
    const text = redactReportText(picked.text, this.secrets);
    let sent = false;
    if (this.services.terminal) {
      try {
        this.services.terminal(osc52(text));
        sent = true;
      } catch {
        /* a closed terminal: the programs and the print on quit remain */
      }
    }
    const ok = await this.services.copy(text).catch(() => false);
    if (!ok && !this.unconfirmed.includes(text)) this.unconfirmed.push(text);
    this.dispatch({ type: 'copied', what: picked.what, to: ok ? 'clipboard' : sent ? 'terminal' : 'on-quit' });
  }

  private copyText(what: CopyTarget): { what: string; text: string } | null {
    if (what.kind === 'verdict') return this.state.verdict?.line ? { what: 'verdict', text: this.state.verdict.line } : null;
    const step = fixSteps(this.state)[what.index];
    return step && step.kind !== 'recheck' ? { what: step.alternative ? `the alternative to fix step ${step.number}` : `fix step ${step.number}`, text: step.text } : null;
  }

  /** Stops a running pull (the tracer cleans up on abort) and waits until it has. */
  async quit(): Promise<void> {
    if (!this.state.quitting) this.dispatch({ type: 'quit-requested' });
    this.abort?.abort();
    await this.work.catch(() => undefined);
    this.stopTicking();
  }

  /** What to print after the terminal is restored: what was copied without a clipboard program. */
  farewell(): string | null {
    return this.unconfirmed.length ? this.unconfirmed.join('\n') : null;
  }

  /**
   * The exit code when the user quits (README "Exit codes"): the verdict's (0 ok, 1 problems);
   * a failure's (2 could not run, 70 a bug); quitting before a verdict is an interruption (130).
   */
  get exitCode(): number {
    if (this.state.verdict) return this.state.verdict.exitCode;
    if (this.state.phase === 'failed') return this.failureCode;
    return EXIT.interrupted;
  }

  private async runRef(ref: string, signal: AbortSignal): Promise<void> {
    const facts = await this.services.gather(ref, gatherListeners(this.dispatch, this.now), signal, this.state.client ?? undefined);
    if (signal.aborted && this.state.quitting) return;
    this.facts = facts;
    this.secrets = collectConfigSecrets(facts.snapshot);
    // the pulls' lines and runs arrived before the files' secrets were known: scrubbed of them now
    this.state = { ...this.state, paths: redactReportJson(this.state.paths, this.secrets) };
    this.dispatch({ type: 'facts-gathered', facts, at: this.now() });
    // recent refs: only one a registry knows (a typo that 404s everywhere is not offered again)
    if (refReachedRegistry(facts.trace?.paths ?? [])) this.services.remember?.(ref);
    const outcome = await this.services.check(facts);
    this.outcome = outcome;
    for (const e of checkEvents(outcome, this.strict)) this.dispatch(e);
  }

  private guard(fn: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    return fn(abort.signal)
      .catch((e: unknown) => {
        if (this.state.quitting) return;
        this.failureCode = errorExitCode(e);
        this.dispatch({ type: 'failed', error: (e as Error)?.message ?? String(e) });
      })
      .finally(() => {
        if (this.abort === abort) this.abort = null;
        this.stopTicking();
      });
  }

  private startTicking(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => this.dispatch({ type: 'tick', at: this.now() }), 120);
    this.ticker.unref?.();
  }

  private stopTicking(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }
}
