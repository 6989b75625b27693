/**
 * A check's documentation, from the copy of docs/checks.md built into the tool: what
 * `mirror-doctor checks ID` prints, so that a report's `docs:` link can be followed on the node.
 */
import { CHECKS_DOC_TEXT } from './checks-doc-text.js';
import { CRASH_ID } from './finding.js';
import type { CheckInfo } from './registry.js';

/** The markdown of `id`'s section (its heading line excluded), or null when the doc has none. */
export function checkDocSection(id: string, doc: string = CHECKS_DOC_TEXT): string | null {
  const heading = id === CRASH_ID ? `\n## ${id}\n` : `\n### ${id}\n`;
  const start = doc.indexOf(heading);
  if (start < 0) return null;
  const from = start + heading.length;
  const next = doc.slice(from).search(/\n#{2,3} /);
  return doc.slice(from, next < 0 ? doc.length : from + next).trim();
}

/**
 * The first line of a check's section in docs/checks.md, from the registry: default severity,
 * the sources that show the behaviour, containerd's documentation when it has some.
 */
export function checkDocHeadline(info: CheckInfo): string {
  // our own docs are repository paths; docs/checks.md links them from docs/
  const href = (url: string) => (/^https?:/.test(url) ? url : `../${url}`);
  const sources = info.sources.map((s) => `[${s.label}](${href(s.url)})${s.url1x ? ` ([1.7](${s.url1x}))` : ''}`).join(', ');
  return [`**Default severity:** ${info.severity}`, `**Source:** ${sources}`, ...(info.upstream ? [`**containerd docs:** ${info.upstream}`] : [])].join(' · ');
}

/** Markdown made easy to read in a terminal: no bold markers, paragraphs wrapped at `width`. */
export function markdownForTerminal(md: string, width = 100): string {
  const out: string[] = [];
  for (const para of md.replace(/\*\*/g, '').split(/\n{2,}/)) {
    // lists, tables and code keep their lines
    if (/^\s*([-*]|\d+\.|\||```)/m.test(para)) {
      out.push(para);
      continue;
    }
    const words = para.split(/\s+/).filter(Boolean);
    const lines: string[] = [];
    let line = '';
    for (const w of words) {
      if (line && line.length + 1 + w.length > width) {
        lines.push(line);
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    if (line) lines.push(line);
    out.push(lines.join('\n'));
  }
  return out.join('\n\n');
}
