/**
 * Parsing one input in two segments at once, with the same documents as parsing it in one go.
 *
 * The second segment's parser (B) starts at a line boundary with no past, except the daemon-wide
 * facts a quick scan of the first segment found (DaemonFactScan). Once it has created enough
 * groups to fill the parser's window, it records checkpoints: after line N its state hashes to H,
 * and it had finalised D documents (CheckpointRecorder). The first segment's parser (A) reads from
 * the start, past the cut, and compares its own state at those lines (CheckpointMatcher). Equal
 * state after the same line means equal documents from then on, so the output is A's documents
 * finalised up to that line followed by B's from its D-th on. When no checkpoint matches (a pull
 * still open across the whole window, a fact the scan guessed wrong, …), A reads on to the end and
 * B's work is dropped: slower, never different.
 *
 * Pure: the CLI (src/cli/parse-split.ts) runs A and B on two threads; `parseTextInSegments` runs
 * them one after the other on a string, which is how the tests check the stitching.
 */
import { createHash } from 'node:crypto';
import { TraceParser, WINDOW, type TraceParserOptions } from './parser.js';
import type { TraceDoc } from './schema.js';

/** The parser state after a line, as a short hash (see TraceParser.stateKey). */
export function stateHash(p: TraceParser): string {
  return createHash('sha1').update(p.stateKey()).digest('hex');
}

export interface Checkpoint {
  /** the state is taken right after this line (numbered from 1 in the whole input) */
  line: number;
  /** stateHash after that line */
  hash: string;
  /** documents the parser had finalised by then (B's output from this index on is kept) */
  docs: number;
}

export interface CheckpointPlan {
  /** groups B must have created before its first checkpoint (more than the parser's WINDOW) */
  warmupGroups: number;
  /** how many checkpoints B records */
  count: number;
  /** lines between two checkpoints */
  spacing: number;
}

export const DEFAULT_PLAN: CheckpointPlan = { warmupGroups: WINDOW + 40, count: 6, spacing: 2000 };

/** B's side: records checkpoints once the parser has created `plan.warmupGroups` groups. */
export class CheckpointRecorder {
  readonly checkpoints: Checkpoint[] = [];
  private armed = false;

  constructor(
    private readonly p: TraceParser,
    private readonly plan: CheckpointPlan = DEFAULT_PLAN,
  ) {}

  /** All checkpoints recorded. */
  get complete(): boolean {
    return this.checkpoints.length >= this.plan.count;
  }

  /** Call between the blocks fed to the parser: arms the first checkpoint when it is time. */
  afterBlock(): void {
    if (this.armed || this.complete || this.p.groupsCreated < this.plan.warmupGroups) return;
    this.armed = true;
    this.arm(this.p.lines + 1);
  }

  private arm(line: number): void {
    this.p.watchLine(line, (l) => {
      this.checkpoints.push({ line: l, hash: stateHash(this.p), docs: this.p.finalisedCount });
      if (!this.complete) this.arm(l + this.plan.spacing);
      return false;
    });
  }
}

/** A's side: stops the parser at the first checkpoint whose state it shares. */
export class CheckpointMatcher {
  /** the checkpoint A's state matched (A stopped right after its line), or null */
  matched: Checkpoint | null = null;
  private next = 0;

  constructor(
    private readonly p: TraceParser,
    private readonly checkpoints: readonly Checkpoint[],
  ) {
    this.armNext();
  }

  /** Every checkpoint passed without a match (or there were none): A must read to the end. */
  get exhausted(): boolean {
    return this.matched === null && this.next >= this.checkpoints.length;
  }

  private armNext(): void {
    // a checkpoint A has already passed cannot be compared any more
    while (this.next < this.checkpoints.length && (this.checkpoints[this.next] as Checkpoint).line <= this.p.lines) this.next++;
    const cp = this.checkpoints[this.next];
    if (!cp) return;
    this.p.watchLine(cp.line, () => {
      this.next++;
      if (stateHash(this.p) === cp.hash) {
        this.matched = cp;
        return true;
      }
      this.armNext();
      return false;
    });
  }
}

/** Daemon-wide facts as TraceParser.daemonFacts returns them. */
export type DaemonFacts = ReturnType<TraceParser['daemonFacts']>;

/**
 * The messages that set daemon-wide facts (TraceParser's daemonInfo). The scan looks for them as
 * plain text, in any line format; a line it misreads only costs the checkpoint match.
 */
const FACT_PATTERNS = ['starting containerd', 'starting cri plugin', 'Start cri plugin with config', 'failed to load plugin'].map((s) => Buffer.from(s, 'latin1'));
/** The first request's user agent names the version when no `starting containerd` did. */
const UA_PATTERN = Buffer.from('user-agent', 'latin1');

