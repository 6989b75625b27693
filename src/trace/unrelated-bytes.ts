/**
 * TraceParser.unrelated on bytes: whether a UTF-8 line is a logrus-text line that cannot matter
 * while no dump is being read, decided before any of it is decoded. The same tests on the same
 * characters: every one compares ASCII characters, and in UTF-8 a byte below 0x80 is always that
 * ASCII character (those of other characters are all 0x80 or more).
 */
import { mayStartMessageAt } from './messages.js';

const HTTP = Buffer.from('HTTP/', 'latin1');

export class UnrelatedBytes {
  /** Where `HTTP/` is at or after the last position asked about in `buf` (Infinity: nowhere). */
  private nextHttp = -1;
  private buf: Buffer | null = null;
  /** `buf`'s memory as 32-bit words, from the word that holds its first byte, which is `off` bytes into it */
  private words: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private off = 0;

  /** The UTF-8 line `b[i, end)` (`b[end]` is its newline or past the end) cannot matter. */
  test(b: Buffer, i: number, end: number): boolean {
    if (b[i] !== 116 || b[i + 1] !== 105 || b[i + 2] !== 109 || b[i + 3] !== 101 || b[i + 4] !== 61 || b[i + 5] !== 34) return false;
    const tq = this.quoteAt(b, i + 6, end);
    if (tq >= end || b[tq - 1] === 92) return false;
    // the first ` msg=` after the time, and whether a quote comes before it
    let quoted = false;
    let k = tq + 1;
    for (; k < end; k++) {
      const c = b[k];
      if (c === 32) {
        if (b[k + 1] === 109 && b[k + 2] === 115 && b[k + 3] === 103 && b[k + 4] === 61) break;
      } else if (c === 34) quoted = true;
    }
    if (k >= end) return true;
    if (quoted || mayStartMessageAt(b, b[k + 5] === 34 ? k + 6 : k + 5)) return false;
    return this.httpAt(b, k) >= end;
  }

  /**
   * The first `"` in `b[from, end)`, or `end`: four bytes at a time (the time before it is ~30
   * bytes, the most of a line this reads).
   */
  private quoteAt(b: Buffer, from: number, end: number): number {
    if (b !== this.buf) this.use(b);
    const off = this.off;
    let p = from;
    while (p < end && ((p + off) & 3) !== 0) {
      if (b[p] === 34) return p;
      p++;
    }
    // the words wholly before `end`; a word holds a 0x22 byte iff `v ^ 0x22222222` holds a zero byte
    const words = this.words;
    const last = (end + off) >> 2;
    let w = (p + off) >> 2;
    for (; w < last; w++) {
      const v = (words[w] as number) ^ 0x22222222;
      if (((v - 0x01010101) & ~v & 0x80808080) !== 0) break;
    }
    for (p = (w << 2) - off; p < end; p++) if (b[p] === 34) return p;
    return end;
  }

  /** Reads `b` from now on: its bytes as aligned 32-bit words too. */
  private use(b: Buffer): void {
    this.buf = b;
    this.nextHttp = -1;
    const base = b.byteOffset & ~3;
    this.off = b.byteOffset - base;
    this.words = new Int32Array(b.buffer, base, (b.buffer.byteLength - base) >> 2);
  }

  /** The first `HTTP/` at or after `from` in `b`: searched about once per buffer, as lines come in order. */
  private httpAt(b: Buffer, from: number): number {
    if (b !== this.buf) this.use(b);
    if (this.nextHttp < from) {
      const k = b.indexOf(HTTP, from);
      this.nextHttp = k < 0 ? Infinity : k;
    }
    return this.nextHttp;
  }

  /** Forgets the buffer (its bytes change when it is reused). */
  reset(): void {
    this.buf = null;
    this.nextHttp = -1;
  }
}
