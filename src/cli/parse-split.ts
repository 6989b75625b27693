/**
 * `mirror-doctor parse FILE --json` on two threads: the main thread parses the file from its
 * start, a worker thread the second half, and the two are stitched at a checkpoint where their
 * states are equal (the protocol and why it gives the same output: src/trace/segments.ts). The
 * worker writes its documents to a temporary file, which the main thread copies out after its own.
 *
 * Opt-in (MIRROR_DOCTOR_PARSE_THREADS=2), for a regular, uncompressed file of 16 MiB or more on a
 * machine with two CPUs or more. Measured on the 2-CPU machine of docs/benchmarks.md (where two
 * busy threads get ~1.4× the work of one done) it is no faster than the one-thread parse, whose
 * young generation is large (sizeGarbage in parse.ts), for ~50% more CPU; it needs ~140 MiB
 * instead of ~115 MiB, and the single-file build, whose two heaps each hold the whole bundle,
 * ~150 MiB, over the 150 MB that parse promises by default: hence not the default.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { readLogBlocks } from '../probe/log-source.js';
import { mark } from '../probe/timeline.js';
import { TraceParser } from '../trace/parser.js';
import { traceDocJson } from '../trace/render-json.js';
import { CheckpointRecorder, DaemonFactScan, type Checkpoint } from '../trace/segments.js';

/** workerData.kind of a segment worker (the single-file build dispatches on it). */
export const SEGMENT_WORKER_KIND = 'mirror-doctor.parse-segment';
/** Where the single-file build registers itself as the worker's script. */
export const WORKER_ENTRY = Symbol.for('mirror-doctor.worker-entry');

const MIN_SPLIT_BYTES = 1 << 24;

export interface SplitPlan {
  /** the worker's first byte: just after a newline past 55% of the file */
  start: number;
}

