/**
 * The incremental trace parser: `feed(line)` one input line at a time, `end()` for the documents.
 *
 * Pull grouping: a group starts at ctr's `fetching image=…`, CRI's `PullImage "…"`, a resolver
 * `resolving` when the current group is already past its resolve, the first `--http-dump` request
 * with no open group, a transfer-mode progress line, or a lone `ctr: …` error. ctr's final error,
 * `Completed pull …`, `done: …` and CRI's `PullImage … failed/returns` close a group.
 *
 * In 2.x transfer mode ctr's side (dump, progress, final error) and the daemon's side (resolver
 * lines) describe one pull; when both are in the input they form two groups that `end()` joins
 * (same reference, one client-only and one daemon-only group).
 *
 * Never throws: every `feed` is guarded, and a line that breaks a handler is counted and skipped.
 */
import { challengeSummary, DumpAssembler, type DumpRequest } from './dump.js';
import { MAX_SCAN, scanLine, wantedFields, wantedFieldsOf, type Level, type LogLine } from './line.js';
import { readValue, unquoteGo } from './logfmt.js';
import {
  kindFromPath,
  normalizeRef,
  outcomeFromError,
  outcomeFromStatus,
  parseStatus,
  refFromPath,
  registryOfHost,
  splitUrl,
  DIGEST_RE,
} from './classify.js';
import {
  TRACE_SCHEMA,
  type AttemptKind,
  type LineFormat,
  type Outcome,
  type PullMode,
  type TraceAttempt,
  type TraceDoc,
  type TraceResult,
} from './schema.js';
import { mayRedact, redact } from '../report/redact.js';
import { PullSet } from './pull-set.js';
import { hostsDirServes, registryAndRepository, repositoryOfUrl, sameRepository, urlInError } from './concurrent.js';

export interface TraceParserOptions {
  /** Keep only pulls of this image (normalised like containerd does). */
  ref?: string | null;
  /** Called once per group as soon as its result is decided (success or failure). */
  onDecided?: (doc: TraceDoc) => void;
  /**
   * The number of the first line fed (default 1): a parser started in the middle of a file (see
   * segments.ts) numbers its lines as the whole file does.
   */
  firstLine?: number;
}

/** An attempt being assembled: the schema's fields (its outcome not known yet) and the parser's bookkeeping. */
interface Attempt extends Omit<TraceAttempt, 'outcome'> {
  outcome: Outcome | null;
  /** created by `resolving` and not yet filled by `do request` */
  placeholder: boolean;
  /** a `trying next host` / `fetch failed` line was seen for it */
  nextLogged: boolean;
  dump: DumpRequest | null;
}

interface Group {
  /** creation order (0, 1, 2, …): which groups may be joined depends on it, not on the window */
  ordinal: number;
  first: number;
  last: number;
  formats: LineFormat[];
  client: boolean;
  daemon: boolean;
  cri: boolean;
  /** the image name exactly as CRI's PullImage logged it (matches its failed/returns lines) */
  criName: string | null;
  ctrStart: boolean;
  mode: PullMode | null;
  ref: string | null;
  urlRef: string | null;
  version: string | null;
  hostsDir: string | null;
  tomlErrors: { dir: string | null; error: string }[];
  debug: Attempt[];
  dump: Attempt[];
  resolvedHost: string | null;
  resolvedDigest: string | null;
  resolveFailed: boolean;
  unpacking: boolean;
  result: TraceResult | null;
  error: string | null;
  closed: boolean;
  warnings: string[];
  decidedSent: boolean;
  joined: boolean;
  /** the line of the `starting containerd` that cut this pull off, or null */
  interrupted: number | null;
}

const HTTPS_FIRST = 'host will try HTTPS first since it is configured for HTTP with a TLS configuration';

/**
 * The resolver / CRI messages the parser reads in full, by length first: no hash of a freshly cut
 * message is computed (as a Set lookup would).
 */
function isResolverMsg(msg: string): boolean {
  switch (msg.length) {
    case 5: return msg === 'fetch';
    case 8: return msg === 'resolved' || msg === 'fetching';
    case 9: return msg === 'resolving' || msg === 'unpacking';
    case 10: return msg === 'do request';
    case 12: return msg === 'Unauthorized' || msg === 'fetch failed';
    case 16: return msg === 'trying next host';
    case 18: return msg === 'registering stream';
    case 19: return msg === 'starting cri plugin' || msg === 'starting containerd';
    case 20: return msg === 'token request failed' || msg === 'Verifying image pull';
    case 21: return msg === 'failed to load plugin';
    case 22: return msg === 'loading host directory';
    case 23: return msg === 'fetch response received';
    case 27: return msg === 'failed to decode hosts.toml';
    case 35: return msg === 'transient transport error, retrying';
    case 42: return msg === 'httpReadSeeker: failed to close ReadCloser';
    case 48: return msg === 'authorization error using bearer token, retrying';
    case 51: return msg === 'trying next host - response was http.StatusNotFound';
    case 58: return msg === 'no Docker-Content-Digest header, fetching manifest instead';
    case 59: return msg === 'remote host ignored content range, forcing parallelism to 1';
    default: return false;
  }
}

/** Cheap first-character test for messages that may matter (prefilter before any Set/field work). */
function interesting(msg: string): boolean {
  if (isResolverMsg(msg)) return true;
  const c = msg.charCodeAt(0);
  // t(rying…) f(etch…/failed…) P(ullImage/Pulled) S(tart cri) h(ost will…) C(onfiguration) I(gnoring) F(ound) c(ancel)
  switch (c) {
    case 116: return msg.startsWith('trying next host after status: ');
    case 102: return msg.startsWith('fetch failed after status: ') || msg.startsWith('failed to decode ') || msg.startsWith('failed to load plugin ');
    case 80: return msg.startsWith('PullImage ') || msg.startsWith('Pulled image ');
    case 83: return msg.startsWith('Start cri plugin with config ');
    case 104: return msg.startsWith(HTTPS_FIRST);
    case 67: return msg.startsWith('Configuration migrated from version');
    case 73: return msg.startsWith('Ignoring unknown key in TOML');
    case 70: return msg.startsWith("Found '");
    case 99: return msg.startsWith('cancel pulling image');
    default: return false;
  }
}

const UA_RE = /containerd\/([0-9][0-9A-Za-z.+~_-]{0,40})/;

