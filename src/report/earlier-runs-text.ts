/** How a run says what earlier, killed runs had left and what it removed of it (text and Markdown). Pure. */
import type { EarlierRunItem } from '../trace/run-schema.js';

export const EARLIER_RUNS_TITLE = 'Left by earlier runs that are gone (killed before their cleanup)';

/** One line per item: `removed namespace mirror-doctor-1a2b3c4d — its owner, pid 4242, is gone`. */
export function earlierRunLines(items: readonly EarlierRunItem[] | undefined): string[] {
  return (items ?? []).map((i) => `${i.removed ? 'removed' : 'left'} ${i.what}${i.why ? ` — ${i.why}` : ''}${i.note ? `; ${i.note}` : ''}`);
}
