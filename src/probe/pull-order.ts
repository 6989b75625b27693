/**
 * The order the tracer runs its pulls in. Content is shared across namespaces: a blob one pull
 * stored is not fetched again by another, so the order decides which pull shows the mirror's
 * answers for the blobs. The pulls and the namespace removals are given (tracer.ts).
 */
import type { CtrHooks } from './trace-ctr.js';

export type CtrPath = 'ctr' | 'ctr-hosts-dir';

/** How long the CRI pull waits at most for ctr --hosts-dir to have its manifest */
export const CRI_HEAD_START_MS = 300;

export interface PullSteps<R> {
  ctr(path: CtrPath, hooks: CtrHooks): Promise<R>;
  cri(): Promise<R>;
  /** Removes the namespace of `path`'s pull (its blobs with it); started once, the same promise after. */
  removeNamespace(path: CtrPath): Promise<unknown>;
  /** Removes every ctr namespace not removed yet, and waits for all removals. */
  removeAll(): Promise<void>;
}

export interface PullOrderOptions {
  /** whole pulls (trace --full), else each stopped at its verdict */
  full: boolean;
  /** whether to run the CRI pull */
  cri: boolean;
  signal?: AbortSignal | undefined;
}

const noop = () => {};

/**
 * Runs the pulls; returns their results in the order ctr, ctr --hosts-dir, CRI. A failed ctr pull
 * rejects, after every pull and removal has ended.
 *  - full: one after another, each ctr namespace removed before the next pull starts;
 *  - else: ctr --hosts-dir first; the CRI pull once it has its manifest (or has ended, or the head
 *    start passed), so ctr asks for the blobs first and its dump shows every answer at any log
 *    level; ctr without --hosts-dir once ctr --hosts-dir has ended (from a fast upstream it can
 *    fetch a small image whole before its stop at the tag lands).
 */
export async function runPulls<R>(o: PullOrderOptions, steps: PullSteps<R>): Promise<R[]> {
  const out: R[] = [];
  if (o.full) {
    try {
      for (const path of ['ctr', 'ctr-hosts-dir'] as const) {
        if (o.signal?.aborted) break;
        // the removal starts as soon as ctr has exited, while its output is still being parsed
        out.push(await steps.ctr(path, { onExit: () => void steps.removeNamespace(path) }));
        await steps.removeNamespace(path);
      }
    } finally {
      await steps.removeAll();
    }
    if (o.cri && !o.signal?.aborted) out.push(await steps.cri());
    return out;
  }
  let manifestSeen = noop;
  const hostsDirManifest = new Promise<void>((r) => (manifestSeen = r));
  const hostsDirRun = steps.ctr('ctr-hosts-dir', { onManifest: () => manifestSeen() });
  const plainRun = hostsDirRun.then(
    () => steps.ctr('ctr', {}),
    () => steps.ctr('ctr', {}),
  );
  let headStart: NodeJS.Timeout | undefined;
  const headStartOver = new Promise<void>((r) => (headStart = setTimeout(r, CRI_HEAD_START_MS)));
  const criMayStart = Promise.race([hostsDirManifest, hostsDirRun.then(noop, noop), headStartOver]).finally(() => clearTimeout(headStart));
  const ctrRuns = Promise.allSettled([plainRun, hostsDirRun]).then(async (settled) => {
    await steps.removeAll();
    return settled;
  });
  const [settled, criRun] = await Promise.all([ctrRuns, o.cri ? criMayStart.then(() => (o.signal?.aborted ? null : steps.cri())) : Promise.resolve(null)]);
  for (const r of settled) {
    if (r.status === 'rejected') throw r.reason;
    out.push(r.value);
  }
  if (criRun !== null) out.push(criRun);
  return out;
}