/** INFO messages the parser reads that could otherwise pass for a line of a body. */
const BODY_LOOKALIKE = /^(trying next host|fetch failed|failed to|host will try|PullImage|Pulled image|Start cri|starting cri|Configuration migrated|Ignoring unknown|Found '|cancel pulling|resolving|loading host|resolved|request)/;

export class TraceParser {
  private groups: Group[] = [];
  private cur: Group | null = null;
  /** CRI pulls not ended yet, oldest first (two or more: their daemon lines may interleave) */
  private readonly openCri = new PullSet<Group>();
  private lineNo = 0;
  private pendingDir: string | null = null;
  private pendingToml: { dir: string | null; error: string }[] = [];
  private pendingTransfer = false;
  private pendingWarnings: string[] = [];
  private dumpAsm: DumpAssembler;
  private dumpGroup: Group | null = null;
  private readonly daemonInfo = { criConfigPath: null as string | null, pluginErrors: [] as { plugin: string; error: string }[], version: null as string | null };
  /** lines a handler choked on (should stay 0; kept for diagnostics) */
  skipped = 0;
  private ended: TraceDoc[] | null = null;
  /** the fields of the line being handled (one holder for every line: none is kept) */
  private readonly fields = wantedFields();
  /** The LogLine fastLogrus fills for each line it hands on. */
  private readonly fastLine: LogLine = {
    kind: 'log',
    format: 'logrus-text',
    inner: 'logrus-text',
    level: null,
    msg: '',
    time: null, // never read by the parser (scanLine fills it for other callers)
    client: false,
    src: '',
    at: 0,
    end: 0,
    pre: null,
  };
  /** groups created so far (the next group's ordinal) */
  private created = 0;
  /** documents finalised so far (drained or not) */
  private finalised = 0;
  /** the line after which `onLine` is called (see `watchLine`) */
  private watchAt = -1;
  private onWatch: ((line: number) => boolean) | null = null;
  /** set by a watch that returned true: the rest of the input is ignored */
  private stopped = false;

  constructor(private readonly opts: TraceParserOptions = {}) {
    this.dumpAsm = new DumpAssembler((r) => this.onDumpRequest(r));
    const first = opts.firstLine;
    if (first !== undefined && Number.isSafeInteger(first) && first > 1) this.lineNo = first - 1;
  }

  /** Daemon-wide facts of the current daemon run (CRI config_path, CRI plugin load failures), and the version. */
  daemonFacts(): { criConfigPath: string | null; pluginErrors: { plugin: string; error: string }[]; containerdVersion: string | null } {
    return {
      criConfigPath: this.daemonInfo.criConfigPath,
      pluginErrors: this.daemonInfo.pluginErrors.map((e) => ({ ...e })),
      containerdVersion: this.daemonInfo.version,
    };
  }

  /** Number of lines fed so far. */
  get lines(): number {
    return this.lineNo;
  }

  /**
   * True while inside a binary response body of an --http-dump, where body-shaped lines are
   * skipped unread (a live tracer may recognise them on their bytes and not decode them).
   */
  get inBinaryBody(): boolean {
    return this.dumpAsm.inBinaryBody;
  }

  /** True once the most recent pull has a result (a live tracer may stop reading). */
  get decided(): boolean {
    return this.cur !== null && this.cur.result !== null && this.cur.result !== 'incomplete';
  }

  feed(raw: string): void {
    this.lineNo++;
    if (this.ended) return;
    try {
      if (!(this.dumpAsm.inBinaryBody && typeof raw === 'string' && this.binaryBodyLine(raw, 0, raw.length))) {
        this.handle(typeof raw === 'string' ? (raw.length > MAX_SCAN ? raw.slice(0, MAX_SCAN) : raw) : String(raw));
      }
    } catch {
      this.skipped++;
    }
    if (this.lineNo === this.watchAt) this.fireWatch();
  }

  /**
   * Feeds a block of whole lines joined by `\n` (as `readLogBlocks` yields them; `"a\nb"` is two
   * lines, `""` one empty line). The same as feeding each line, only faster: a line that cannot
   * matter (a logrus-text line whose message is not one the parser reads) is recognised from its
   * first few fields without being cut out of the block or scanned further.
   */
  feedText(text: string): void {
    if (typeof text !== 'string') text = String(text);
    const n = text.length;
    for (let i = 0; ; ) {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? n : nl;
      this.lineNo++;
      if (!this.ended) {
        try {
          // a line of a dumped blob body: nothing to read (it can be hundreds of MB of them)
          if (this.dumpAsm.inBinaryBody && this.binaryBodyLine(text, i, end)) {
            /* skipped */
          }
          // the hot shape first: logrus text, scanned in place; anything else takes the full path
          else if (!this.fastLogrus(text, i, end)) this.handle(end - i > MAX_SCAN ? text.slice(i, i + MAX_SCAN) : text.slice(i, end));
        } catch {
          this.skipped++;
        }
        if (this.lineNo === this.watchAt && this.fireWatch()) return;
      }
      if (nl < 0) break;
      i = nl + 1;
    }
  }

  /**
   * Calls `onLine(line)` right after line number `line` was handled by feedText (once; a later
   * call replaces the watch). When it returns true the parser stops: everything fed after that
   * line is ignored, as after end(), and end() adds nothing for the groups still open.
   */
  watchLine(line: number, onLine: (line: number) => boolean): void {
    this.watchAt = line;
    this.onWatch = onLine;
  }

  private fireWatch(): boolean {
    const f = this.onWatch;
    this.watchAt = -1;
    this.onWatch = null;
    if (f === null || !f(this.lineNo)) return false;
    this.stopped = true;
    this.ended = [];
    return true;
  }

  /** True once a watch stopped the parser. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Documents finalised so far: the ones drain() returned plus the ones it would return now. */
  get finalisedCount(): number {
    return this.finalised;
  }

  /** Groups created so far. */
  get groupsCreated(): number {
    return this.created;
  }

  /**
   * Everything the parser will ever read of its past, as one string: two parsers with equal keys
   * after the same line produce the same documents from then on (given the same input). Creation
   * ordinals count from the oldest open group (only their differences matter), so a parser that
   * started mid-file can match one that read it all. Costly (it serialises every open group): for
   * checkpoints, not for every line.
   */
  stateKey(): string {
    const base = this.groups.length > 0 ? (this.groups[0] as Group).ordinal : this.created;
    const ix = (g: Group | null) => (g === null ? null : this.groups.indexOf(g));
    const strayed = (g: Group | null) => (g !== null && this.groups.indexOf(g) < 0 ? g : null);
    return JSON.stringify(
      {
        line: this.lineNo,
        ended: this.ended !== null,
        nextOrdinal: this.created - base,
        groups: this.groups.map((g) => [g.ordinal - base, g]),
        cur: ix(this.cur),
        curStray: strayed(this.cur),
        dumpGroup: ix(this.dumpGroup),
        dumpGroupStray: strayed(this.dumpGroup),
        pendingDir: this.pendingDir,
        pendingToml: this.pendingToml,
        pendingTransfer: this.pendingTransfer,
        pendingWarnings: this.pendingWarnings,
        dump: this.dumpAsm.stateKey(),
        daemon: this.daemonInfo,
        // the CRI pulls told apart (a new pull drops another of its image, or the oldest of too many)
        openCri: [...this.openCri].map(ix),
      },
      // JSON would write NaN, ±Infinity and -0 as null and 0: keep them apart
      (k, v) => (k === 'ordinal' ? undefined : typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? `#number:${Object.is(v, -0) ? '-0' : v}` : v),
    );
  }

  /**
   * Starts from daemon-wide facts read elsewhere (a parser started mid-file, given what the lines
   * before its start said: see segments.ts). Only before the first line is fed.
   */
  seedDaemonFacts(f: { criConfigPath: string | null; pluginErrors: { plugin: string; error: string }[]; containerdVersion: string | null }): void {
    this.daemonInfo.criConfigPath = f.criConfigPath;
    this.daemonInfo.pluginErrors = f.pluginErrors.map((e) => ({ plugin: e.plugin, error: e.error }));
    this.daemonInfo.version = f.containerdVersion;
  }

  /**
   * The logrus-text line `s[i, end)` (`time=… level=… msg=… fields`), scanned in place exactly as
   * scanLine/scanLogrusText would: a line whose message does not matter is dropped without being
   * cut out of the block; one that matters becomes a LogLine without a second scan. Returns false
   * (nothing done) for anything unusual — quoted or unknown levels, CR endings, huge lines — which
   * then takes the full path.
   */
  private fastLogrus(s: string, i: number, end: number): boolean {
    if (end - i > MAX_SCAN || s.charCodeAt(i) !== 116 /* t */ || !s.startsWith('time=', i) || s.charCodeAt(end - 1) === 13) return false;
    const timeEnd = valueEnd(s, i + 5, end);
    let p = timeEnd;
    while (p < end && s.charCodeAt(p) === 32) p++;
    let level: Level | null = null;
    if (s.startsWith('level=', p)) {
      const a = p + 6;
      let b = s.indexOf(' ', a);
      if (b < 0 || b > end) b = end;
      switch (b - a) {
        case 4:
          if (s.startsWith('info', a)) level = 'info';
          else if (s.startsWith('warn', a)) level = 'warning';
          else return false;
          break;
        case 5:
          if (s.startsWith('debug', a)) level = 'debug';
          else if (s.startsWith('error', a)) level = 'error';
          else if (s.startsWith('trace', a)) level = 'trace';
          else if (s.startsWith('fatal', a)) level = 'fatal';
          else if (s.startsWith('panic', a)) level = 'panic';
          else return false;
          break;
        case 7:
          if (s.startsWith('warning', a)) level = 'warning';
          else return false;
          break;
        default:
          return false; // empty, quoted or unusual: the full path normalises it
      }
      p = b;
    }
    let msg = '';
    if (s.startsWith(' msg=', p)) {
      const a = p + 5;
      if (a >= end) p = end;
      else if (s.charCodeAt(a) !== 34) {
        let b = s.indexOf(' ', a);
        if (b < 0 || b > end) b = end;
        msg = s.slice(a, b);
        p = b;
      } else {
        const q = closingQuote(s, a, end);
        const raw = q < 0 ? s.slice(a + 1, end) : s.slice(a + 1, q);
        msg = raw.indexOf('\\') >= 0 ? unquoteGo(raw) : raw;
        p = q < 0 ? end : q + 1;
      }
    }
    const isInteresting = interesting(msg);
    if (!isInteresting && !((level === 'info' || level === null) && (this.dumpAsm.active || DumpAssembler.looksLikeStart(msg)))) return true;
    // ctr writes second-precision timestamps, the daemon RFC3339Nano: a time without a '.' is ctr's.
    // Read in place; a time with an escape in it is unquoted first, exactly as scanLogrusText does
    let client: boolean;
    let tA = i + 5;
    let tB = timeEnd;
    if (s.charCodeAt(tA) === 34) {
      const q = closingQuote(s, tA, end);
      tA++;
      tB = q < 0 ? end : q;
    }
    const bs = s.indexOf('\\', tA);
    if (bs >= 0 && bs < tB) {
      const t = readValue(s.slice(i, end), 5)[0];
      client = t.length > 0 && t.indexOf('.') < 0;
    } else {
      const dot = s.indexOf('.', tA);
      client = tB > tA && (dot < 0 || dot >= tB);
    }
    // the line stays in its block (its fields are read from `s[p, end)`), and one LogLine serves
    // every line: nothing the parser keeps refers to the line it reads
    const l = this.fastLine;
    l.level = level;
    l.msg = msg;
    l.client = client;
    l.src = s;
    l.at = p;
    l.end = end;
    this.handleLog(l, isInteresting);
    l.src = '';
    l.msg = '';
    return true;
  }

  /** Ends the input; returns one document per pull (filtered by `ref` if given). Idempotent. */
  end(): TraceDoc[] {
    if (this.ended) return this.ended;
    try {
      this.dumpAsm.flush();
      this.ended = this.finalizeAll();
    } catch {
      this.ended = [];
    }
    return this.ended;
  }

  /**
   * Documents of pulls that are long finished (beyond a window of recent groups), removed from
   * the parser: a streaming consumer prints them early so memory stays flat on huge logs.
   */
  drain(): TraceDoc[] {
    const d = this.compactedDocs;
    this.compactedDocs = [];
    return d;
  }

  /** Documents for the input so far, without ending it. */
  snapshot(): TraceDoc[] {
    try {
      return this.joinGroups(this.groups).map((g) => this.toDoc(g)).filter((d) => this.keep(d));
    } catch {
      return [];
    }
  }

  // -------------------------------------------------------------------------------------------

  /**
   * `s[i, end)` is one more line of a binary response body that --http-dump prints (ctr writes
   * blob bodies through logrus, one INFO entry per chunk): `time="…" level=info msg="<escaped
   * bytes>"` with no other field and no glued request or status line. Such a line is recognised
   * from its shape alone, without unquoting it, and skipped; anything else takes the full path.
   */
  private binaryBodyLine(s: string, i: number, end: number): boolean {
    if (!s.startsWith('time="', i)) return false;
    const q = s.indexOf('"', i + 6);
    if (q < 0 || q >= end || !s.startsWith(' level=info msg="', q + 1)) return false;
    // ctr stamps its lines to the second; a stamp with a fraction is the daemon's (a log pasted
    // after a dump that ended inside a body: `Start cri plugin with config {…}` has this shape)
    const dot = s.indexOf('.', i + 6);
    if (dot >= 0 && dot < q) return false;
    const m = q + 17;
    // the quoted message runs to the end of the line: no other field follows
    if (s.charCodeAt(end - 1) !== 34 || end - 1 <= m) return false;
    let bs = 0;
    for (let k = end - 2; k >= m && s.charCodeAt(k) === 92; k--) bs++;
    if (bs % 2 === 1) return false;
    // and it is one quoted value: no unescaped quote before the last (`msg="…" version="…"`)
    for (let k = s.indexOf('"', m); k >= 0 && k < end - 1; k = s.indexOf('"', k + 1)) {
      let b = 0;
      for (let j = k - 1; j >= m && s.charCodeAt(j) === 92; j--) b++;
      if (b % 2 === 0) return false;
    }
    // search this line only: `s` may be a whole block of lines
    const msg = s.slice(m, end);
    if (msg.includes('HTTP/1.') || BODY_LOOKALIKE.test(msg)) return false;
    this.dumpAsm.skipBodyLine();
    if (this.dumpGroup) this.dumpGroup.last = this.lineNo;
    return true;
  }

  private handle(raw: string): void {
    const l = scanLine(raw);
    if (l.kind === 'plain') {
      const t = l.text;
      // ctr's stdout without a trailing newline glues the next stderr line on: `done: 5ms\ttime="…`
      const k = t.indexOf('time="');
      if (k > 0) {
        this.plain(t.slice(0, k), l.format);
        this.handle(t.slice(k));
        return;
      }
      this.plain(t, l.format);
      return;
    }
    this.handleLog(l, interesting(l.msg));
  }

  private handleLog(l: LogLine, isInteresting: boolean): void {
    const msg = l.msg;
    if (l.level === 'info' || l.level === null) {
      // --http-dump text (INFO): only when it looks like dump text or a dump is in progress
      if ((this.dumpAsm.active || DumpAssembler.looksLikeStart(msg)) && !isInteresting) {
        if (this.dumpAsm.active || msg.length > 0) {
          const before = this.cur;
          this.dumpGroupFor(l);
          if (this.dumpAsm.feed(msg, this.lineNo)) {
            this.touch(this.dumpGroup ?? before, l);
            return;
          }
        }
      }
    }
    if (!isInteresting) return;
    this.logLine(l);
  }

  private dumpGroupFor(l: LogLine): void {
    if (!this.dumpAsm.active) {
      // a new dump message starts: it belongs to the open group, or starts one
      if (!this.cur || this.cur.closed) this.cur = this.newGroup(l.format);
      this.dumpGroup = this.cur;
    }
  }

  private onDumpRequest(r: DumpRequest): void {
    const g = this.dumpGroup ?? this.cur ?? (this.cur = this.newGroup('plain'));
    g.client = true;
    const host = r.host ?? '';
    const kind = kindFromPath(r.method, r.path);
    const a = this.attempt(g, {
      host,
      url: null,
      path: r.path,
      method: r.method,
      kind,
      mirror: r.path.includes('?ns=') || r.path.includes('&ns='),
      evidence: 'dump',
      line: r.line,
    });
    a.dump = r;
    if (!g.version && r.userAgent) g.version = UA_RE.exec(r.userAgent)?.[1] ?? null;
    const dm = DIGEST_RE.exec(r.path);
    if (dm && kind === 'fetch') a.digest = dm[0];
    g.dump.push(a);
    if (!g.urlRef && kind === 'resolve') g.urlRef = refFromPath(host, r.path);
  }

  private newGroup(format: LineFormat): Group {
    const g: Group = {
      ordinal: this.created++,
      first: this.lineNo,
      last: this.lineNo,
      formats: [format],
      client: false,
      daemon: false,
      cri: false,
      criName: null,
      ctrStart: false,
      mode: null,
      ref: null,
      urlRef: null,
      version: null,
      hostsDir: null,
      tomlErrors: [],
      debug: [],
      dump: [],
      resolvedHost: null,
      resolvedDigest: null,
      resolveFailed: false,
      unpacking: false,
      result: null,
      error: null,
      closed: false,
      warnings: [],
      decidedSent: false,
      joined: false,
      interrupted: null,
    };
    if (this.pendingTransfer) {
      g.mode = 'transfer';
      this.pendingTransfer = false;
    }
    if (this.pendingDir !== null) {
      g.hostsDir = this.pendingDir;
      this.pendingDir = null;
    }
    if (this.pendingToml.length) {
      g.tomlErrors.push(...this.pendingToml);
      this.pendingToml = [];
    }
    if (this.pendingWarnings.length) {
      g.warnings.push(...this.pendingWarnings);
      this.pendingWarnings = [];
    }
    if (this.dumpAsm.active) this.dumpAsm.flush();
    this.groups.push(g);
    // bound memory for huge daemon logs: the oldest group beyond a window becomes a document
    while (this.groups.length > WINDOW) this.retireOldest();
    return g;
  }

  private compactedDocs: TraceDoc[] = [];

  /**
   * Turns the oldest group into a document (joined with its partner, as joinGroups would), and
   * removes both. One group at a time: where the window ends never depends on how many groups
   * came before, only on the last WINDOW ones (so a parser started mid-file converges on the same
   * state, see stateKey).
   */
  private retireOldest(): void {
    const g = this.groups.shift() as Group;
    const out = joinedWithPartner(g, this.groups, 0);
    if (this.cur === g) this.cur = null;
    if (this.dumpGroup === g) this.dumpGroup = null;
    this.openCri.delete(g);
    this.forgetRequestsOf(g);
    const d = this.toDoc(out);
    if (this.keep(d)) {
      this.compactedDocs.push(d);
      this.finalised++;
    }
  }

  /**
   * A new daemon run. Plugin load errors and the CRI config of the earlier run no longer apply
   * (kept, they would also pile up in every later document over many restarts). A pull the
   * daemon was still doing did not survive it: it ends here, incomplete, and a later run's pull
   * of the same image (whose `Pulled image` line would otherwise close it as a success) is a
   * pull of its own.
   */
  private daemonStarted(): void {
    this.daemonInfo.pluginErrors = [];
    this.daemonInfo.criConfigPath = null;
    for (const g of this.groups) {
      if (g.closed || !g.daemon || g.client) continue;
      g.interrupted = this.lineNo;
      g.warnings.push(`${RESTARTED} (line ${this.lineNo}) before this pull ended`);
      this.close(g, 'incomplete', null);
    }
  }

  /** The dumped requests of `g` still waiting for a response will not get one: the pull ended. */
  private forgetRequestsOf(g: Group): void {
    if (g.dump.length === 0) return;
    const mine = new Set<DumpRequest>();
    for (const a of g.dump) if (a.dump !== null) mine.add(a.dump);
    this.dumpAsm.forget((r) => mine.has(r));
  }

  private touch(g: Group | null, l: { format: LineFormat; client?: boolean; kind?: string }): void {
    if (!g) return;
    g.last = this.lineNo;
    if (!g.formats.includes(l.format)) g.formats.push(l.format);
    if (l.kind === 'log' && (l as LogLine).client) g.client = true;
  }

  /** The open group, or a new one. */
  private open(format: LineFormat): Group {
    if (!this.cur || this.cur.closed) this.cur = this.newGroup(format);
    return this.cur;
  }

  private close(g: Group, result: TraceResult, error: string | null): void {
    if (g.result === null || g.result === 'incomplete' || (g.result === 'success' && result === 'failure')) {
      g.result = result;
    }
    if (error !== null) g.error = error;
    g.closed = true;
    this.openCri.delete(g);
    if (g.cri && this.cur === g) {
      // a CRI pull that ran beside this one goes on: the lines that follow are its (the newest)
      const beside = this.openCri.last() ?? null;
      if (beside !== null) {
        this.cur = beside;
        // a `resolving` placeholder this pull ended with, never requested, was the other's
        const last = g.debug[g.debug.length - 1];
        if (last && last.placeholder && !beside.debug.some((a) => a.placeholder && a.host === last.host)) {
          g.debug.pop();
          beside.debug.push(last);
        }
      }
    }
    this.dumpAsm.flush();
    this.forgetRequestsOf(g);
    if (this.opts.onDecided && !g.decidedSent) {
      g.decidedSent = true;
      try {
        const d = this.toDoc(g);
        if (this.keep(d)) this.opts.onDecided(d);
      } catch {
        /* never throw from a callback path */
      }
    }
  }

  // ---- plain lines: ctr's final error and progress ---------------------------------------------

  private plain(text: string, format: LineFormat): void {
    if (text.length === 0) return;
    const c = text.charCodeAt(0);
    if (c === 99 /* c */ && text.startsWith('ctr: ')) {
      const err = text.slice(5).trimEnd();
      const g = this.open(format);
      g.client = true;
      this.touch(g, { format });
      const m = /^failed to resolve reference "([^"]{1,512})": /.exec(err);
      if (m) {
        g.ref ??= m[1] as string;
        g.mode ??= 'local';
      } else if (err.startsWith('failed to resolve image: ')) g.mode = 'transfer';
      this.close(g, 'failure', err);
      return;
    }
    if (c === 100 /* d */ && /^done: [0-9.]+[a-zµ]*s\s*$/.test(text)) {
      if (this.cur && !this.cur.closed && this.cur.client) {
        this.touch(this.cur, { format });
        this.close(this.cur, 'success', null);
      }
      return;
    }
    const tr = /^(Resolving|Pulling|Completed pull) from OCI Registry \(([^)\s]{1,512})\)/.exec(text);
    if (tr) {
      // the progress display redraws: repeated lines after the pull finished belong to it
      const prev = this.cur;
      if (prev && prev.closed && prev.mode === 'transfer' && (prev.ref === null || prev.ref === tr[2])) {
        this.touch(prev, { format });
        return;
      }
      const g = this.open(format);
      g.client = true;
      g.mode = 'transfer';
      g.ref ??= tr[2] as string;
      this.touch(g, { format });
      if (tr[1] === 'Completed pull') this.close(g, 'success', null);
      return;
    }
    // 1.x progress table: "docker.io/library/x:1.0: resolving |--------| elapsed: 0.1 s"
    const pr = /^([^\s:]{1,256}(?::[0-9]{1,5})?\/[^\s]{1,512}):\s+(resolving|resolved)\s+\|/.exec(text);
    if (pr) {
      const g = this.open(format);
      g.client = true;
      g.mode ??= 'local';
      g.ref ??= pr[1] as string;
      this.touch(g, { format });
    }
  }

  // ---- log lines -------------------------------------------------------------------------------

  private logLine(l: LogLine): void {
    const msg = l.msg;
    const f = wantedFieldsOf(l, this.fields);
    if (this.openCri.size > 1 && !l.client && this.routeConcurrent(msg, f)) {
      // a hosts folder of a registry no CRI pull in flight is of: for the next pull
      this.pendingDir = f.dir ?? null;
      this.pendingToml = [];
      return;
    }
    if (!this.daemonInfo.version) {
      const ua = f['request.header.user-agent'];
      if (ua) {
        const m = UA_RE.exec(ua);
        if (m) this.daemonInfo.version = m[1] as string;
      }
    }
    switch (msg) {
      case 'fetching': {
        // ctr local pull start (cmd/ctr/commands/content/fetch.go)
        if (!f.image) return;
        const g = this.newGroup(l.format);
        this.cur = g;
        g.ref = f.image;
        g.mode = 'local';
        g.client = true;
        g.ctrStart = true;
        this.touch(g, l);
        return;
      }
      case 'unpacking': {
        if (this.cur && !this.cur.closed) {
          this.cur.unpacking = true;
          this.touch(this.cur, l);
        }
        return;
      }
      case 'registering stream': {
        if ((f.stream ?? '').startsWith('progress') || (f.stream ?? '').startsWith('http-debug')) this.pendingTransfer = true;
        return;
      }
      case 'loading host directory': {
        const dir = f.dir ?? null;
        const g = this.cur;
        if (g && !g.closed && !g.resolveFailed && g.resolvedHost === null && (g.debug.length === 0 || g.hostsDir === null)) {
          g.hostsDir ??= dir;
          g.daemon = true;
          this.touch(g, l);
        } else if (g && !g.closed && g.resolvedHost !== null) {
          // the fetcher loads the directory again after resolve: same pull
          this.touch(g, l);
        } else {
          this.pendingDir = dir;
          this.pendingToml = [];
        }
        return;
      }
      case 'failed to decode hosts.toml':
        this.tomlError(this.pendingDir ?? (this.cur && !this.cur.closed ? this.cur.hostsDir : null), f.error ?? '', l);
        return;
      case 'resolving': {
        const host = f.host ?? '';
        let g = this.cur;
        if (!g || g.closed || g.resolvedHost !== null || g.resolveFailed || (g.client && !g.ctrStart && !l.client && g.debug.length === 0 && g.dump.length > 0)) {
          g = this.newGroup(l.format);
          this.cur = g;
        }
        g.daemon = g.daemon || !l.client;
        this.touch(g, l);
        this.beforeNextHost(g, host);
        const a = this.attempt(g, { host, url: null, path: null, method: null, kind: 'resolve', mirror: false, evidence: 'debug', line: this.lineNo });
        a.placeholder = true;
        g.debug.push(a);
        return;
      }
      case 'do request': {
        const g = this.open(l.format);
        this.touch(g, l);
        if (!l.client) g.daemon = true;
        const url = f.url ?? null;
        const u = url ? splitUrl(url) : null;
        const host = u?.host ?? f.host ?? '';
        const method = f['request.method'] ?? null;
        const kind: AttemptKind = f.digest ? 'fetch' : f.host ? 'resolve' : u ? kindFromPath(method, u.path) : 'unknown';
        let a: Attempt | undefined;
        if (kind === 'resolve') {
          const last = g.debug[g.debug.length - 1];
          if (last && last.placeholder && last.host === host) a = last;
        }
        if (!a) {
          a = this.attempt(g, { host, url: null, path: null, method: null, kind, mirror: false, evidence: 'debug', line: this.lineNo });
          g.debug.push(a);
        }
        a.placeholder = false;
        a.url = url;
        a.path = u?.path ?? null;
        a.method = method;
        a.kind = kind;
        a.mirror = u?.ns != null;
        if (f.digest) a.digest = f.digest;
        if (!g.urlRef && kind === 'resolve' && u) g.urlRef = refFromPath(host, u.path);
        const ua = f['request.header.user-agent'];
        if (ua && !g.version) g.version = UA_RE.exec(ua)?.[1] ?? null;
        return;
      }
      case 'fetch response received': {
        const g = this.cur;
        if (!g) return;
        this.touch(g, l);
        const status = parseStatus(f['response.status']);
        const a = this.findAttempt(g, f.url ?? null, f.host ?? null, f.digest ?? null, (x) => x.status === null);
        if (a && status !== null) {
          a.status = status;
          if (a.outcome === null || a.outcome === 'other') a.outcome = outcomeFromStatus(status);
          const ch = f['response.header.www-authenticate'];
          if (ch) a.challenge = challengeSummary(ch);
        }
        return;
      }
      case 'Unauthorized': {
        const g = this.cur;
        if (!g) return;
        this.touch(g, l);
        const a = this.findAttempt(g, null, f.host ?? null, f.digest ?? null, () => true);
        if (a) {
          if (f.header) a.challenge = challengeSummary(f.header);
          if (a.status === null) {
            a.status = 401;
            a.outcome = 'unauthorized';
          }
        }
        return;
      }
      case 'trying next host - response was http.StatusNotFound':
        this.nextHost(l, f.host ?? '', null, 404, false);
        return;
      case 'trying next host':
        this.nextHost(l, f.host ?? '', f.error ?? null, null, false);
        return;
      case 'fetch failed': {
        if (f.host !== undefined || (!f.digest && this.cur && this.cur.resolvedHost === null)) {
          this.nextHost(l, f.host ?? '', f.error ?? null, null, true);
          return;
        }
        // fetcher open failure (2.1+): a blob fetch failed
        const g = this.cur;
        if (!g) return;
        this.touch(g, l);
        const a = this.findAttempt(g, null, null, f.digest ?? null, (x) => x.kind === 'fetch' && x.error === null);
        if (a) {
          a.error = redact(f.error ?? '');
          if (a.status === null) a.outcome = outcomeFromError(a.error);
        }
        return;
      }
      case 'resolved': {
        const g = this.cur;
        if (!g) return;
        this.touch(g, l);
        const host = f.host ?? null;
        g.resolvedHost = host;
        g.resolvedDigest = f['desc.digest'] ?? null;
        const a = this.findAttempt(g, null, host, null, (x) => x.kind === 'resolve');
        if (a && (a.outcome === null || a.outcome === 'other')) {
          a.outcome = 'ok';
          if (a.status === null) a.inferred ??= 'status not logged; `resolved` names this host';
        }
        return;
      }
      case 'Verifying image pull': {
        const g = this.cur;
        if (g && !g.closed && f.name) g.urlRef ??= f.name;
        return;
      }
      case 'token request failed': {
        const g = this.cur;
        if (!g) return;
        this.touch(g, l);
        const status = Number(f.status);
        const a = this.attempt(g, { host: '', url: null, path: null, method: null, kind: 'auth', mirror: false, evidence: 'debug', line: this.lineNo });
        a.status = Number.isInteger(status) && status >= 100 && status <= 999 ? status : null;
        a.outcome = a.status !== null ? outcomeFromStatus(a.status) : 'other';
        a.inferred = 'token request: endpoint host not logged';
        g.debug.push(a);
        return;
      }
      case 'starting cri plugin': {
        const cfg = f.config ?? '';
        const m = /"configPath"\s*:\s*"((?:[^"\\]|\\.){0,4096})"/.exec(cfg) ?? /"config_path"\s*:\s*"((?:[^"\\]|\\.){0,4096})"/.exec(cfg);
        // 2.x logs the runtime part only (the registry lives in the images plugin config, unlogged)
        if (m) this.daemonInfo.criConfigPath = m[1] as string;
        else if (cfg.includes('"registry"')) this.daemonInfo.criConfigPath = '';
        return;
      }
      case 'starting containerd':
        this.daemonStarted();
        if (f.version) this.daemonInfo.version = f.version;
        return;
      case 'failed to load plugin': {
        const id = f.id ?? '';
        if (id.includes('cri') || id.includes('sandbox')) this.daemonInfo.pluginErrors.push({ plugin: id, error: redact(f.error ?? '') });
        return;
      }
      default:
        break;
    }
    // prefixed messages
    if (msg.startsWith('trying next host after status: ')) {
      this.nextHost(l, f.host ?? '', null, parseStatus(msg.slice(31)), false);
    } else if (msg.startsWith('fetch failed after status: ')) {
      this.nextHost(l, f.host ?? '', null, parseStatus(msg.slice(27)), true);
    } else if (msg.startsWith('failed to decode ')) {
      const p = msg.slice('failed to decode '.length);
      const dir = p.endsWith('/hosts.toml') ? p.slice(0, -'/hosts.toml'.length) : p;
      this.tomlError(dir, f.error ?? '', l);
    } else if (msg.startsWith('failed to load plugin ')) {
      const id = msg.slice('failed to load plugin '.length);
      if (id.includes('cri')) this.daemonInfo.pluginErrors.push({ plugin: id, error: redact(f.error ?? '') });
    } else if (msg.startsWith('Start cri plugin with config ')) {
      const m = /ConfigPath:([^\s}]*)/.exec(msg);
      this.daemonInfo.criConfigPath = m ? (m[1] as string) : '';
    } else if (msg.startsWith('PullImage ')) {
      this.criPull(l, msg, f);
    } else if (msg.startsWith('Pulled image ')) {
      const q = msg.indexOf('"', 13);
      const g = (msg.charCodeAt(12) === 34 && q > 13 ? this.openCriPull(msg.slice(13, q)) : null) ?? this.cur;
      if (g && g.cri && !g.closed) {
        this.touch(g, l);
        this.close(g, 'success', null);
      }
    } else if (msg.startsWith(HTTPS_FIRST)) {
      const w = `${f.host ?? 'a host'} is configured as http:// with a TLS configuration: containerd tries HTTPS first`;
      if (this.cur && !this.cur.closed && this.cur.resolvedHost === null) this.cur.warnings.push(w);
      else this.pendingWarnings.push(w);
    } else if (msg.startsWith('cancel pulling image')) {
      const g = this.cur;
      if (g && g.cri && !g.closed) g.warnings.push(redact(msg));
    } else if (msg.startsWith("Found '")) {
      const g = this.cur;
      if (g && !g.closed) g.warnings.push(redact(msg));
    }
  }

  private criPull(l: LogLine, msg: string, f: Record<string, string>): void {
    // /^PullImage using normalized image ref: "([^"]{1,512})"/
    if (msg.startsWith(PULL_NORMALIZED)) {
      const q = msg.indexOf('"', PULL_NORMALIZED.length);
      const n = q - PULL_NORMALIZED.length;
      if (n >= 1 && n <= 512) {
        const normalized = msg.slice(PULL_NORMALIZED.length, q);
        let g = this.cur;
        if (this.openCri.size > 1) {
          // pulls started together: the oldest one of this image not normalised yet
          for (const o of this.openCri) {
            if (o.ref === o.criName && o.criName !== null && normalizeRef(o.criName) === normalized) {
              g = o;
              break;
            }
          }
        }
        if (g && g.cri && !g.closed) g.ref = normalized;
      }
      return;
    }
    const m = pullImageRef(msg);
    if (!m) return;
    const [ref, rest] = m;
    if (rest === '') {
      const g = this.newGroup(l.format);
      this.cur = g;
      g.cri = true;
      g.mode = 'cri';
      g.ref = ref;
      g.criName = ref;
      g.daemon = true;
      // an earlier pull of the same image still open lost its end line (a retry after a failure
      // pulls again): the two could not be told apart anyway, by repository or by host. Nor is
      // the oldest of more than MAX_OPEN_CRI in flight (end lines filtered out, a cut log); their
      // end lines still find them by name
      const same = normalizeRef(ref);
      for (const o of this.openCri) if (o.criName !== null && normalizeRef(o.criName) === same) this.openCri.delete(o);
      if (this.openCri.size >= MAX_OPEN_CRI) this.openCri.delete(this.openCri.first() as Group);
      this.openCri.add(g);
      this.touch(g, l);
      return;
    }
    const g = this.openCriPull(ref);
    if (!g) return;
    this.touch(g, l);
    if (rest.startsWith(' failed')) this.close(g, 'failure', f.error ?? null);
    else if (rest.startsWith(' returns image reference')) this.close(g, 'success', null);
  }

  /** The newest CRI pull not ended yet of the image `name` (as PullImage or its normalised line named it). */
  private openCriPull(name: string): Group | null {
    for (let i = this.groups.length - 1; i >= 0; i--) {
      const x = this.groups[i] as Group;
      if (!x.closed && x.cri && (x.criName === name || x.ref === name)) return x;
    }
    return null;
  }

  /**
   * Two CRI pulls or more in flight: makes `cur` the pull a daemon line belongs to (see
   * concurrent.ts), when the line says. A URL names the repository; a hosts folder the registry
   * (and goes to every pull of it that is about to resolve);
   * a line with only a host goes to the pull at that step of its resolve (the current one when
   * several are, else the oldest). A `resolving` line that went to another pull than the request
   * after it moves there with the request (claimPlaceholder). True when the line is of none of
   * them (a hosts folder of another registry).
   */
  private routeConcurrent(msg: string, f: Record<string, string>): boolean {
    const url = f.url ?? urlInError(f.error);
    const host = f.host ?? null;
    let target: Group | null = null;
    if (url !== null) {
      const repo = repositoryOfUrl(url);
      if (repo !== null) for (const g of this.openCri) if (sameRepository(repo, criRepository(g)?.repository ?? '\u0000')) target = g;
      if (target === null) return false;
      if (msg === 'do request' && host !== null) this.claimPlaceholder(target, host);
      this.cur = target;
      return false;
    }
    const pulls = [...this.openCri];
    if (msg === 'loading host directory' && f.dir) {
      // the folder is the registry's: every pull of that registry about to resolve loads it (a
      // registry's own folder wins over _default, which serves them all)
      const dir = f.dir;
      const own = !dir.endsWith('/_default');
      // (a placeholder of `resolving` may be another pull's: it does not count as a start)
      const starting = pulls.filter(
        (g) => g.debug.every((a) => a.placeholder) && hostsDirServes(dir, criRepository(g)?.registry ?? '') && (g.hostsDir === null || (own && g.hostsDir.endsWith('/_default'))),
      );
      for (const g of starting) g.hostsDir = dir;
      // (a pull of that registry that has it already: its own line of it)
      const loaded = starting.length > 0 ? starting : pulls.filter((g) => g.debug.every((a) => a.placeholder) && g.hostsDir === dir);
      target = this.cur !== null && loaded.includes(this.cur) ? this.cur : (loaded[0] ?? null);
      // else the fetcher of a resolved pull loading it again
      target ??= lastOf(pulls, (g) => g.resolvedHost !== null && hostsDirServes(dir, criRepository(g)?.registry ?? '')) ?? null;
      // a folder no pull in flight uses: it waits for the pull that will (pendingDir)
      if (target === null) return true;
    } else if (msg === 'resolving' && host !== null) {
      // a pull between two hosts of its resolve, that has not tried this one yet: first one whose
      // registry this host is (its upstream: registry-1.docker.io for docker.io), then any (a mirror)
      const registry = registryOfHost(host);
      const next = (g: Group, upstream: boolean) => {
        if (g.resolvedHost !== null || g.resolveFailed) return false;
        if (upstream && criRepository(g)?.registry !== registry) return false;
        const last = lastOf(g.debug, (a) => a.kind === 'resolve');
        if (last !== undefined && !last.nextLogged && (last.outcome === null || last.host === host)) return false;
        return !g.debug.some((a) => a.kind === 'resolve' && a.host === host);
      };
      target = this.among(pulls, (g) => next(g, true)) ?? this.among(pulls, (g) => next(g, false));
    } else if ((msg.startsWith('trying next host') || msg.startsWith('fetch failed') || msg === 'resolved') && host !== null) {
      // the pull whose resolve is at this host: first one whose answer from it is the one this
      // line reports (404, 2xx for `resolved`), then one that sent it a request (a placeholder
      // of `resolving` may be another pull's), then any
      // (of several, the one that asked first: answers come back in about the order asked)
      const status = statusOfStep(msg);
      const pending = (g: Group) => lastOf(g.debug, (a) => a.kind === 'resolve');
      const atHost = (g: Group, tier: number) => {
        const last = pending(g);
        if (g.resolvedHost !== null || last === undefined || last.host !== host || last.nextLogged) return false;
        if (tier >= 1 && last.placeholder) return false;
        return tier < 2 || (status !== null && status(last.status));
      };
      for (let tier = 2; tier >= 0 && target === null; tier--) {
        for (const g of pulls) if (atHost(g, tier) && (target === null || (pending(g) as Attempt).line < (pending(target) as Attempt).line)) target = g;
      }
    } else if (f.digest) {
      const digest = f.digest;
      target = lastOf(pulls, (g) => g.resolvedDigest === digest || g.debug.some((a) => a.digest === digest)) ?? null;
    }
    if (target !== null) this.cur = target;
    return false;
  }

  /**
   * `resolving` lines name only a host, so with pulls in flight their placeholders may have gone
   * to the wrong pull. The request to `host` that `g` makes now settles it: when another pull ends
   * with a placeholder for `host` and `g` does not, that one is `g`'s (and `g`'s own trailing
   * placeholder, for another host, is the other pull's: the two crossed).
   */
  private claimPlaceholder(g: Group, host: string): void {
    const mine = g.debug[g.debug.length - 1];
    if (mine && mine.placeholder && mine.host === host) return;
    for (const o of this.openCri) {
      if (o === g) continue;
      const at = o.debug.findLastIndex((a) => a.placeholder && a.host === host);
      if (at < 0) continue;
      const theirs = o.debug[at] as Attempt;
      o.debug.splice(at, 1);
      if (mine && mine.placeholder) {
        g.debug.pop();
        o.debug.push(mine);
      }
      g.debug.push(theirs);
      return;
    }
  }

  /** The pull `cur` is, when it passes `pred`; else the oldest that does; null when none does. */
  private among(pulls: Group[], pred: (g: Group) => boolean): Group | null {
    if (this.cur !== null && this.openCri.has(this.cur) && pred(this.cur)) return this.cur;
    for (const g of pulls) if (pred(g)) return g;
    return null;
  }

  private tomlError(dir: string | null, error: string, l: LogLine): void {
    const e = { dir, error: redact(error) };
    const g = this.cur;
    if (this.pendingDir === null && g && !g.closed && g.resolvedHost === null && !g.resolveFailed) {
      g.tomlErrors.push(e);
      this.touch(g, l);
    } else this.pendingToml.push(e);
  }

  /** Before the resolver moves to `host`: settle what the previous host's attempt implies. */
  private beforeNextHost(g: Group, host: string): void {
    const prev = lastOf(g.debug, (x) => x.kind === 'resolve');
    if (!prev || prev.host === host) return;
    if (prev.outcome === null && !prev.nextLogged) {
      prev.outcome = 'other';
      prev.inferred = 'no response or error logged before containerd moved to the next host';
    } else if (prev.status !== null && prev.status >= 400 && prev.status !== 404 && !prev.nextLogged) {
      prev.inferred = `no "trying next host" logged: containerd 1.5.5–1.7 move on silently after a ${prev.status} status`;
    }
  }

  private nextHost(l: LogLine, host: string, error: string | null, status: number | null, last: boolean): void {
    const g = this.open(l.format);
    this.touch(g, l);
    if (!l.client) g.daemon = true;
    let a = this.findAttempt(g, null, host, null, (x) => x.kind === 'resolve' && !x.nextLogged);
    if (!a) {
      a = this.attempt(g, { host, url: null, path: null, method: null, kind: 'resolve', mirror: false, evidence: 'debug', line: this.lineNo });
      a.inferred = 'no "do request" logged for this host; implied by "' + (last ? 'fetch failed' : 'trying next host') + '"';
      g.debug.push(a);
      const url = urlInError(error ?? undefined);
      const u = url !== null ? splitUrl(url) : null;
      if (u && u.host === host) {
        a.url = url;
        a.path = u.path;
        a.mirror = u.ns !== null;
      }
    }
    a.placeholder = false;
    a.nextLogged = true;
    if (status !== null && a.status === null) a.status = status;
    if (error !== null) {
      a.error = redact(error);
      a.viaProxy = a.viaProxy || error.includes('proxyconnect');
    }
    if (a.status !== null) a.outcome = outcomeFromStatus(a.status);
    else if (error !== null) a.outcome = outcomeFromError(error);
    if (last) g.resolveFailed = true;
  }

  private attempt(
    g: Group,
    a: Pick<Attempt, 'host' | 'url' | 'path' | 'method' | 'kind' | 'mirror' | 'evidence' | 'line'>,
  ): Attempt {
    void g;
    return {
      host: a.host,
      url: a.url,
      path: a.path,
      method: a.method,
      kind: a.kind,
      mirror: a.mirror,
      evidence: a.evidence,
      line: a.line,
      status: null,
      outcome: null,
      error: null,
      digest: null,
      viaProxy: false,
      challenge: null,
      inferred: null,
      placeholder: false,
      nextLogged: false,
      dump: null,
    };
  }

  private findAttempt(g: Group, url: string | null, host: string | null, digest: string | null, pred: (a: Attempt) => boolean): Attempt | undefined {
    const list = g.debug;
    for (let i = list.length - 1; i >= 0; i--) {
      const a = list[i] as Attempt;
      if (!pred(a)) continue;
      if (url !== null && a.url === url) return a;
      if (url === null && digest !== null && a.digest === digest) return a;
      if (url === null && digest === null && host !== null && a.host === host) return a;
    }
    if (url !== null && host !== null) {
      for (let i = list.length - 1; i >= 0; i--) {
        const a = list[i] as Attempt;
        if (pred(a) && a.host === host) return a;
      }
    }
    return undefined;
  }

  // ---- finalisation ----------------------------------------------------------------------------

  private keep(d: TraceDoc): boolean {
    if (!this.opts.ref) return true;
    if (!d.ref) return false;
    try {
      return normalizeRef(d.ref) === normalizeRef(this.opts.ref);
    } catch {
      return false;
    }
  }

  private finalizeAll(): TraceDoc[] {
    const out = [...this.compactedDocs];
    for (const g of this.joinGroups(this.groups)) {
      const d = this.toDoc(g);
      if (this.keep(d)) out.push(d);
    }
    return out;
  }

  /**
   * Joins ctr's client-side transfer group with the daemon-side group of the same pull (a
   * client-only group and a daemon-only one within JOIN_REACH groups of each other by creation
   * order, with compatible references; each group joins at most once, earliest first).
   */
  private joinGroups(groups: Group[]): Group[] {
    const rest = groups.slice();
    const out: Group[] = [];
    for (let i = 0; i < rest.length; i++) out.push(joinedWithPartner(rest[i] as Group, rest, i + 1));
    return out;
  }

  private toDoc(g: Group): TraceDoc {
    // attempts: the resolver's debug lines when present, else the dump; auth requests from both
    let attempts: Attempt[];
    const debugMain = g.debug.filter((a) => a.kind !== 'auth');
    if (debugMain.length > 0) {
      attempts = [...g.debug, ...g.dump.filter((a) => a.kind === 'auth')];
      // fill the challenge / status for debug attempts from the dump when missing
    } else {
      attempts = [...g.debug, ...g.dump];
      // dump-only: a request without a response failed before an answer
      this.applyFinalErrorToDump(g, attempts);
    }
    attempts.sort((a, b) => a.line - b.line);
    // settle the last placeholder / silent attempts
    for (const a of attempts) {
      if (a.outcome === null) {
        if (a.status !== null) a.outcome = outcomeFromStatus(a.status);
        else if (a.error !== null) a.outcome = outcomeFromError(a.error);
        else {
          a.outcome = 'other';
          a.inferred ??=
            g.interrupted !== null
              ? 'no outcome logged before containerd restarted'
              : g.result === null || g.result === 'incomplete'
                ? 'no outcome logged (yet)'
                : 'no response or error logged for this request';
        }
      }
    }
    // the final error may name the URL of an attempt whose cause was not logged
    const version = g.version ?? this.daemonInfo.version;
    let result: TraceResult = g.result ?? 'incomplete';
    if (result === 'incomplete') {
      // a pull the daemon was still unpacking when it restarted did not finish
      if (g.unpacking && g.interrupted === null) result = 'success';
      else if (g.resolveFailed) result = 'failure';
    }
    const resolvedHost = g.resolvedHost ?? inferredResolvedHost(attempts);
    const resolvedAttempt = resolvedHost !== null ? lastOf(attempts, (a) => a.kind === 'resolve' && a.host === resolvedHost && a.outcome === 'ok') : undefined;
    const blobHosts: string[] = [];
    for (const a of attempts) {
      if (a.kind === 'fetch' && a.outcome === 'ok' && a.host && !blobHosts.includes(a.host)) blobHosts.push(a.host);
    }
    const mirrorUsed = (resolvedAttempt?.mirror ?? false) || attempts.some((a) => a.kind === 'fetch' && a.outcome === 'ok' && a.mirror);
    const fallback: TraceDoc['fallback'] = [];
    const res = attempts.filter((a) => a.kind === 'resolve');
    for (let i = 1; i < res.length; i++) {
      const p = res[i - 1] as Attempt;
      const n = res[i] as Attempt;
      if (p.host !== n.host && p.outcome !== 'ok') fallback.push({ from: p.host, to: n.host, reason: p.outcome ?? 'other' });
    }
    const mode: PullMode = g.cri ? 'cri' : g.mode ?? 'unknown';
    const doc: TraceDoc = {
      schema: TRACE_SCHEMA,
      source: { kind: g.client ? 'ctr' : 'daemon-log', containerdVersion: version, mode, formats: [...g.formats], joined: g.joined },
      ref: g.ref ?? g.urlRef,
      hostsDir: g.hostsDir,
      hostsTomlErrors: g.tomlErrors.map((e) => ({ ...e })),
      attempts: attempts.map((a) => {
        // the path usually ends the URL: when the URL cannot hold a secret, nor can its end (mayRedact)
        const urlClean = a.url !== null && !mayRedact(a.url);
        return {
          host: a.host,
          url: a.url === null || urlClean ? a.url : redact(a.url),
          method: a.method,
          kind: a.kind,
          mirror: a.mirror,
          status: a.status,
          outcome: a.outcome ?? 'other',
          error: a.error,
          path: a.path === null ? null : urlClean && (a.url as string).endsWith(a.path) ? a.path : redact(a.path),
          digest: a.digest,
          viaProxy: a.viaProxy,
          challenge: a.challenge === null ? null : redact(a.challenge),
          inferred: a.inferred,
          evidence: a.evidence,
          line: a.line,
        };
      }),
      resolved: { host: resolvedHost, digest: g.resolvedDigest ?? resolvedAttempt?.dump?.contentDigest ?? null },
      blobHosts,
      mirrorUsed,
      result,
      error: g.error === null ? null : redact(g.error),
      lines: { first: g.first, last: g.last },
      fallback,
      warnings: [...g.warnings],
      daemon: { criConfigPath: this.daemonInfo.criConfigPath, pluginErrors: this.daemonInfo.pluginErrors.map((e) => ({ ...e })) },
      verdict: '',
    };
    doc.verdict = verdictOf(doc);
    return doc;
  }

  private applyFinalErrorToDump(g: Group, attempts: Attempt[]): void {
    for (const a of attempts) {
      if (a.evidence !== 'dump' || a.dump === null) continue;
      if (a.dump.status !== null) {
        a.status = a.dump.status;
        a.outcome = outcomeFromStatus(a.dump.status);
        a.challenge = a.dump.challenge;
      }
    }
    if (!g.error) return;
    const m = /failed to do request: [A-Z][a-z]+ "([^"]{1,2048})": (.*)$/.exec(g.error);
    if (!m) return;
    const u = splitUrl(m[1] as string);
    if (!u) return;
    const a = lastOf(attempts, (x) => x.evidence === 'dump' && x.host === u.host && x.path === u.path && x.status === null);
    if (a) {
      a.url = m[1] as string;
      a.error = redact(g.error);
      a.outcome = outcomeFromError(g.error);
      a.viaProxy = g.error.includes('proxyconnect');
      a.inferred = 'outcome taken from ctr\'s final error (the dump shows no response)';
    }
  }
}

