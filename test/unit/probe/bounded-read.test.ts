/** Whole-input reads with a bound: an endless stream or device is an error at the bound, not a growing process. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readFileBounded, readStreamBounded } from '../../../src/probe/bounded-read.js';

describe('bounded reads', () => {
  it('an endless stream stops at the bound: an error naming it, and no more is read', async () => {
    let chunks = 0;
    const endless = Readable.from(
      (function* () {
        for (;;) {
          chunks++;
          yield Buffer.alloc(1 << 16, 0x61);
        }
      })(),
    );
    await expect(readStreamBounded(endless, 'standard input', 2 ** 20)).rejects.toThrow('standard input is more than 1 MiB; a report or pod log is far smaller (nothing of it was used)');
    // 16 chunks fill the MiB, the 17th crosses it; the stream's own buffering reads a few ahead at most
    expect(chunks).toBeLessThan(40);
  });

  it('/dev/zero is binary at its first chunk', () => {
    expect(() => readFileBounded('/dev/zero', 2 ** 20)).toThrow('/dev/zero is a binary file, not a report or a log');
  });

  it('a file within the bound, and one just over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'md-bounded-read-'));
    try {
      writeFileSync(join(dir, 'ok.log'), 'é'.repeat(100));
      expect(readFileBounded(join(dir, 'ok.log'), 200)).toBe('é'.repeat(100));
      expect(() => readFileBounded(join(dir, 'ok.log'), 199)).toThrow(/ok\.log is more than 199 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
