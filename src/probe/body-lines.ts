/**
 * Lines of a dumped binary body, recognised on their raw bytes (never decoded).
 *
 * With --http-dump, ctr prints every response body through logrus, one INFO entry per chunk
 * between `\n` bytes: for a blob that is hundreds of MB of `time="…" level=info msg="<escaped
 * bytes>"` lines. The TraceParser skips such a line unread when it is inside a binary body (its
 * `binaryBodyLine` shape test); decoding it to a string first costs more than everything else
 * the tracer does. `BodyLineFilter` recognises the same lines on the bytes and hands the parser a
 * short stand-in with the same shape (so its line numbers and state move exactly as with the real
 * line), or says "decode it" for anything it is not sure about.
 */
import type { TraceParser } from '../trace/parser.js';

const TIME = Buffer.from('time="');
const LEVEL_MSG = Buffer.from(' level=info msg="');
const HTTP = Buffer.from('HTTP/');
const MSG_EQ = Buffer.from('msg=');
/** bytes of the message kept in the stand-in: more than any message prefix the parser tests */
const STUB_BYTES = 48;
/** the stand-in for a body line whose message does not start with a letter */
export const BODY_STUB = 'time="" level=info msg="\\x00"';

/** True while the parser is inside a binary response body, where it skips body-shaped lines unread. */
export function parserInBinaryBody(parser: TraceParser): boolean {
  return parser.inBinaryBody;
}

/**
 * Finds the next occurrence of one pattern in a chunk, remembering it so that the lines of one
 * chunk, asked in order, search each byte only once (an unbounded `indexOf` per line would scan
 * to the end of the chunk every time).
 */
class NextOccurrence {
  private buf: Buffer | null = null;
  private from = 0;
  private at = -1;
  constructor(private readonly pattern: Buffer) {}

  /** Is there an occurrence starting in [start, end) of buf (end: the pattern must end by then)? */
  within(buf: Buffer, start: number, end: number): boolean {
    if (buf !== this.buf || start < this.from || (this.at >= 0 && this.at < start)) {
      this.buf = buf;
      this.from = start;
      this.at = buf.indexOf(this.pattern, start);
    }
    return this.at >= 0 && this.at + this.pattern.length <= end;
  }
}

function startsWithAt(buf: Buffer, at: number, end: number, p: Buffer): boolean {
  if (end - at < p.length) return false;
  for (let k = 0; k < p.length; k++) if (buf[at + k] !== p[k]) return false;
  return true;
}

/** Recognises binary-body lines on their bytes; one per stream (it remembers its place in a chunk). */
export class BodyLineFilter {
  private readonly http = new NextOccurrence(HTTP);
  private readonly watched: Buffer[];

  /** @param watched messages the caller looks for itself: a line whose message starts with one is always decoded */
  constructor(watched: readonly string[] = []) {
    this.watched = watched.map((w) => Buffer.from(w));
  }

  /**
   * For the line buf[start, end) (no newline, no trailing CR): a short stand-in the parser treats
   * exactly as this line, inside a binary body — or null when the line must be decoded. A line
   * qualifies when it has the parser's body-line shape (`time="…" level=info msg="…"`, the quoted
   * message running to the end of the line), its message holds no `HTTP/` (a glued request or
   * status line) and no `msg="` inside (an unescaped quote: not logrus output), and does not
   * start with a watched message.
   */
  stub(buf: Buffer, start: number, end: number): string | null {
    if (!startsWithAt(buf, start, end, TIME)) return null;
    const q = buf.indexOf(34, start + TIME.length);
    if (q < 0 || q >= end || !startsWithAt(buf, q + 1, end, LEVEL_MSG)) return null;
    const c = q + 1 + LEVEL_MSG.length; // the first byte of the message
    const close = end - 1;
    if (close <= c || buf[close] !== 34) return null;
    let bs = 0;
    for (let k = close - 1; k >= c && buf[k] === 92; k--) bs++;
    if (bs % 2 === 1) return null;
    for (const w of this.watched) if (startsWithAt(buf, c, close + 1, w)) return null;
    if (this.http.within(buf, c, close)) return null;
    // `msg="` inside: look at the quotes in the message (logrus escapes them: about one a line)
    for (let p = buf.indexOf(34, c); p >= 0 && p < close; p = buf.indexOf(34, p + 1)) {
      if (p - c >= MSG_EQ.length && startsWithAt(buf, p - MSG_EQ.length, p, MSG_EQ)) return null;
    }
    // the stand-in: when the message starts with a letter, the line up to a few dozen bytes of
    // its message, closed again (a trailing backslash would escape the closing quote), so that the
    // parser's tests of a message's start see what they would see in the line; else (most lines:
    // every message the parser knows starts with a letter) one fixed line of the same shape
    const first = buf[c]!;
    if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122))) return BODY_STUB;
    let cut = Math.min(close, c + STUB_BYTES);
    while (cut > c && buf[cut - 1] === 92) cut--;
    if (cut === c) return null;
    return `${buf.toString('utf8', start, cut)}"`;
  }
}

/**
 * The `rawLine` hook of runStreamed for a ctr pull parsed by `parser`: inside a binary body, a
 * line with the body-line shape is fed to the parser as its stand-in and taken (not decoded).
 * `watched`: messages the caller tests lines for itself; `onTaken` is told when a line was taken.
 */
export function bodyLineSkipper(
  parser: TraceParser,
  watched: readonly string[],
  onTaken: (readAt: number) => void,
): (buf: Buffer, start: number, end: number, stream: 'stdout' | 'stderr', readAt: number) => boolean {
  const filters = { stdout: new BodyLineFilter(watched), stderr: new BodyLineFilter(watched) };
  return (buf, start, end, stream, readAt) => {
    if (!parserInBinaryBody(parser)) return false;
    const stub = filters[stream].stub(buf, start, end);
    if (stub === null) return false;
    parser.feed(stub);
    onTaken(readAt);
    return true;
  };
}