/** Groups beyond the newest WINDOW become documents (memory stays flat on huge logs). */
export const WINDOW = 400;
/** How far apart (in groups created) the two halves of a transfer-mode pull may be. */
const JOIN_REACH = 8;

function isClientOnly(g: Group): boolean {
  return g.client && !g.ctrStart && g.debug.length === 0 && !g.cri;
}

function isDaemonOnly(g: Group): boolean {
  return !g.client && g.daemon && !g.cri && g.debug.length > 0 && g.error === null;
}

/** Do the two groups name the same image (or does one of them name none)? */
function compatible(a: Group, b: Group): boolean {
  const ra = a.ref ?? a.urlRef;
  const rb = b.ref ?? b.urlRef;
  if (ra && rb) return normalizeRef(ra) === normalizeRef(rb);
  return true;
}

/**
 * `g` joined with its partner in `rest[from…]`, which is removed from `rest`; `g` itself when it
 * has none. The partner is the first group within the next JOIN_REACH by creation order of the
 * other side (client-only / daemon-only) with a compatible reference.
 */
function joinedWithPartner(g: Group, rest: Group[], from: number): Group {
  const clientOnly = isClientOnly(g);
  if (!clientOnly && !isDaemonOnly(g)) return g;
  for (let j = from; j < rest.length; j++) {
    const h = rest[j] as Group;
    if (h.ordinal > g.ordinal + JOIN_REACH) break;
    if ((clientOnly ? isDaemonOnly(h) : isClientOnly(h)) && compatible(g, h)) {
      rest.splice(j, 1);
      return clientOnly ? join(g, h) : join(h, g);
    }
  }
  return g;
}

