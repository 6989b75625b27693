/** "ask the daemon" is not a green tick when the daemon did not answer: the step's outcome is its item's. */
import { describe, expect, it } from 'vitest';
import { reduceAll } from '../../../src/session/check-session.js';
import { gatherListeners } from '../../../src/session/gather-events.js';
import type { SessionEvent } from '../../../src/session/session-state.js';
import { labFacts } from '../../helpers/facts-fixture.js';
import { detected, frame, T0 } from './render.js';

describe('the daemon step', () => {
  it('unreachable: ✗ ask the daemon, with why; reachable: ✓', async () => {
    const facts = await labFacts('2.1', 'mirror-404');
    const events: SessionEvent[] = [{ type: 'ref-chosen', ref: facts.ref.input, at: T0 }];
    const cb = gatherListeners((e) => events.push(e), () => T0 + 1);
    cb.onStep('versions');
    cb.onStep('daemon');
    cb.onStepOutcome({ status: 'error', detail: 'not reachable at /run/x.sock: connect ECONNREFUSED' });
    cb.onStep('config.toml');
    const out = frame(reduceAll(detected(facts), events));
    expect(out).toContain('✓ read the versions');
    expect(out).toContain('✗ ask the daemon (version, plugins, CRI status)');
    expect(out).toContain('not reachable at /run/x.sock: connect ECONNREFUSED');
    expect(out).not.toContain('✓ ask the daemon');

    const fine: SessionEvent[] = [{ type: 'ref-chosen', ref: facts.ref.input, at: T0 }];
    const ok = gatherListeners((e) => fine.push(e), () => T0 + 1);
    ok.onStep('daemon');
    ok.onStep('config.toml');
    expect(frame(reduceAll(detected(facts), fine))).toContain('✓ ask the daemon (version, plugins, CRI status)');
  });
});
