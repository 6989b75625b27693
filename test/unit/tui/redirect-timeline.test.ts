/**
 * The trace timeline's rows show each request's redirect chain (recorded pulls through the lab's
 * redirecting mirrors: 127.0.0.1:20010 → 20014 serves, 127.0.0.1:20011 → 20015 refuses).
 */
import { describe, expect, it } from 'vitest';
import { redirectText, timeline } from '../../../src/session/trace-timeline.js';
import { redirectTraceRun } from '../../helpers/facts-fixture.js';

function rows(series: string, scenario: string) {
  const run = redirectTraceRun(series, scenario).paths.find((p) => p.path === 'ctr-hosts-dir')!;
  return timeline({ path: run.path, command: '', status: 'done', startedAt: 0, lines: [], run }).rows;
}

describe('redirects in the trace timeline', () => {
  it('a served chain: the 307, the target, and its 200', () => {
    const redirected = rows('1.7', 'redirect-served').filter((r) => r.redirect);
    expect(redirected).toHaveLength(4);
    for (const r of redirected) expect(r).toMatchObject({ host: '127.0.0.1:20010', mirror: true, result: '200 ok', ok: true, redirect: '307 → 127.0.0.1:20014: 200 ok', redirectOk: true });
  });

  it('a refused chain: where it broke', () => {
    const r = rows('1.7', 'redirect-refused').find((x) => x.redirect)!;
    expect(r).toMatchObject({ host: '127.0.0.1:20011', ok: false, redirect: '307 → 127.0.0.1:20015: connection-refused', redirectOk: false });
  });

  it('a chain only an error names, and one with no answer', () => {
    expect(redirectText({ hops: [{ status: null, location: 't:7' }], finalHost: 't:7', finalStatus: 403, outcome: 'forbidden', error: 'x', evidence: 'error' })).toBe('3xx → t:7: 403 forbidden');
    expect(redirectText({ hops: [{ status: 307, location: 't:8' }], finalHost: 't:8', finalStatus: null, outcome: null, error: null, evidence: 'dump' })).toBe('307 → t:8: no answer');
  });
});