function join(client: Group, daemon: Group): Group {
  return {
    ...daemon,
    first: Math.min(client.first, daemon.first),
    last: Math.max(client.last, daemon.last),
    formats: [...new Set([...client.formats, ...daemon.formats])],
    client: true,
    daemon: true,
    mode: client.mode ?? daemon.mode ?? 'transfer',
    ref: client.ref ?? daemon.ref,
    urlRef: client.urlRef ?? daemon.urlRef,
    version: client.version ?? daemon.version,
    dump: client.dump,
    result: client.result ?? daemon.result,
    error: client.error ?? daemon.error,
    warnings: [...daemon.warnings, ...client.warnings],
    unpacking: client.unpacking || daemon.unpacking,
    joined: true,
  };
}

/** Index just after the logfmt value starting at `i` within the line ending at `end` (like skipValue). */
function valueEnd(s: string, i: number, end: number): number {
  if (i >= end) return end;
  if (s.charCodeAt(i) !== 34) {
    const j = s.indexOf(' ', i);
    return j < 0 || j > end ? end : j;
  }
  const q = closingQuote(s, i, end);
  return q < 0 ? end : q + 1;
}

/** The closing quote of the quoted value opening at `i`, before `end`; -1 when unterminated. */
function closingQuote(s: string, i: number, end: number): number {
  for (let k = i + 1; ; ) {
    const q = s.indexOf('"', k);
    if (q < 0 || q >= end) return -1;
    if (quoteCloses(s, i, q)) return q;
    k = q + 1;
  }
}

