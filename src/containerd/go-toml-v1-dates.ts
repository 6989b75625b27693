/**
 * Dates and times go-toml v1 (containerd 1.x, config.toml and hosts.toml) refuses where TOML and
 * smol-toml accept them (go-toml v1.9 lexer.go lexDateTime, lexTime, lexTimeOffset): after
 * `YYYY-MM-DD` only the end of the file, `T` or a space may follow (not a newline, tab, `,`, `]`,
 * `}` or `t`); a time needs its seconds; the UTC offset is an upper-case `Z` only. Checked against
 * the 1.6 and 1.7 binaries (test/integration/config-startup.test.ts).
 */
import type { TomlScan } from './toml-scan.js';

export interface GoTomlV1DateError {
  /** Offset in the text of the character go-toml v1 stops at. */
  offset: number;
  error: string;
}

const DIGIT = /[0-9]/;
const digits = (t: string, at: number, n: number) => new RegExp(`^[0-9]{${n}}$`).test(t.slice(at, at + n));
const shown = (c: string | undefined) => (c === undefined ? 'the end of the file' : c === '\n' || c === '\r' ? 'the end of the line' : c === '\t' ? 'a tab' : `\`${c}\``);

/** go-toml v1's verdict on the time at `at` (HH:MM:SS[.fff]), then the offset: null when it reads it. */
function timeError(t: string, at: number, timeOnly: boolean): GoTomlV1DateError | null {
  if (!(digits(t, at, 2) && t[at + 2] === ':' && digits(t, at + 3, 2) && t[at + 5] === ':' && digits(t, at + 6, 2))) {
    return { offset: at, error: 'go-toml v1 (containerd 1.x) wants a time with its seconds (HH:MM:SS)' };
  }
  let p = at + 8;
  if (t[p] === '.') for (p++; p < t.length && DIGIT.test(t[p]!); p++);
  if (timeOnly) return null;
  if (t[p] === 'z') return { offset: p, error: 'go-toml v1 (containerd 1.x) takes only an upper-case `Z` as the UTC offset' };
  return null;
}

/** go-toml v1's verdict on the value that starts at `at` (a date, a time, or anything else). */
function valueError(t: string, at: number): GoTomlV1DateError | null {
  if (digits(t, at, 2) && t[at + 2] === ':') return timeError(t, at, true);
  if (!(digits(t, at, 4) && t[at + 4] === '-' && digits(t, at + 5, 2) && t[at + 7] === '-' && digits(t, at + 8, 2))) return null;
  const next = t[at + 10];
  if (next === undefined) return null;
  if (next === 'T') return timeError(t, at + 11, false);
  if (next === ' ') return digits(t, at + 11, 2) ? timeError(t, at + 11, false) : null;
  return { offset: at + 10, error: `go-toml v1 (containerd 1.x) reads a date only when a space, \`T\` or the end of the file follows it, not ${shown(next)}` };
}

/** The first date or time in the file that go-toml v1 refuses (1-based line and column), or null. */
export function goTomlV1DateError(text: string, scan: TomlScan): (GoTomlV1DateError & { line: number; column: number }) | null {
  const starts = scan.keyValues.flatMap((kv) => [kv.value.offset, ...(kv.elements ?? []).map((e) => e.offset)]).sort((a, b) => a - b);
  for (const at of starts) {
    const e = valueError(text, at);
    if (!e) continue;
    const before = text.slice(0, e.offset);
    return { ...e, line: before.split('\n').length, column: e.offset - before.lastIndexOf('\n') };
  }
  return null;
}
