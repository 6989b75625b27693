/**
 * UnrelatedText on bytes: whether a UTF-8 line is a logrus-text line that cannot matter
 * while no dump is being read, decided before any of it is decoded. The same tests on the same
 * characters: every one compares ASCII characters, and in UTF-8 a byte below 0x80 is always that
 * ASCII character (those of other characters are all 0x80 or more).
 */
import { mayStartMessageAt, SANDBOX_FAILED_START } from './messages.js';

const HTTP = Buffer.from('HTTP/', 'latin1');
const SANDBOX = Buffer.from(SANDBOX_FAILED_START, 'latin1');

/** Four ASCII characters as the little-endian 32-bit word DataView.getInt32(p, true) reads. */
const word = (s: string): number => s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24);
const TIME = word('time');
const LEVE = word('leve');
const SP_MSG = word(' msg');
const INFO = word('info');
const DEBU = word('debu');
const WARN = word('warn');
const ERRO = word('erro');

export class UnrelatedBytes {
  /** Where `HTTP/` is at or after the last position asked about in `buf` (Infinity: not before `limit`). */
  private nextHttp = -1;
  private buf: Buffer | null = null;
  /** Where the lines asked about end: `HTTP/` is searched no further (not to the end of the buffer for each piece of it). */
  private limit = 0;
  /** `buf` as a DataView, to read four bytes at a time at any offset */
  private view: DataView = new DataView(new ArrayBuffer(0));
  /** whether the level msgAfterLevel read last is error */
  private levelError = false;

  /** The UTF-8 line `b[i, end)` (`b[end]` is its newline or past the end) cannot matter. */
  test(b: Buffer, i: number, end: number): boolean {
    if (b !== this.buf) this.use(b);
    const v = this.view;
    if (end - i < 6 || v.getInt32(i, true) !== TIME || b[i + 4] !== 61 || b[i + 5] !== 34) return false;
    const tq = this.quoteAt(b, i + 6, end);
    if (tq >= end || b[tq - 1] === 92) return false;
    // the first ` msg=` after the time: where containerd writes it (` level=info msg=`), or searched
    const k = this.msgAfterLevel(b, tq, end);
    if (k < 0) return this.msgSearched(b, tq, end);
    const m = b[k + 5] === 34 ? k + 6 : k + 5;
    if (mayStartMessageAt(b, m) || (this.levelError && b[m] === 82 && startsAt(b, m, SANDBOX))) return false;
    return this.httpAt(b, k) >= end;
  }

  /**
   * Where ` msg=` is when ` level=L msg=` follows the time's closing quote at `tq`, L one of the
   * levels containerd logs pulls at (the first ` msg=` after the time, no quote before it); else -1.
   */
  private msgAfterLevel(b: Buffer, tq: number, end: number): number {
    if (tq + 20 > end) return -1;
    const v = this.view;
    if (b[tq + 1] !== 32 || v.getInt32(tq + 2, true) !== LEVE || b[tq + 6] !== 108 || b[tq + 7] !== 61) return -1;
    const w = v.getInt32(tq + 8, true);
    let k: number;
    if (w === INFO) k = tq + 12;
    else if (w === DEBU && b[tq + 12] === 103) k = tq + 13;
    else if (w === ERRO && b[tq + 12] === 114) k = tq + 13;
    else if (w === WARN && b[tq + 12] === 105 && b[tq + 13] === 110 && b[tq + 14] === 103) k = tq + 15;
    else return -1;
    this.levelError = w === ERRO;
    return k + 5 <= end && v.getInt32(k, true) === SP_MSG && b[k + 4] === 61 ? k : -1;
  }

  /** test's verdict from the time's closing quote at `tq`, the first ` msg=` after it searched byte by byte. */
  private msgSearched(b: Buffer, tq: number, end: number): boolean {
    let quoted = false;
    let k = tq + 1;
    for (; k < end; k++) {
      const c = b[k];
      if (c === 32) {
        if (b[k + 1] === 109 && b[k + 2] === 115 && b[k + 3] === 103 && b[k + 4] === 61) break;
      } else if (c === 34) quoted = true;
    }
    if (k >= end) return true;
    const m = b[k + 5] === 34 ? k + 6 : k + 5;
    // a sandbox failure at any level: the level is not where containerd writes it
    if (quoted || mayStartMessageAt(b, m) || startsAt(b, m, SANDBOX)) return false;
    return this.httpAt(b, k) >= end;
  }

  /** The first `"` in `b[from, end)`, or `end`: four bytes at a time (the time before it is ~30 bytes). */
  private quoteAt(b: Buffer, from: number, end: number): number {
    const v = this.view;
    let p = from;
    // a word holds a 0x22 byte iff `w ^ 0x22222222` holds a zero byte
    for (const last = end - 4; p <= last; p += 4) {
      const w = v.getInt32(p, true) ^ 0x22222222;
      if (((w - 0x01010101) & ~w & 0x80808080) !== 0) break;
    }
    while (p < end && b[p] !== 34) p++;
    return p;
  }

  /** Reads `b` from now on. */
  private use(b: Buffer): void {
    this.buf = b;
    this.nextHttp = -1;
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** The first `HTTP/` at or after `from` in `b` before `limit` (else Infinity): searched about once per call of `start`, as lines come in order. */
  private httpAt(b: Buffer, from: number): number {
    if (this.nextHttp < from) {
      const k = from < this.limit ? b.subarray(from, this.limit).indexOf(HTTP) : -1;
      this.nextHttp = k < 0 ? Infinity : from + k;
    }
    return this.nextHttp;
  }

  /** Asks from now on about lines that end at `limit` or before, of a buffer whose bytes may have changed since (it is reused). */
  start(limit: number): void {
    this.buf = null;
    this.nextHttp = -1;
    this.limit = limit;
  }
}

/** Whether `b` holds the bytes of `w` at `at`. */
function startsAt(b: Buffer, at: number, w: Buffer): boolean {
  if (at + w.length > b.length) return false;
  for (let j = 0; j < w.length; j++) if (b[at + j] !== w[j]) return false;
  return true;
}