/** Is the quote at `q` unescaped (an even run of backslashes before it, not reaching back to `i`)? */
function quoteCloses(s: string, i: number, q: number): boolean {
  let b = q - 1;
  let bs = 0;
  while (b > i && s.charCodeAt(b) === 92) {
    bs++;
    b--;
  }
  return (bs & 1) === 0;
}

/**
 * For a resolver step that reports an answer (`trying next host - response was
 * http.StatusNotFound`, `… after status: 401 Unauthorized`, `resolved`), a test of the status it
 * implies; null when it implies none (an error).
 */
function statusOfStep(msg: string): ((s: number | null) => boolean) | null {
  if (msg === 'resolved') return (s) => s !== null && s >= 200 && s < 300;
  if (msg.endsWith('StatusNotFound')) return (s) => s === 404;
  const at = msg.indexOf(' after status: ');
  if (at < 0) return null;
  const want = parseStatus(msg.slice(at + 15));
  return want === null ? null : (s) => s === want;
}

const repositories = new WeakMap<Group, { name: string; of: { registry: string; repository: string } | null }>();

/** Registry and repository of a CRI pull's image (remembered while its name stays). */
function criRepository(g: Group): { registry: string; repository: string } | null {
  const name = g.ref ?? g.criName;
  if (!name) return null;
  const m = repositories.get(g);
  if (m && m.name === name) return m.of;
  const of = registryAndRepository(name);
  repositories.set(g, { name, of });
  return of;
}

