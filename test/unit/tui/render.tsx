/** Renders a session state at a fixed width with ANSI stripped (gemini-cli style test wrapper). */
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import type { Facts } from '../../../src/checks/facts.js';
import { runChecks, type RunOptions } from '../../../src/checks/run.js';
import { reduceAll } from '../../../src/session/check-session.js';
import { detectedSetup } from '../../../src/session/detected-setup.js';
import { initialSession, type SessionEvent, type SessionState } from '../../../src/session/session-state.js';
import { checkEvents } from '../../../src/session/verdict.js';
import { Screen } from '../../../src/tui/screen.js';

export function frame(state: SessionState, width = 80, color = false): string {
  const r = render(<Screen state={state} width={width} color={color} />);
  const out = stripVTControlCharacters(r.lastFrame() ?? '');
  r.unmount();
  return out;
}

/** Every line fits the width. */
export function widest(text: string): number {
  return Math.max(...text.split('\n').map((l) => [...l].length));
}

export const T0 = 1_000_000;

export function detected(facts: Facts, choices: string[] = []): SessionState {
  return reduceAll(initialSession(T0), [{ type: 'detect-started', at: T0 }, { type: 'setup-detected', setup: detectedSetup(facts), choices }]);
}

/** The events a live run would produce for these facts: steps, the three pulls, checks, verdict. */
export function runEvents(facts: Facts, opts: RunOptions = {}): SessionEvent[] {
  const ev: SessionEvent[] = [{ type: 'ref-chosen', ref: facts.ref.input, at: T0 + 10 }];
  let t = T0 + 20;
  for (const label of ['distribution', 'daemon process', 'versions', 'daemon', 'config.toml', 'systemd unit', 'hosts folders', 'permissions', 'trace']) ev.push({ type: 'step-started', label, at: (t += 10) });
  for (const p of facts.trace?.paths ?? []) {
    ev.push({ type: 'trace-path-started', path: p.path, command: p.command.join(' '), at: (t += 10) });
    ev.push({ type: 'trace-path-ended', path: p.path, run: p, at: (t += p.durationMs) });
  }
  ev.push({ type: 'facts-gathered', facts, at: (t += 10) });
  ev.push(...checkEvents(runChecks(facts, opts)));
  return ev;
}
