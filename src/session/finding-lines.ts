/**
 * The checklist's findings as lines laid out for the screen: each finding one line (and its first
 * sentence for an error or warning), the selected one expanded to its whole detail, evidence, fix
 * and docs link wrapped to the width; and the window of those lines that fits the screen's height.
 * Pure: the reducer moves and scrolls with it, the Ink component renders what it returns.
 */
import type { Finding, Severity } from '../checks/finding.js';
import { wrapWords } from '../report/wrap-words.js';
import type { SessionState } from './session-state.js';

export interface FindingLine {
  /** the finding's index in the checklist */
  finding: number;
  /** the finding's first line (the component puts the status glyph and the selection mark before it) */
  title: boolean;
  text: string;
  severity: Severity;
}

/** Columns the component puts before every line: "❯ ✗ " */
export const FINDING_LEAD = 4;
const BODY_INDENT = 2;

function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(1, width - 1)).join('')}…`;
}

function firstSentence(text: string): string {
  const t = text.split('\n')[0] ?? '';
  const m = /^(.{20,}?[.;])\s/.exec(t);
  return m ? m[1]! : t;
}

/** Wraps every line of `text` under a label ("fix: "), continuation lines flush with the text. */
function labelled(label: string, text: string, width: number): string[] {
  const pad = ' '.repeat(label.length);
  return text.split('\n').flatMap((l, i) => wrapWords(l, width - label.length).map((w, j) => (i === 0 && j === 0 ? label : pad) + w));
}

/** One finding's lines at `width` columns (the whole screen width): collapsed or expanded. */
export function findingLines(f: Finding, index: number, width: number, expanded: boolean): FindingLine[] {
  const w = width - FINDING_LEAD;
  const line = (text: string, title = false): FindingLine => ({ finding: index, title, text, severity: f.severity });
  const title = `${f.id}  ${f.title}`;
  if (!expanded) {
    const out = [line(cut(title, w), true)];
    if (f.severity === 'error' || f.severity === 'warning') out.push(line(cut(' '.repeat(BODY_INDENT) + firstSentence(f.detail), w)));
    return out;
  }
  const body = w - BODY_INDENT;
  const indent = (l: string) => ' '.repeat(BODY_INDENT) + l;
  const out = wrapWords(title, w).map((t, i) => line(t, i === 0));
  for (const para of f.detail.split('\n')) out.push(...wrapWords(para, body).map((l) => line(indent(l))));
  if (f.evidence.length) {
    out.push(line(indent('evidence:')));
    for (const e of f.evidence) {
      const where = `${e.source}${e.line ? `:${e.line}` : ''}`;
      out.push(...labelled('- ', e.text && e.text !== e.source ? `${where}\n${e.text}` : where, body).map((l) => line(indent(l))));
    }
  }
  if (f.fix.length) {
    out.push(line(indent('fix:')));
    for (const fx of f.fix) out.push(...labelled('- ', fx, body).map((l) => line(indent(l))));
  }
  out.push(...labelled('docs: ', f.docs, body).map((l) => line(indent(l))));
  return out;
}

/** The rows the findings may use: the screen less the rule, the verdict bar (and what was saved or copied), the keys. */
export function findingRows(s: Pick<SessionState, 'screen'>): number {
  return Math.max(4, s.screen.rows - 8);
}

export interface FindingsWindow {
  lines: FindingLine[];
  /** lines of the list above and below the window (shown as "↑ n more" / "↓ n more") */
  above: number;
  below: number;
  /** the selected finding's last line is inside the window */
  selectedEndsInside: boolean;
}

type Layout = Pick<SessionState, 'findings' | 'findingSelected' | 'findingExpanded' | 'findingScroll' | 'screen'>;

/**
 * The lines shown: the selected finding near the top (expanded: at the top, moved on by its scroll),
 * as many lines as fit in `findingRows` less the two "more" lines.
 */
export function findingsWindow(s: Layout): FindingsWindow {
  const width = s.screen.columns;
  const all: FindingLine[] = s.findings.flatMap((f, i) => findingLines(f, i, width, s.findingExpanded && i === s.findingSelected));
  const height = Math.max(2, findingRows(s) - 2);
  const first = all.findIndex((l) => l.finding === s.findingSelected);
  const last = all.length - 1 - [...all].reverse().findIndex((l) => l.finding === s.findingSelected);
  const lead = s.findingExpanded ? 0 : Math.floor(height / 3);
  const top = Math.max(0, Math.min(Math.max(0, first) - lead + s.findingScroll, all.length - height));
  const lines = all.slice(top, top + height);
  return { lines, above: top, below: Math.max(0, all.length - top - height), selectedEndsInside: first < 0 || last < top + height };
}
