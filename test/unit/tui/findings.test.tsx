/**
 * The findings in the checklist: selectable, expanded whole (detail, evidence, fix, docs wrapped
 * to the width) and collapsed again; an expansion taller than the window scrolls a page at a time.
 * Real data: a recorded lab run through the real checks.
 */
import { describe, expect, it } from 'vitest';
import { reduceAll } from '../../../src/session/check-session.js';
import { findingLines, findingsWindow } from '../../../src/session/finding-lines.js';
import type { SessionState } from '../../../src/session/session-state.js';
import { keyAction } from '../../../src/tui/keymap.js';
import { labFacts } from '../../helpers/facts-fixture.js';
import { detected, frame, runEvents, widest } from './render.js';

async function verdictAt(columns: number, rows: number): Promise<SessionState> {
  const facts = await labFacts('2.1', 'mirror-404');
  return reduceAll(detected(facts), [{ type: 'screen-resized', columns, rows }, ...runEvents(facts)]);
}

const press = (s: SessionState, input: string, key = {}) => {
  const a = keyAction(s, input, key);
  if (a.kind !== 'event') throw new Error(`not an event: ${a.kind}`);
  return reduceAll(s, [a.event]);
};

describe('findings: select, expand, collapse', () => {
  for (const [columns, rows] of [
    [100, 30],
    [80, 24],
  ] as const) {
    it(`${columns}×${rows}: the root cause is selected; Enter shows it whole, Enter again one line`, async () => {
      let s = await verdictAt(columns, rows);
      const rc = s.findings[s.findingSelected]!;
      expect(rc.id).toBe('mirror-fallback');
      const collapsed = frame(s, columns);
      expect(collapsed).toMatch(/❯ ✗ mirror-fallback {2}/);
      expect(collapsed).not.toContain('evidence:');

      s = press(s, '', { return: true });
      expect(s.findingExpanded).toBe(true);
      const open = frame(s, columns);
      expect(widest(open)).toBeLessThanOrEqual(columns);
      const squash = (t: string) => t.replace(/[\s│]+/g, '');
      // the whole detail, every fix line and the docs link, wrapped (not cut)
      expect(squash(open)).toContain(squash(rc.detail));
      for (const f of rc.fix) if (findingsWindow(s).selectedEndsInside) expect(squash(open)).toContain(squash(f));
      expect(open).toContain('evidence:');
      expect(open.split('\n').filter((l) => l.includes('…') && !l.includes('more line'))).toEqual([]);

      s = press(s, '', { return: true });
      expect(s.findingExpanded).toBe(false);
      expect(frame(s, columns)).not.toContain('evidence:');
    });
  }

  it('an expansion taller than the window: ↓ scrolls to its end, then moves on (collapsing it); ↑ scrolls back', async () => {
    let s = await verdictAt(80, 12);
    s = press(s, '', { return: true });
    const all = findingLines(s.findings[s.findingSelected]!, s.findingSelected, 80, true);
    expect(all.length).toBeGreaterThan(findingsWindow(s).lines.length);
    const seen = new Set<string>();
    let guard = 0;
    while (!findingsWindow(s).selectedEndsInside && guard++ < 50) {
      for (const l of findingsWindow(s).lines) if (l.finding === s.findingSelected) seen.add(l.text);
      s = press(s, '', { downArrow: true });
      expect(s.findingExpanded).toBe(true);
    }
    for (const l of findingsWindow(s).lines) if (l.finding === s.findingSelected) seen.add(l.text);
    // every line of the finding was on the screen at some point
    expect(all.filter((l) => !seen.has(l.text))).toEqual([]);
    expect(s.findingScroll).toBeGreaterThan(0);
    const up = press(s, '', { upArrow: true });
    expect(up.findingScroll).toBeLessThan(s.findingScroll);
    expect(up.findingSelected).toBe(s.findingSelected);
    const before = s.findingSelected;
    s = press(s, '', { downArrow: true });
    if (before < s.findings.length - 1) {
      expect(s.findingSelected).toBe(before + 1);
      expect(s.findingExpanded).toBe(false);
      expect(s.findingScroll).toBe(0);
    }
  });

  it('↑↓ move the selection over the findings, within bounds', async () => {
    let s = await verdictAt(80, 24);
    const n = s.findings.length;
    for (let i = 0; i < n + 2; i++) s = press(s, '', { downArrow: true });
    expect(s.findingSelected).toBe(n - 1);
    for (let i = 0; i < n + 2; i++) s = press(s, '', { upArrow: true });
    expect(s.findingSelected).toBe(0);
    expect(frame(s)).toMatch(new RegExp(`❯ . ${s.findings[0]!.id}`));
  });
});

describe('trace view words', () => {
  it('the catch-all outcome and an unknown host read as plain words', async () => {
    const { outcomeWords } = await import('../../../src/session/trace-timeline.js');
    expect(outcomeWords('other')).toBe('failed (the log does not say why)');
    expect(outcomeWords('not-found')).toBe('not-found');
    const facts = await labFacts('2.1', 'mirror-404');
    const s = reduceAll(await verdictAt(80, 24), [{ type: 'view', view: 'trace' }]);
    const out = frame(s);
    expect(out).not.toMatch(/manifest from -|→ other\b/);
    expect(facts.trace).not.toBeNull();
  });
});
