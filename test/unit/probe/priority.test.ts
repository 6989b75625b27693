import { describe, it, expect } from 'vitest';
import { getPriority } from 'node:os';
import { lowerPriority } from '../../../src/probe/priority.js';

describe('lowerPriority', () => {
  it('lowers once for nested uses and restores when the last one ends (root only; else a no-op)', () => {
    const before = getPriority();
    const a = lowerPriority(5);
    const b = lowerPriority(5);
    const during = getPriority();
    if (process.getuid?.() === 0) expect(during).toBe(Math.min(19, before + 5));
    else expect(during).toBe(before);
    a();
    a(); // ending twice counts once
    expect(getPriority()).toBe(during);
    b();
    expect(getPriority()).toBe(before);
  });
});
