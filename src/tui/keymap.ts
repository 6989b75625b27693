/**
 * Keys → what they do, as data: a session event to dispatch, or a command with effects for the
 * controller (choose, re-run, save, copy, quit). Pure, so every key is testable without a terminal.
 */
import { PULL_CLIENTS, type PullClient } from '../checks/facts.js';
import { fixSteps } from '../session/fix-steps.js';
import { chosenRef } from '../session/ref-choices.js';
import type { SessionEvent, SessionState } from '../session/session-state.js';
import { pastedRef, type InputToken } from './input-decoder.js';
import type { KeyPress } from './key-press.js';

export type { KeyPress };

export type KeyAction =
  | { kind: 'event'; event: SessionEvent }
  | { kind: 'choose'; ref: string }
  | { kind: 'choose-client'; client: PullClient }
  | { kind: 'rerun' }
  | { kind: 'save' }
  | { kind: 'copy'; what: CopyTarget }
  | { kind: 'quit' }
  | { kind: 'none' };

/** What `y` copies: the one-line verdict, or one step of the fix (its index in fixSteps). */
export type CopyTarget = { kind: 'verdict' } | { kind: 'fix-step'; index: number };

const ev = (event: SessionEvent): KeyAction => ({ kind: 'event', event });
const NONE: KeyAction = { kind: 'none' };

/** A decoded token (input-decoder.ts) → its action: a paste is text for the chooser, nothing elsewhere. */
export function tokenAction(s: SessionState, t: InputToken): KeyAction {
  if (t.kind === 'key') return keyAction(s, t.input, t.key);
  if (s.quitting || s.phase !== 'choosing' || s.view === 'help') return NONE;
  const ref = pastedRef(t.text);
  return ref ? ev({ type: 'query-changed', query: s.query + ref }) : NONE;
}

export function keyAction(s: SessionState, input: string, key: KeyPress): KeyAction {
  if (key.ctrl && input === 'c') return { kind: 'quit' };
  if (s.quitting) return NONE;
  if (input === '?') return ev({ type: 'view', view: 'help' });
  if (s.view === 'help') return key.escape || input === 'q' ? ev({ type: 'view', view: 'help' }) : NONE;

  if (s.phase === 'choosing-client') {
    if (key.escape) return { kind: 'quit' };
    if (key.upArrow) return ev({ type: 'client-moved', delta: -1 });
    if (key.downArrow || key.tab) return ev({ type: 'client-moved', delta: 1 });
    if (key.return) return { kind: 'choose-client', client: PULL_CLIENTS[s.clientSelected] ?? 'cri' };
    const n = Number(input);
    if (Number.isInteger(n) && n >= 1 && n <= PULL_CLIENTS.length) return { kind: 'choose-client', client: PULL_CLIENTS[n - 1]! };
    return NONE;
  }

  if (s.phase === 'choosing') {
    if (key.escape) return { kind: 'quit' };
    if (key.upArrow) return ev({ type: 'choice-moved', delta: -1 });
    if (key.downArrow || key.tab) return ev({ type: 'choice-moved', delta: 1 });
    if (key.return) {
      const ref = chosenRef(s);
      return ref ? { kind: 'choose', ref } : NONE;
    }
    if (key.ctrl && input === 'u') return ev({ type: 'query-changed', query: '' });
    if (key.backspace || key.delete) return ev({ type: 'query-changed', query: s.query.slice(0, -1) });
    if (input && !key.ctrl && /^[\x21-\x7e]+$/.test(input)) return ev({ type: 'query-changed', query: s.query + input });
    return NONE;
  }

  if (input === 'q') return { kind: 'quit' };
  if (s.phase === 'detecting') return NONE;
  const settled = s.phase === 'verdict' || s.phase === 'failed';
  if (input === 'r' && settled) return { kind: 'rerun' };
  if (input === 's' && s.phase === 'verdict') return { kind: 'save' };
  if (input === 'y' && s.phase === 'verdict') return { kind: 'copy', what: s.view === 'fix' && (fixSteps(s)[s.fixSelected]?.kind ?? 'recheck') !== 'recheck' ? { kind: 'fix-step', index: s.fixSelected } : { kind: 'verdict' } };
  if (input === 't') return ev({ type: 'view', view: 'trace' });
  if (input === 'f' && s.phase === 'verdict') return ev({ type: 'view', view: 'fix' });
  if (input === 'c' || key.escape) return ev({ type: 'view', view: 'checklist' });

  if (s.view === 'trace') {
    if (key.rightArrow || (key.tab && !key.shift)) return ev({ type: 'trace-path-moved', delta: 1 });
    if (key.leftArrow || (key.tab && key.shift)) return ev({ type: 'trace-path-moved', delta: -1 });
    if (key.upArrow) return ev({ type: 'trace-attempt-moved', delta: -1 });
    if (key.downArrow) return ev({ type: 'trace-attempt-moved', delta: 1 });
    if (key.return || input === ' ') return ev({ type: 'trace-expand-toggled' });
  }
  if (s.view === 'checklist' && s.findings.length && settled) {
    if (key.upArrow || key.pageUp) return ev({ type: 'finding-moved', delta: -1 });
    if (key.downArrow || key.pageDown) return ev({ type: 'finding-moved', delta: 1 });
    if (key.return || input === ' ') return ev({ type: 'finding-toggled' });
  }
  if (s.view === 'fix') {
    if (key.upArrow) return ev({ type: 'fix-moved', delta: -1 });
    if (key.downArrow) return ev({ type: 'fix-moved', delta: 1 });
    if (key.return || input === ' ') {
      const step = fixSteps(s)[s.fixSelected];
      if (!step) return NONE;
      return step.kind === 'recheck' ? { kind: 'rerun' } : ev({ type: 'fix-step-done', index: s.fixSelected });
    }
  }
  return NONE;
}