/**
 * The daemon-wide facts of the lines before B's start, from their bytes: lines that hold one of
 * the fact messages (and, until a version is known, lines with a user agent) are decoded and fed,
 * in order, to a parser of their own. Also counts the lines. Feed it whole lines only.
 */
export class DaemonFactScan {
  private readonly scratch = new TraceParser();
  /** newlines seen */
  lines = 0;

  /** `buf` holds whole lines, each ending in `\n`. */
  add(buf: Buffer): void {
    for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) this.lines++;
    const hits: number[] = [];
    for (const pat of FACT_PATTERNS) for (let i = buf.indexOf(pat); i >= 0; i = buf.indexOf(pat, i + pat.length)) hits.push(i);
    hits.sort((a, b) => a - b);
    let from = 0;
    for (const h of hits) {
      from = this.uaUntil(buf, from, h);
      // not a second pattern on a line already fed
      if (h >= from) from = this.feedLineAt(buf, h);
    }
    this.uaUntil(buf, from, buf.length);
  }

  /** Feeds lines with a user agent in buf[from, to) while no version is known; returns where it stopped. */
  private uaUntil(buf: Buffer, from: number, to: number): number {
    while (this.scratch.daemonFacts().containerdVersion === null) {
      const i = buf.indexOf(UA_PATTERN, from);
      if (i < 0 || i >= to) break;
      from = this.feedLineAt(buf, i);
    }
    return from;
  }

  /** Feeds the line holding byte `i`; returns the index after its newline. */
  private feedLineAt(buf: Buffer, i: number): number {
    const a = buf.lastIndexOf(10, i) + 1;
    let b = buf.indexOf(10, i);
    if (b < 0) b = buf.length;
    this.scratch.feed(buf.toString('utf8', a, b));
    return b + 1;
  }

  facts(): DaemonFacts {
    return this.scratch.daemonFacts();
  }
}

export interface SegmentRun {
  docs: TraceDoc[];
  /** the checkpoint where A handed over to B, or null (A read everything) */
  matched: Checkpoint | null;
  checkpoints: Checkpoint[];
}

/**
 * The two-segment parse of `text` (lines joined by `\n`), cut after the newline at or after
 * `cut`, run on one thread: B first, then A. Returns the stitched documents (equal to
 * parseTraceText(text) when the protocol is right). For tests, and as the reference for the CLI.
 */
export function parseTextInSegments(text: string, cut: number, opts: Pick<TraceParserOptions, 'ref'> = {}, plan: CheckpointPlan = DEFAULT_PLAN): SegmentRun {
  const nl = text.indexOf('\n', cut);
  if (nl < 0) {
    const a = new TraceParser(opts);
    a.feedText(text);
    return { docs: [...a.drain(), ...a.end()], matched: null, checkpoints: [] };
  }
  const head = text.slice(0, nl + 1);
  const tail = text.slice(nl + 1);
  const scan = new DaemonFactScan();
  scan.add(Buffer.from(head, 'utf8'));
  // B: from the line after the cut, fed in blocks as the CLI feeds it
  const b = new TraceParser({ ...opts, firstLine: scan.lines + 1 });
  b.seedDaemonFacts(scan.facts());
  const rec = new CheckpointRecorder(b, plan);
  const bDocs: TraceDoc[] = [];
  for (const block of blocksOf(tail)) {
    b.feedText(block);
    rec.afterBlock();
    bDocs.push(...b.drain());
  }
  bDocs.push(...b.end());
  // A: the head, then on past the cut until a checkpoint matches
  const a = new TraceParser(opts);
  const aDocs: TraceDoc[] = [];
  for (const block of blocksOf(head)) {
    a.feedText(block);
    aDocs.push(...a.drain());
  }
  const m = new CheckpointMatcher(a, rec.checkpoints);
  for (const block of blocksOf(tail)) {
    if (a.isStopped) break;
    a.feedText(block);
    aDocs.push(...a.drain());
  }
  if (m.matched) return { docs: [...aDocs, ...bDocs.slice(m.matched.docs)], matched: m.matched, checkpoints: rec.checkpoints };
  aDocs.push(...a.end());
  return { docs: aDocs, matched: null, checkpoints: rec.checkpoints };
}

/**
 * `text` as blocks of whole lines of about 64 KiB, as readLogBlocks yields a file's: a final
 * newline ends the last line (no empty line after it), and an empty text has no line.
 */
export function* blocksOf(text: string): Generator<string> {
  if (text === '') return;
  if (text.endsWith('\n')) text = text.slice(0, -1);
  for (let i = 0; i <= text.length; ) {
    let e = i + 65536 >= text.length ? text.length : text.lastIndexOf('\n', i + 65536);
    if (e < i) e = text.indexOf('\n', i + 65536);
    if (e < 0) e = text.length;
    yield text.slice(i, e);
    i = e + 1;
  }
}