/** Where to cut `file` for a two-thread parse, or null when it should be parsed on one thread. */
export function planSplit(file: string, env: NodeJS.ProcessEnv = process.env): SplitPlan | null {
  if (file === '-' || env.MIRROR_DOCTOR_PARSE_THREADS !== '2' || availableParallelism() < 2) return null;
  let fd: number | null = null;
  try {
    const st = statSync(file);
    if (!st.isFile() || st.size < MIN_SPLIT_BYTES) return null;
    fd = openSync(file, 'r');
    const head = Buffer.alloc(2);
    // gzip (the worker could not start in the middle of it)
    if (readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b) return null;
    const probe = Buffer.alloc(1 << 16);
    // the worker first scans the bytes before its start (line count, daemon facts): it gets the
    // smaller part (measured on the 256 MiB benchmark log: 55% for the main thread was the best)
    const mid = Math.floor(st.size * 0.55);
    const n = readSync(fd, probe, 0, probe.length, mid);
    const nl = probe.subarray(0, n).indexOf(10);
    // no newline within 64 KiB of the middle: not a log worth splitting
    if (nl < 0 || mid + nl + 1 >= st.size) return null;
    return { start: mid + nl + 1 };
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export interface SegmentJob {
  kind: typeof SEGMENT_WORKER_KIND;
  file: string;
  start: number;
  ref: string | null;
  /** the file the worker writes its documents to, each as `,\n` + JSON */
  out: string;
}

export type SegmentMessage =
  | { type: 'checkpoints'; checkpoints: Checkpoint[] }
  | {
      type: 'done';
      /** byte offset in `out` of the document each checkpoint keeps first (by checkpoint line) */
      offsets: Record<number, number>;
      docs: number;
      /** index of the last document with result failure, -1 for none */
      lastFailed: number;
    }
  | { type: 'error'; message: string };

/** The worker's side: parses the file from `job.start` to its end (see segments.ts). */
export async function runSegmentJob(job: SegmentJob, post: (m: SegmentMessage) => void): Promise<void> {
  // the lines before the start: how many, and the daemon-wide facts they set
  const scan = new DaemonFactScan();
  {
    const fd = openSync(job.file, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 22);
      let carry = 0;
      for (let pos = 0; pos < job.start; ) {
        const n = readSync(fd, buf, carry, Math.min(buf.length - carry, job.start - pos), pos);
        if (n === 0) break;
        pos += n;
        const have = carry + n;
        const last = pos >= job.start ? have - 1 : buf.lastIndexOf(10, have - 1);
        if (last < 0) {
          // one line longer than the buffer: counted, not scanned for facts
          carry = 0;
          continue;
        }
        scan.add(buf.subarray(0, last + 1));
        carry = have - last - 1;
        buf.copy(buf, 0, last + 1, have);
      }
    } finally {
      closeSync(fd);
    }
  }
  mark('parse worker: lines before the cut counted', { lines: scan.lines });
  const parser = new TraceParser({ ref: job.ref, firstLine: scan.lines + 1 });
  parser.seedDaemonFacts(scan.facts());
  const rec = new CheckpointRecorder(parser);
  let sent = false;
  const out = openSync(job.out, 'w');
  let written = 0;
  let docs = 0;
  let lastFailed = -1;
  const offsets: Record<number, number> = {};
  const wantOffset = new Map<number, number[]>();
  // one buffer for every write (they are synchronous): a fresh one per write would be garbage
  // outside V8's heap, freed only by a later collection
  let wbuf = Buffer.allocUnsafeSlow(1 << 19);
  /** All of `text`, even if the system writes it in parts (the offsets count every byte). */
  const writeAll = (text: string): number => {
    // a UTF-16 code unit takes at most 3 bytes in UTF-8
    if (text.length * 3 > wbuf.length) wbuf = Buffer.allocUnsafeSlow(text.length * 3);
    const n = wbuf.write(text, 0, 'utf8');
    for (let at = 0; at < n; ) at += writeSync(out, wbuf, at, n - at);
    return n;
  };
  const write = (ds: ReturnType<TraceParser['drain']>) => {
    if (ds.length === 0) return;
    let text = '';
    for (const d of ds) {
      for (const line of wantOffset.get(docs) ?? []) offsets[line] = written + Buffer.byteLength(text);
      if (d.result === 'failure') lastFailed = docs;
      docs++;
      text += ',\n' + traceDocJson(d);
      if (text.length > 1 << 17) {
        written += writeAll(text);
        text = '';
      }
    }
    if (text) written += writeAll(text);
  };
  const sendCheckpoints = () => {
    sent = true;
    for (const cp of rec.checkpoints) {
      if (cp.docs < docs) throw new Error('checkpoint before documents already written');
      wantOffset.set(cp.docs, [...(wantOffset.get(cp.docs) ?? []), cp.line]);
    }
    mark('parse worker: checkpoints', { count: rec.checkpoints.length });
    post({ type: 'checkpoints', checkpoints: rec.checkpoints });
  };
  try {
    for await (const blocks of readLogBlocks(job.file, { start: job.start })) {
      for (const block of blocks) {
        parser.feedText(block);
        rec.afterBlock();
      }
      if (!sent && rec.complete) {
        sendCheckpoints();
        // for the test of the main thread's recovery from a worker lost after the hand-over
        if (process.env.MIRROR_DOCTOR_FAULT === 'parse-worker-after-checkpoints') throw new Error('fault injected after the checkpoints');
      }
      if (sent) write(parser.drain());
    }
    if (!sent) sendCheckpoints();
    write(parser.drain());
    write(parser.end());
  } finally {
    closeSync(out);
  }
  for (const cp of rec.checkpoints) offsets[cp.line] ??= written;
  mark('parse worker: done', { docs, bytes: written });
  post({ type: 'done', offsets, docs, lastFailed });
}

/** The main thread's handle on a running segment worker. */
export class SegmentWorker {
  readonly checkpoints: Promise<Checkpoint[] | null>;
  readonly done: Promise<Extract<SegmentMessage, { type: 'done' }> | null>;
  /** Settles once the worker runs JavaScript (its V8 heap is set up), or has failed to start. */
  readonly online: Promise<void>;
  private readonly worker: Worker;
  private readonly dir: string;
  readonly out: string;

  private stopped = false;

  /** Starts a worker for the bytes from `start` on; null when it cannot start (then parse on one thread). */
  static start(file: string, start: number, ref: string | null): SegmentWorker | null {
    try {
      return new SegmentWorker(file, start, ref);
    } catch {
      return null;
    }
  }

  private constructor(file: string, start: number, ref: string | null) {
    this.dir = mkdtempSync(join(tmpdir(), 'mirror-doctor-parse-'));
    // also when the process ends early (an error, stdout closed): the file is ours to remove
    process.once('exit', this.cleanup);
    this.out = join(this.dir, 'segment.json');
    const job: SegmentJob = { kind: SEGMENT_WORKER_KIND, file, start, ref, out: this.out };
    const registered = (globalThis as Record<symbol, unknown>)[WORKER_ENTRY];
    const script = typeof registered === 'string' ? new URL(registered) : new URL('./parse-worker.js', import.meta.url);
    try {
      // a young generation of 2 MiB, as the main thread's next to a worker (sizeGarbage in parse.ts): the default is 16 MiB
      this.worker = new Worker(script, { workerData: job, stdout: false, stderr: false, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
    } catch (e) {
      this.cleanup();
      throw e;
    }
    this.online = new Promise((r) => {
      this.worker.once('online', () => r());
      this.worker.once('exit', () => r());
    });
    let cps: (v: Checkpoint[] | null) => void = () => {};
    let fin: (v: Extract<SegmentMessage, { type: 'done' }> | null) => void = () => {};
    this.checkpoints = new Promise((r) => (cps = r));
    this.done = new Promise((r) => (fin = r));
    this.worker.on('message', (m: SegmentMessage) => {
      if (m.type === 'checkpoints') cps(m.checkpoints);
      else if (m.type === 'done') fin(m);
      else {
        cps(null);
        fin(null);
      }
    });
    const gone = () => {
      cps(null);
      fin(null);
    };
    this.worker.on('error', gone);
    this.worker.on('exit', gone);
  }

  /** Stops the worker (its output is not needed) and removes its file. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.worker.terminate().catch(() => undefined);
    this.cleanup();
  }

  readonly cleanup = (): void => {
    process.off('exit', this.cleanup);
    rmSync(this.dir, { recursive: true, force: true });
  };
}

/** Runs the job of a worker thread, reporting to `port`; an error is reported, never thrown. */
export async function runSegmentWorkerThread(job: unknown, port: { postMessage: (m: SegmentMessage) => void }): Promise<void> {
  try {
    const j = job as SegmentJob;
    if (!j || j.kind !== SEGMENT_WORKER_KIND) throw new Error('not a parse segment job');
    await runSegmentJob(j, (m) => port.postMessage(m));
  } catch (e) {
    port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}
