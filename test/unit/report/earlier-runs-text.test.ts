import { describe, it, expect } from 'vitest';
import { earlierRunLines } from '../../../src/report/earlier-runs-text.js';

describe('what earlier runs left, as text', () => {
  it('one line per item: removed or left, what, why, and what stopped it', () => {
    expect(
      earlierRunLines([
        { what: 'namespace mirror-doctor-1a2b3c4d', owner: 4242, why: 'its owner, pid 4242, is gone', removed: true, note: null },
        { what: 'namespace mirror-doctor-5e6f7a8b', owner: null, why: 'it carries no owner label (made by an older mirror-doctor)', removed: false, note: 'left in place' },
      ]),
    ).toEqual([
      'removed namespace mirror-doctor-1a2b3c4d — its owner, pid 4242, is gone',
      'left namespace mirror-doctor-5e6f7a8b — it carries no owner label (made by an older mirror-doctor); left in place',
    ]);
    expect(earlierRunLines(undefined)).toEqual([]);
  });
});
