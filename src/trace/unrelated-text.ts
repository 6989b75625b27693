/**
 * A `time="…" … msg=…` line that cannot matter while no dump is being read: its message starts
 * like no message the parser reads, and it holds no `HTTP/` (no dump starts). Decided from a few
 * characters in the line itself, without reading its fields; most lines of a node's log
 * (sandboxes, containers, shims) end here. Both readings of a logrus line (fastLogrus and
 * scanLine) take the message only right after the time and the level, so the first ` msg=` after
 * the time is it, unless a quoted value comes between (then this says nothing); a line without one
 * has no message. The message is compared as written: logrus never writes a printable character
 * of it as an escape. UnrelatedBytes decides the same on bytes.
 */
import { mayStartMessage, SANDBOX_FAILED_START } from './messages.js';

export class UnrelatedText {
  /** Where `HTTP/` is at or after the last position asked about in the text (Infinity: nowhere). */
  private nextHttp = -1;

  /** The line `s[i, end)` cannot matter. */
  test(s: string, i: number, end: number): boolean {
    if (s.charCodeAt(i) !== 116 /* t */ || !s.startsWith('time="', i)) return false;
    const tq = s.indexOf('"', i + 6);
    if (tq < 0 || tq >= end || s.charCodeAt(tq - 1) === 92) return false;
    const k = s.indexOf(' msg=', tq + 1);
    if (k < 0 || k >= end) return true;
    if (s.indexOf('"', tq + 1) < k) return false;
    const m = s.charCodeAt(k + 5) === 34 ? k + 6 : k + 5;
    if (mayStartMessage(s, m)) return false;
    // a sandbox failure is logged at level error: kept unless the level written before the message is another
    if (s.charCodeAt(m) === 82 && s.startsWith(SANDBOX_FAILED_START, m) && !otherLevel(s, tq + 1, k)) return false;
    return this.httpAt(s, k) >= end;
  }

  /** Reads another text from now on. */
  reset(): void {
    this.nextHttp = -1;
  }

  /**
   * The first `HTTP/` (a status or request line; a redirect's request says `HTTP/0.0`) at or after
   * `from` in the text being fed. Remembered: lines come in order, so the text is searched about
   * once, however many lines ask.
   */
  private httpAt(s: string, from: number): number {
    if (this.nextHttp < from) {
      const k = s.indexOf('HTTP/', from);
      this.nextHttp = k < 0 ? Infinity : k;
    }
    return this.nextHttp;
  }
}

/** Whether `s[a, k)` is ` level=L` for a level other than error that containerd writes there (info, debug, warning). */
function otherLevel(s: string, a: number, k: number): boolean {
  switch (k - a) {
    case 11: return s.startsWith(' level=info', a);
    case 12: return s.startsWith(' level=debug', a);
    case 14: return s.startsWith(' level=warning', a);
    default: return false;
  }
}