function lastOf<T>(xs: T[], pred: (x: T) => boolean): T | undefined {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i] as T)) return xs[i];
  return undefined;
}

function inferredResolvedHost(attempts: Attempt[]): string | null {
  // dump-only traces: the host whose manifest request succeeded
  const a = lastOf(attempts, (x) => x.kind === 'resolve' && x.outcome === 'ok');
  return a ? a.host : null;
}

export function verdictOf(d: TraceDoc): string {
  const res = d.attempts.filter((a) => a.kind === 'resolve');
  const mirrors = [...new Set(res.filter((a) => a.mirror).map((a) => a.host))];
  const first = res[0];
  if (d.result === 'success') {
    if (d.mirrorUsed) {
      const others = d.blobHosts.filter((h) => h !== d.resolved.host);
      return `pulled via mirror ${d.resolved.host ?? d.blobHosts[0] ?? '?'}${others.length ? ` (blobs also from ${others.join(', ')})` : ''}`;
    }
    if (mirrors.length) return `pulled from ${d.resolved.host ?? '?'}: mirror ${mirrors.join(', ')} was tried and skipped (${res.filter((a) => a.mirror).map((a) => a.outcome).join(', ')})`;
    return `pulled from ${d.resolved.host ?? d.blobHosts[0] ?? '?'} without a mirror${d.hostsDir ? '' : ' (no host directory was loaded)'}`;
  }
  const why = d.error ? `: ${d.error}` : '';
  if (d.result === 'failure') {
    if (mirrors.length) {
      const m = res.filter((a) => a.mirror).map((a) => `${a.host} ${a.outcome}`).join(', ');
      return `failed; mirror tried first (${m}), then ${[...new Set(res.filter((a) => !a.mirror).map((a) => a.host))].join(', ') || 'nothing else'}${why}`;
    }
    if (d.hostsTomlErrors.length) return `failed; hosts.toml could not be parsed, so no mirror was used${why}`;
    if (first) return `failed; no mirror was tried (${[...new Set(res.map((a) => a.host))].join(', ')} only)${why}`;
    return `failed${why}`;
  }
  const cut = d.warnings.find((w) => w.startsWith(RESTARTED));
  const head = cut ? `incomplete, ${cut}` : 'incomplete';
  if (first) return `${head}: ${res.length} resolve attempt(s), last ${res[res.length - 1]?.host} ${res[res.length - 1]?.outcome}`;
  return `${head}: no resolver activity in the input`;
}

