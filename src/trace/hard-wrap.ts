/**
 * Log lines hard-wrapped by a terminal or a paste (an issue, a chat): a record cut at a fixed
 * width goes on in lines that start no record of their own (k3s#11857, containerd#4950). A record
 * that looks cut is held until the next line shows whether it goes on; the lines that continue it
 * are joined to it, so its fields (`url=`, `response.status=`, `host=`) are read.
 */

/** The shortest line taken for one cut by a wrap: terminals wrap at 80 columns or more. */
const MIN_WRAP = 60;

const JOURNALD_SHORT = /[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d /y;

/** Whether `s` at `j` starts a record: logrus text or JSON, a TTY tag, journald, an ISO or klog stamp. */
export function startsRecordAt(s: string, j: number): boolean {
  const c = s.charCodeAt(j);
  if (c === 116 /* t */) return s.startsWith('time=', j);
  if (c === 108 /* l */) return s.startsWith('level=', j);
  if (c === 123 /* { */ || c === 27 /* ESC */) return true;
  if (c >= 65 && c <= 90) {
    // INFO[0000], DEBU[…]; klog I0613 …; journald `Jan 19 18:18:21 host unit[pid]: `
    if (s.charCodeAt(j + 4) === 91 /* [ */) return true;
    const d = s.charCodeAt(j + 1);
    if ((c === 73 || c === 87 || c === 69 || c === 70) && d >= 48 && d <= 57) return true;
    JOURNALD_SHORT.lastIndex = j;
    return JOURNALD_SHORT.test(s);
  }
  // 2025-02-28T09:53:17 (journalctl -o short-iso, RFC 3339 stamps)
  if (c >= 48 && c <= 57) return s.charCodeAt(j + 4) === 45 /* - */ && s.charCodeAt(j + 10) === 84 /* T */;
  return false;
}

/** A record held while the lines after it may continue it. */
export interface HeldRecord {
  text: string;
  /** its first line's number */
  lineNo: number;
  /** physical lines joined to it */
  joined: number;
}

export class HardWrap {
  /** the width a join has shown the input to be wrapped at (0: none seen) */
  private width = 0;
  private held: (HeldRecord & { open: boolean; firstLength: number }) | null = null;

  get holding(): boolean {
    return this.held !== null;
  }

  /** Holds the record `s[i, end)` (line `lineNo`) when it looks cut: within a quoted value, right after `key=`, or at the width a wrap was seen at. */
  hold(s: string, i: number, end: number, lineNo: number): boolean {
    const open = opensQuote(s, i, end, false);
    if (!this.cut(s, i, end, open)) return false;
    this.held = { text: s.slice(i, end), lineNo, joined: 0, open, firstLength: end - i };
    return true;
  }

  /** Joins `s[i, end)`, a line that starts no record, to the held record: the record when it ends there, null while it may go on. */
  append(s: string, i: number, end: number): HeldRecord | null {
    const h = this.held!;
    if (h.joined === 0 && this.width === 0) this.width = h.firstLength;
    h.text += s.slice(i, end);
    h.joined++;
    h.open = opensQuote(s, i, end, h.open);
    return this.cut(s, i, end, h.open) ? null : this.release();
  }

  /** The held record, let go (a record starts, or the input ends); null when none is held. */
  release(): HeldRecord | null {
    const h = this.held;
    this.held = null;
    return h;
  }

  private cut(s: string, i: number, end: number, open: boolean): boolean {
    const len = end - i;
    return len >= MIN_WRAP && (open || s.charCodeAt(end - 1) === 61 /* = */ || len === this.width);
  }
}

/** Whether `s[i, end)` leaves a quoted value open, from `open` before it (`\"` escapes a quote within one). */
function opensQuote(s: string, i: number, end: number, open: boolean): boolean {
  for (let k = i; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === 92 /* \ */) k++;
    else if (c === 34 /* " */) open = !open;
  }
  return open;
}
