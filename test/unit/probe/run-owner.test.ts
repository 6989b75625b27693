import { describe, it, expect } from 'vitest';
import { currentOwner, ownerEnvValue, ownerFromEnv, ownerFromLabels, ownerLabels, ownerState, processStart } from '../../../src/probe/run-owner.js';

const me = { pid: 100, start: '5000', boot: 'boot-a', pidNs: '4026531836' };

describe('run owner', () => {
  it('reads this process: its pid, a start time from /proc, the boot and the pid namespace', () => {
    const o = currentOwner();
    expect(o.pid).toBe(process.pid);
    expect(o.start).toMatch(/^\d+$/);
    expect(processStart(process.pid)).toBe(o.start);
    expect(o.boot).toMatch(/^[0-9a-f-]{36}$/);
    expect(o.pidNs).toMatch(/^\d+$/);
    expect(ownerState(o, o)).toEqual({ state: 'alive' });
  });

  it('round-trips through labels and the environment value', () => {
    expect(ownerFromLabels(ownerLabels(me))).toEqual(me);
    expect(ownerFromEnv(ownerEnvValue(me))).toEqual(me);
    expect(ownerFromLabels({})).toBeNull();
    expect(ownerFromLabels({ 'mirror-doctor.owner-pid': 'x' })).toBeNull();
    expect(ownerFromEnv('garbage')).toBeNull();
  });

  it('tells a live owner from a gone one, and says when it cannot tell', () => {
    const starts: Record<number, string> = { 100: '5000', 200: '7000' };
    const startOf = (pid: number) => starts[pid] ?? null;
    expect(ownerState({ ...me, pid: 200, start: '7000' }, me, startOf)).toEqual({ state: 'alive' });
    expect(ownerState({ ...me, pid: 300 }, me, startOf)).toMatchObject({ state: 'gone', why: 'its owner, pid 300, is gone' });
    // the pid was reused by a later process
    expect(ownerState({ ...me, pid: 200, start: '6000' }, me, startOf)).toMatchObject({ state: 'gone', why: expect.stringContaining('started later') });
    expect(ownerState({ ...me, boot: 'boot-b' }, me, startOf)).toMatchObject({ state: 'gone', why: expect.stringContaining('reboot') });
    expect(ownerState({ ...me, pidNs: '1' }, me, startOf)).toMatchObject({ state: 'unknown', why: expect.stringContaining('another pid namespace') });
    expect(ownerState({ ...me, start: '' }, me, startOf)).toMatchObject({ state: 'unknown' });
  });
});
