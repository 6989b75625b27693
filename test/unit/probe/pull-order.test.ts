/**
 * The order of the tracer's pulls (content is shared across namespaces, so the order decides which
 * pull asks the mirror for the blobs): each step is a pull or removal the test ends by hand.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CRI_HEAD_START_MS, runPulls, type CtrPath, type PullOrderOptions } from '../../../src/probe/pull-order.js';
import type { CtrHooks } from '../../../src/probe/trace-ctr.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

type Path = CtrPath | 'cri';

/** Steps that log what starts, and end only when the test says so. */
function lab(o: Partial<PullOrderOptions> = {}) {
  const events: string[] = [];
  const pulls = new Map<Path, Deferred<string>>();
  const hooks = new Map<CtrPath, CtrHooks>();
  const removals = new Map<CtrPath, Deferred<void>>();
  const pull = (path: Path) => {
    events.push(`start ${path}`);
    const d = deferred<string>();
    pulls.set(path, d);
    return d.promise.finally(() => events.push(`end ${path}`));
  };
  const removal = (path: CtrPath) => {
    let d = removals.get(path);
    if (!d) {
      events.push(`remove ${path}`);
      d = deferred<void>();
      removals.set(path, d);
      d.promise.then(() => events.push(`removed ${path}`), () => {});
    }
    return d.promise;
  };
  const result = runPulls<string>(
    { full: false, cri: true, ...o },
    {
      ctr: (path, h) => {
        hooks.set(path, h);
        return pull(path);
      },
      cri: () => pull('cri'),
      removeNamespace: removal,
      removeAll: async () => {
        events.push('remove all');
        for (const p of ['ctr', 'ctr-hosts-dir'] as const) {
          const r = removal(p);
          removals.get(p)!.resolve();
          await r;
        }
      },
    },
  );
  const end = (path: Path, v: string = path) => pulls.get(path)!.resolve(v);
  return { events, hooks, end, fail: (path: Path, e: Error) => pulls.get(path)!.reject(e), removals, result };
}

/** Lets every settled promise's reactions run. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

afterEach(() => {
  vi.useRealTimers();
});

describe('runPulls: stopped at the verdict', () => {
  it('ctr --hosts-dir first; CRI once it has its manifest; ctr without --hosts-dir once it has ended', async () => {
    const l = lab();
    await settle();
    expect(l.events).toEqual(['start ctr-hosts-dir']);
    l.hooks.get('ctr-hosts-dir')!.onManifest!();
    await settle();
    expect(l.events).toEqual(['start ctr-hosts-dir', 'start cri']);
    l.end('ctr-hosts-dir');
    await settle();
    expect(l.events).toEqual(['start ctr-hosts-dir', 'start cri', 'end ctr-hosts-dir', 'start ctr']);
    l.end('ctr');
    l.end('cri');
    expect(await l.result).toEqual(['ctr', 'ctr-hosts-dir', 'cri']);
    expect(l.events.indexOf('remove all')).toBeGreaterThan(l.events.indexOf('end ctr'));
  });

  it(`without a manifest, CRI starts after the head start (${CRI_HEAD_START_MS} ms), not before`, async () => {
    vi.useFakeTimers();
    const l = lab();
    await vi.advanceTimersByTimeAsync(CRI_HEAD_START_MS - 1);
    expect(l.events).toEqual(['start ctr-hosts-dir']);
    await vi.advanceTimersByTimeAsync(1);
    expect(l.events).toEqual(['start ctr-hosts-dir', 'start cri']);
    l.end('cri');
    l.end('ctr-hosts-dir');
    await vi.advanceTimersByTimeAsync(0);
    l.end('ctr');
    expect(await l.result).toEqual(['ctr', 'ctr-hosts-dir', 'cri']);
  });

  it('ctr --hosts-dir ending before its manifest lets CRI start at once', async () => {
    vi.useFakeTimers();
    const l = lab();
    await settle();
    l.end('ctr-hosts-dir');
    await settle();
    expect(l.events).toEqual(['start ctr-hosts-dir', 'end ctr-hosts-dir', 'start ctr', 'start cri']);
    l.end('ctr');
    l.end('cri');
    expect(await l.result).toEqual(['ctr', 'ctr-hosts-dir', 'cri']);
  });

  it('a failed ctr --hosts-dir: the other pulls still run, the namespaces are removed, then it rejects', async () => {
    const l = lab();
    await settle();
    l.fail('ctr-hosts-dir', new Error('ctr crashed'));
    await settle();
    expect(l.events).toEqual(['start ctr-hosts-dir', 'end ctr-hosts-dir', 'start ctr', 'start cri']);
    l.end('ctr');
    let rejected = false;
    l.result.catch(() => (rejected = true));
    await settle();
    expect(l.events).toContain('remove all');
    expect(rejected).toBe(false);
    l.end('cri');
    await expect(l.result).rejects.toThrow('ctr crashed');
  });

  it('aborted before its start, the CRI pull does not run', async () => {
    const ac = new AbortController();
    const l = lab({ signal: ac.signal });
    await settle();
    ac.abort();
    l.hooks.get('ctr-hosts-dir')!.onManifest!();
    l.end('ctr-hosts-dir');
    await settle();
    l.end('ctr');
    expect(await l.result).toEqual(['ctr', 'ctr-hosts-dir']);
    expect(l.events).not.toContain('start cri');
  });

  it('with no CRI pull asked for, only the ctr pulls run', async () => {
    const l = lab({ cri: false });
    await settle();
    l.hooks.get('ctr-hosts-dir')!.onManifest!();
    l.end('ctr-hosts-dir');
    await settle();
    l.end('ctr');
    expect(await l.result).toEqual(['ctr', 'ctr-hosts-dir']);
    expect(l.events).not.toContain('start cri');
  });
});

describe('runPulls: --full', () => {
  it('one after another, each ctr namespace removed before the next pull starts, CRI last', async () => {
    const l = lab({ full: true });
    await settle();
    expect(l.events).toEqual(['start ctr']);
    // ctr has exited: its namespace's removal starts while its output is still being parsed
    l.hooks.get('ctr')!.onExit!();
    l.end('ctr');
    await settle();
    expect(l.events).toEqual(['start ctr', 'remove ctr', 'end ctr']);
    l.removals.get('ctr')!.resolve();
    await settle();
    expect(l.events).toEqual(['start ctr', 'remove ctr', 'end ctr', 'removed ctr', 'start ctr-hosts-dir']);
    // no onExit (ctr never started): the removal is started all the same
    l.end('ctr-hosts-dir');
    await settle();
    expect(l.events.slice(-2)).toEqual(['end ctr-hosts-dir', 'remove ctr-hosts-dir']);
    expect(l.events).not.toContain('start cri');
    l.removals.get('ctr-hosts-dir')!.resolve();
    await settle();
    expect(l.events.slice(-3)).toEqual(['removed ctr-hosts-dir', 'remove all', 'start cri']);
    l.end('cri');
    expect(await l.result).toEqual(['ctr', 'ctr-hosts-dir', 'cri']);
  });

  it('aborted after the first pull: no other pull starts, the namespaces are removed', async () => {
    const ac = new AbortController();
    const l = lab({ full: true, signal: ac.signal });
    await settle();
    l.end('ctr');
    ac.abort();
    await settle();
    l.removals.get('ctr')!.resolve();
    expect(await l.result).toEqual(['ctr']);
    expect(l.events).toEqual(['start ctr', 'end ctr', 'remove ctr', 'removed ctr', 'remove all', 'remove ctr-hosts-dir', 'removed ctr-hosts-dir']);
  });
});
