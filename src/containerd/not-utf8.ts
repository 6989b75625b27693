/**
 * A TOML file with a byte that is not UTF-8 (a character saved in latin-1 or another legacy
 * encoding, mostly in a comment): go-toml v1 (containerd 1.x) reads it, go-toml v2 (2.x) refuses
 * the file with `toml: invalid UTF-8 character in <where>` at the byte's row and column (seen with
 * containerd 1.6.20, 1.7.24 and 2.1.9 `config dump`).
 */

export interface NotUtf8 {
  /** 1-based line and byte column of the first such byte */
  line: number;
  column: number;
}

/** Our words for it. */
export const NOT_UTF8_PROBLEM = 'a byte that is not UTF-8 (a character saved in latin-1 or another legacy encoding), which containerd 2.x refuses (1.x reads it)';

/** How to fix it in `file`. */
export const notUtf8Fix = (file: string, at: NotUtf8): string =>
  `save ${file} as UTF-8: replace or remove the character at line ${at.line} column ${at.column} (byte column), or convert the whole file if all of it is latin-1: iconv -f latin1 -t utf-8 ${file} > ${file}.utf8 && mv ${file}.utf8 ${file}`;

/**
 * go-toml v2's error for it where the byte's place on its line is known (a comment, a basic,
 * literal or multi-line basic string; the text holds U+FFFD for the byte), else undefined.
 */
export function goTomlV2NotUtf8Error(text: string, at: NotUtf8): string | undefined {
  const line = text.split('\n')[at.line - 1] ?? '';
  const end = line.indexOf('\uFFFD');
  let quote: '"' | "'" | '"""' | "'''" | null = null;
  for (let i = 0; i < (end < 0 ? line.length : end); i++) {
    const c = line[i]!;
    if (quote === null) {
      if (c === '#') return 'toml: invalid UTF-8 character in comment';
      if (c === '"' || c === "'") {
        quote = line.startsWith(c.repeat(3), i) ? (c === '"' ? '"""' : "'''") : c;
        i += quote.length - 1;
      }
    } else if (quote.startsWith('"') && c === '\\') i++;
    else if (line.startsWith(quote, i)) {
      i += quote.length - 1;
      quote = null;
    }
  }
  const where = { '"': 'basic string', "'": 'literal string', '"""': 'multiline basic string' } as Record<string, string>;
  return quote !== null && where[quote] ? `toml: invalid UTF-8 character in ${where[quote]}` : undefined;
}
