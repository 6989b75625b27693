/**
 * Rows laid out as columns two spaces apart. Without a width (not a terminal) every cell is shown
 * whole; with one, the widest columns give way first and a cell that does not fit wraps inside its
 * column, so nothing is cut.
 */
import { visibleWidth, wrapWords } from './wrap-words.js';

/** A column never shrinks below this (wrapWords' own floor). */
const MIN_COLUMN = 10;
const GAP = '  ';

export function layoutTable(rows: readonly (readonly string[])[], width?: number, indent = ''): string[] {
  const n = Math.max(0, ...rows.map((r) => r.length));
  const cols = Array.from({ length: n }, (_, i) => Math.max(0, ...rows.map((r) => visibleWidth(r[i] ?? ''))));
  if (width !== undefined) {
    const budget = width - indent.length - GAP.length * (n - 1);
    let excess = cols.reduce((a, b) => a + b, 0) - budget;
    while (excess > 0) {
      const widest = Math.max(...cols);
      if (widest <= MIN_COLUMN) break;
      const i = cols.indexOf(widest);
      const second = Math.max(MIN_COLUMN, ...cols.filter((_, j) => j !== i));
      const cut = Math.min(excess, Math.max(1, widest - second));
      cols[i] = widest - cut;
      excess -= cut;
    }
  }
  const out: string[] = [];
  for (const r of rows) {
    const cells = cols.map((w, i) => {
      const c = r[i] ?? '';
      return visibleWidth(c) <= w ? [c] : wrapWords(c, w);
    });
    const height = Math.max(...cells.map((c) => c.length));
    for (let k = 0; k < height; k++) {
      const line = cells.map((c, i) => {
        const s = c[k] ?? '';
        return s + ' '.repeat(Math.max(0, cols[i]! - visibleWidth(s)));
      });
      out.push(`${indent}${line.join(GAP)}`.trimEnd());
    }
  }
  return out;
}
