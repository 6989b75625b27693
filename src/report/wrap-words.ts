/**
 * Greedy word wrap to a column count, for text shown whole under a label: breaks at spaces
 * (dropping the space, so a continuation line starts flush), and inside a word only when the word
 * alone is wider than the line (a long URL). Counts code points; the fix texts are ASCII.
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
    if ([...candidate].length <= w) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    let rest = [...word];
    while (rest.length > w) {
      lines.push(rest.slice(0, w).join(''));
      rest = rest.slice(w);
    }
    line = rest.join('');
  }
  lines.push(line);
  return lines;
}
