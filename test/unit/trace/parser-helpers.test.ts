/** Hand-written scanners in the parser agree with the regular expressions they replace. */
import { describe, expect, it } from 'vitest';
import { pullImageRef } from '../../../src/trace/parser.js';
import { rng } from '../../helpers/rng.js';

const PULL_RE = /^PullImage "((?:[^"\\]|\\.){1,512})"(.*)$/;


describe('pullImageRef', () => {
  it('matches /^PullImage "((?:[^"\\\\]|\\\\.){1,512})"(.*)$/', () => {
    const r = rng(3);
    const parts = ['a', 'docker.io/library/x:1', '"', '\\', '\\"', '\\\\', '\n', '\r', '\u2028', ' failed', ' returns image reference "sha256:1"', ' ', 'é'];
    const cases = ['PullImage ""', 'PullImage "x"', 'PullImage "x', 'PullImage x', `PullImage "${'y'.repeat(512)}"`, `PullImage "${'y'.repeat(513)}"`, `PullImage "${'\\"'.repeat(512)}" r`, `PullImage "${'\\"'.repeat(513)}"`];
    for (let i = 0; i < 20000; i++) {
      let s = 'PullImage "';
      for (let k = 0; k < Math.floor(r() * 8); k++) s += parts[Math.floor(r() * parts.length)];
      if (r() < 0.01) s += 'z'.repeat(500 + Math.floor(r() * 30));
      cases.push(s);
    }
    for (const s of cases) {
      const m = PULL_RE.exec(s);
      expect(pullImageRef(s), JSON.stringify(s)).toEqual(m ? [m[1], m[2]] : null);
    }
  });
});
