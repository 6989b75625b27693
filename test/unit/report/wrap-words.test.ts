import { describe, expect, it } from 'vitest';
import { wrapWords } from '../../../src/report/wrap-words.js';

describe('wrapWords', () => {
  it('breaks at spaces, continuation lines flush, nothing lost', () => {
    const t = 'a pull-through cache must be configured for this upstream; a mirror that routes by path';
    const lines = wrapWords(t, 30);
    expect(lines.every((l) => l.length <= 30 && !l.startsWith(' '))).toBe(true);
    expect(lines.join(' ')).toBe(t);
  });

  it('a word wider than the line is cut into pieces of the width', () => {
    const url = `'http://127.0.0.1:7272/v2/library/mirror-doctor-demo/manifests/1.0?ns=docker.io'`;
    const lines = wrapWords(`curl -sSI ${url}`, 40);
    expect(lines[0]).toBe('curl -sSI');
    expect(lines.slice(1).join('')).toBe(url);
    expect(lines.every((l) => l.length <= 40)).toBe(true);
  });

  it('keeps a snippet line\'s indentation on every piece', () => {
    expect(wrapWords('  capabilities = ["pull", "resolve"]', 24)).toEqual(['  capabilities =', '  ["pull", "resolve"]']);
    expect(wrapWords('', 20)).toEqual(['']);
  });
});
