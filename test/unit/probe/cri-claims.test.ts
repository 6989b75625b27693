import { describe, it, expect } from 'vitest';
import { lockId, removalDecision } from '../../../src/probe/cri-claims.js';

const base = { removable: true, liveOthers: 0, unknownOthers: 0, usedByContainer: false, present: true };

describe('the CRI image removal decision', () => {
  it('removes an image the runs pulled once no other run needs it', () => {
    expect(removalDecision(base)).toEqual({ remove: true, leftover: null });
  });
  it('never removes an image that was there before, or that is gone already', () => {
    expect(removalDecision({ ...base, removable: false })).toEqual({ remove: false, leftover: null });
    expect(removalDecision({ ...base, present: false })).toEqual({ remove: false, leftover: null });
  });
  it('leaves it to the last run out while another run still holds a claim', () => {
    expect(removalDecision({ ...base, liveOthers: 2 })).toEqual({ remove: false, leftover: null });
  });
  it('keeps an image a container uses (kubelet started one from it meanwhile)', () => {
    expect(removalDecision({ ...base, usedByContainer: true })).toEqual({ remove: false, leftover: null });
  });
  it('leaves it, and says so, when a claim of a run it cannot see remains', () => {
    expect(removalDecision({ ...base, unknownOthers: 1 })).toEqual({ remove: false, leftover: expect.stringContaining('left in place') });
  });
  it('locks per image: a valid containerd lease id, the same for the same reference', () => {
    const id = lockId('docker.io/library/nginx:1.27');
    expect(id).toMatch(/^mirror-doctor-lock-[0-9a-f]{16}$/);
    expect(lockId('docker.io/library/nginx:1.27')).toBe(id);
    expect(lockId('docker.io/library/nginx:1.28')).not.toBe(id);
  });
});
