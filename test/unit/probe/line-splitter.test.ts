import { describe, it, expect } from 'vitest';
import { LineSplitter, MAX_LINE_BYTES } from '../../../src/probe/ctr-runner.js';

function split(chunks: Buffer[]): string[] {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l));
  for (const c of chunks) s.push(c);
  s.end();
  return out;
}

describe('LineSplitter', () => {
  it('splits on newlines across chunk boundaries, keeping UTF-8 intact', () => {
    const text = Buffer.from('a=1\nmsg="é😀"\nlast');
    const chunks = [text.subarray(0, 6), text.subarray(6, 9), text.subarray(9)];
    expect(split(chunks)).toEqual(['a=1', 'msg="é😀"', 'last']);
  });

  it('keeps empty lines and emits no line for a trailing newline', () => {
    expect(split([Buffer.from('x\n\ny\n')])).toEqual(['x', '', 'y']);
  });

  it('cuts an overlong line (a dumped blob body) without decoding the rest, and goes on', () => {
    const body = Buffer.alloc(MAX_LINE_BYTES * 10, 0x41);
    const out = split([Buffer.from('time="t" level=info msg="'), body.subarray(0, 30_000), body.subarray(30_000), Buffer.from('"\nnext line\n')]);
    expect(out).toHaveLength(2);
    expect(out[0]!.startsWith('time="t" level=info msg="AAAA')).toBe(true);
    expect(out[0]!.length).toBeLessThan(700);
    expect(out[0]).toMatch(/… \[\d+ more bytes of this line not kept\]$/);
    expect(out[1]).toBe('next line');
  });

  it('a line of exactly the limit is kept whole', () => {
    const line = 'x'.repeat(MAX_LINE_BYTES);
    expect(split([Buffer.from(`${line}\n`)])).toEqual([line]);
  });
});
