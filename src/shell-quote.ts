/** Words quoted for a POSIX shell, so a command we print can be pasted and runs with the same arguments. */

/** One word: as is when it holds only safe characters, else in single quotes ('\'' for a quote inside). */
export function shellQuote(s: string): string {
  return s !== '' && /^[\w@%+=:,./-]*$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A command line from its words. */
export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
