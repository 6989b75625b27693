/**
 * Greedy word wrap to a column count, for text shown whole under a label: breaks at spaces
 * (dropping the space, so a continuation line starts flush), and inside a word only when the word
 * alone is wider than the line (a long URL). Counts code points; ANSI colour codes count as nothing.
 */
export function wrapWords(text: string, width: number): string[] {
  // a snippet's own indentation (TOML under a table) stays on every line it wraps to
  const indent = /^ */.exec(text)![0];
  if (indent) return wrapWords(text.slice(indent.length), width - indent.length).map((l) => indent + l);
  const w = Math.max(10, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (visibleWidth(candidate) <= w) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    // a coloured word is a glyph or an id: never cut inside its escape codes
    let rest = ANSI.test(word) ? [word] : [...word];
    while (rest.length > w) {
      lines.push(rest.slice(0, w).join(''));
      rest = rest.slice(w);
    }
    line = rest.join('');
  }
  lines.push(line);
  return lines;
}

const ANSI = /\u001b\[[0-9;]*m/;
const ANSI_ALL = /\u001b\[[0-9;]*m/g;

/** Columns a line takes on a terminal: code points, colour codes excluded. */
export function visibleWidth(s: string): number {
  return [...s.replace(ANSI_ALL, '')].length;
}

/**
 * One line fitted to a terminal: unchanged when it fits, else wrapped with its continuation lines
 * indented two more columns than the line itself, so they read as part of it.
 */
export function fitLine(line: string, width: number): string[] {
  if (visibleWidth(line) <= width) return [line];
  const indent = /^ */.exec(line)![0];
  const [first, ...rest] = wrapWords(line, width);
  const hang = `${indent}  `;
  return [first!, ...(rest.length ? wrapWords(`${hang}${rest.map((l) => l.trimStart()).join(' ')}`, width) : [])];
}

/** Every line of a text fitted to a terminal's width (fitLine); without a width, the text as it is. */
export function fitText(text: string, width: number | undefined): string {
  return width === undefined ? text : text.split('\n').flatMap((l) => fitLine(l, width)).join('\n');
}