/** How many CRI pulls in flight at most are told apart (routeConcurrent); kubelet runs far fewer at once. */
const MAX_OPEN_CRI = 32;

/** How the warning of a pull cut off by a daemon restart starts. */
const RESTARTED = 'containerd restarted';

const PULL_NORMALIZED = 'PullImage using normalized image ref: "';
const PULL_QUOTE = 'PullImage "';

/**
 * `/^PullImage "((?:[^"\\]|\\.){1,512})"(.*)$/.exec(msg)` as [ref, rest], scanned by hand: 1 to 512
 * characters or backslash escapes (not of a line terminator) up to the first unescaped quote, and
 * no line terminator after it.
 */
export function pullImageRef(msg: string): [string, string] | null {
  if (!msg.startsWith(PULL_QUOTE)) return null;
  const n = msg.length;
  let k = PULL_QUOTE.length;
  let units = 0;
  for (;;) {
    if (k >= n) return null;
    const c = msg.charCodeAt(k);
    if (c === 34) break;
    if (c === 92) {
      if (k + 1 >= n || isLineTerminator(msg.charCodeAt(k + 1))) return null;
      k += 2;
    } else k++;
    if (++units > 512) return null;
  }
  if (units === 0) return null;
  for (let j = k + 1; j < n; j++) if (isLineTerminator(msg.charCodeAt(j))) return null;
  return [msg.slice(PULL_QUOTE.length, k), msg.slice(k + 1)];
}

function isLineTerminator(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}
