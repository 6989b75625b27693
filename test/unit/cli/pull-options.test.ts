import { describe, expect, it } from 'vitest';
import { pullTimings } from '../../../src/cli/pull-options.js';

describe('pullTimings', () => {
  it('stops a connected mirror that does not answer after --stall unless --response-timeout says otherwise', () => {
    expect(pullTimings({})).toEqual({ timeoutMs: 60_000, stallMs: 2000, responseStallMs: 2000 });
    expect(pullTimings({ stall: '5' })).toMatchObject({ stallMs: 5000, responseStallMs: 5000 });
    expect(pullTimings({ stall: '5', responseTimeout: '30' })).toMatchObject({ stallMs: 5000, responseStallMs: 30_000 });
  });
  it('rejects a bad --response-timeout with a clear error', () => {
    expect(() => pullTimings({ responseTimeout: 'soon' })).toThrow('--response-timeout must be a number of seconds from 0 to 3600, not "soon"');
  });
});
