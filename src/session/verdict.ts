/**
 * The verdict of a finished check: its one line and exit code exactly as `check` prints and returns
 * them, and the checks' outcome as session events (one per finding, then the verdict).
 */
import type { ChecksOutcome } from '../report/report-json.js';
import { rootCauseId, verdictText } from '../report/report-json.js';
import type { SessionEvent, Verdict } from './session-state.js';

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
