/** The walkthrough's ref chooser: the refs offered for the typed text, and the one Enter picks. */
import type { SessionState } from './session-state.js';

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
