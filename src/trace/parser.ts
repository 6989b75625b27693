/**
 * The incremental trace parser: `feed(line)` (or `feedText(block)`) one input line at a time,
 * `end()` for the documents. This file reads each line's shape and hands it to the handler of its
 * kind: ctr's plain lines and --http-dump text (ctr-lines.ts), resolver lines
 * (resolver-lines.ts), CRI pull lines (cri-lines.ts, cri-routing.ts when pulls interleave) and
 * daemon-wide lines (daemon-lines.ts). The groups they build live in parse-state.ts and become
 * documents in finalise.ts.
 *
 * Pull grouping: a group starts at ctr's `fetching image=…`, CRI's `PullImage "…"`, a resolver
 * `resolving` when the current group is already past its resolve, the first `--http-dump` request
 * with no open group, a transfer-mode progress line, or a lone `ctr: …` error. ctr's final error,
 * `Completed pull …`, `done: …` and CRI's `PullImage … failed/returns` close a group. In 2.x
 * transfer mode ctr's side and the daemon's side of one pull form two groups that `end()` joins
 * (pull-join.ts).
 *
 * Never throws: every `feed` is guarded, and a line that breaks a handler is counted and skipped.
 * Documents are not redacted: every output does that at its edge (report/redact-trace.ts).
 */
import { clientFatalLine, ctrLogLine, ctrPlainLine, dumpLine, dumpRequest } from './ctr-lines.js';
import { criLine } from './cri-lines.js';
import { routeConcurrent } from './cri-routing.js';
import { daemonLine } from './daemon-lines.js';
import { DumpAssembler } from './dump.js';
import type { DaemonFacts } from './finalise.js';
import { HardWrap, startsRecordAt, type HeldRecord } from './hard-wrap.js';
import { joinGroups } from './pull-join.js';
import { withOwnAttempts } from './pull-group.js';
import { MAX_SCAN, scanLine, wantedFields, wantedFieldsOf, type Level, type LogLine } from './line.js';
import { closingQuote, readValue, skipValue, unquoteGo } from './logfmt.js';
import { BODY_LOOKALIKE, interesting, UA_RE } from './messages.js';
import { ParseState } from './parse-state.js';
import { resolverLine } from './resolver-lines.js';
import type { TraceDoc } from './schema.js';
import { UnrelatedBytes } from './unrelated-bytes.js';
import { UnrelatedText } from './unrelated-text.js';

/** The most bytes of lines feedBytes decodes at once (more lines are more strings alive at once). */
const RUN_BYTES = 1 << 16;

export { WINDOW } from './parse-state.js';
export { verdictOf } from './finalise.js';
export { pullImageRef } from './cri-lines.js';

export interface TraceParserOptions {
  /** Keep only pulls of this image (normalised like containerd does). */
  ref?: string | null;
}

export class TraceParser {
  private readonly s: ParseState;
  /** lines a handler choked on (should stay 0; kept for diagnostics) */
  skipped = 0;
  private readonly hardWrap = new HardWrap();
  /**
   * Lines recognised as log lines (logrus text or TTY, JSON, journald): whether the input is a
   * log at all. Counted where the line's shape is decided anyway (no extra scan).
   */
  logLines = 0;
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
    time: null, // not read: fastLogrus hands the time to the state as a range of the block
    client: false,
    src: '',
    at: 0,
    end: 0,
    pre: null,
  };

  /** Where httpAt found `HTTP/` in the block feedText reads (-1: not searched yet). */
  private readonly unrelatedText = new UnrelatedText();
  private readonly unrelatedBytes = new UnrelatedBytes();

  constructor(opts: TraceParserOptions = {}) {
    this.s = new ParseState(opts.ref ?? null, dumpRequest);
  }

  /** Daemon-wide facts of the current daemon run (CRI config_path, CRI plugin load failures), and the version. */
  daemonFacts(): DaemonFacts {
    const d = this.s.daemon;
    return { criConfigPath: d.criConfigPath, pluginErrors: d.pluginErrors.map((e) => ({ ...e })), containerdVersion: d.version, hostsTomlErrors: this.s.pendingToml.map((e) => ({ ...e })) };
  }

  /** Pulls retired so far: beyond the window of recent ones (see drain). */
  get retired(): number {
    return this.s.retiredCount;
  }

  /** Pull groups seen so far, before the `ref` filter. */
  get pullsSeen(): number {
    return this.s.groupsCreated;
  }

  /** Number of lines fed so far. */
  get lines(): number {
    return this.s.lineNo;
  }

  /**
   * True while inside a binary response body of an --http-dump, where body-shaped lines are
   * skipped unread (a live tracer may recognise them on their bytes and not decode them).
   */
  get inBinaryBody(): boolean {
    return this.s.dumpAsm.inBinaryBody;
  }

  feed(raw: string): void {
    const s = this.s;
    s.lineNo++;
    if (this.ended) return;
    const line = typeof raw === 'string' ? raw : String(raw);
    // a record hard-wrapped in a paste: the lines that continue it are joined to it (as feedText does)
    if (this.hardWrap.holding && !startsRecordAt(line, 0)) return this.joinHeld(this.hardWrap.append(line, 0, line.length));
    if (this.hardWrap.holding) this.releaseHeld();
    try {
      if (!(s.dumpAsm.inBinaryBody && this.binaryBodyLine(line, 0, line.length))) {
        // held only where feedText would hold it: not a line it passes over as unrelated
        this.unrelatedText.reset();
        const held = (s.dumpAsm.active || !this.unrelatedText.test(line, 0, line.length)) && this.hardWrap.hold(line, 0, line.length, s.lineNo);
        if (!held) this.handle(line.length > MAX_SCAN ? line.slice(0, MAX_SCAN) : line);
      } else this.logLines++;
    } catch {
      this.skipped++;
    }
    s.time = null;
  }

  /** Reads the held record: a record starts after it. Always true (for use in conditions). */
  private releaseHeld(): true {
    this.joinHeld(this.hardWrap.release());
    return true;
  }

  /** Reads a record that was held for its continuation lines (null: still held, or none). */
  private joinHeld(h: HeldRecord | null): void {
    if (!h) return;
    const s = this.s;
    const at = s.lineNo;
    s.lineNo = h.lineNo;
    try {
      this.handle(h.text.length > MAX_SCAN ? h.text.slice(0, MAX_SCAN) : h.text);
    } catch {
      this.skipped++;
    }
    s.lineNo = at;
    s.time = null;
    s.timeA = -1;
    s.timeSrc = '';
  }

  /**
   * Feeds a block of whole lines joined by `\n` (as `readLogBlocks` yields them; `"a\nb"` is two
   * lines, `""` one empty line). The same as feeding each line, only faster: a line that cannot
   * matter (a logrus-text line whose message is not one the parser reads) is recognised from its
   * first few fields without being cut out of the block or scanned further.
   */
  feedText(text: string): void {
    this.feedLines(typeof text === 'string' ? text : String(text), true);
  }

  /**
   * Feeds `b[start, end)`, valid UTF-8 of whole lines joined by `\n` (`b[end]` is the last one's
   * newline or past the end; `ascii`: all of it is ASCII): the same as `feedText(b.toString(…))`,
   * only faster. A line that cannot matter (UnrelatedBytes) is passed over on its bytes; the
   * others are decoded a run of lines at a time. `b` is not kept.
   */
  feedBytes(b: Buffer, start: number, end: number, ascii: boolean): void {
    const s = this.s;
    const enc = ascii ? 'latin1' : 'utf8';
    const skip = this.unrelatedBytes;
    skip.start(end);
    let line = s.lineNo;
    let logs = 0;
    for (let i = start; i <= end; ) {
      if (this.ended) {
        s.lineNo = line;
        this.feedLines(b.toString(enc, i, end), true);
        line = s.lineNo;
        break;
      }
      let e = b.indexOf(10, i);
      if (e < 0 || e > end) e = end;
      if (s.dumpAsm.active) {
        // a dump being read: every line counts, read as text a block at a time
        let w = i + RUN_BYTES >= end ? end : b.lastIndexOf(10, i + RUN_BYTES);
        if (w < e) w = e;
        s.lineNo = line;
        this.feedLines(b.toString(enc, i, w), true);
        line = s.lineNo;
        i = w + 1;
        continue;
      }
      // the lines that cannot matter, in a loop of their own (passing one over changes no state)
      let dumpStarted = false;
      while (skip.test(b, i, e)) {
        // a record ends the one held for its continuation lines, which may start a dump: then this line is read again
        if (this.hardWrap.holding && this.releaseHeld() && s.dumpAsm.active) {
          dumpStarted = true;
          break;
        }
        line++;
        logs++;
        i = e + 1;
        if (i > end) break;
        e = b.indexOf(10, i);
        if (e < 0 || e > end) e = end;
      }
      if (dumpStarted) continue;
      if (i > end) break;
      // a run of lines that may matter, up to the next that cannot (tested again after the run,
      // when a dump may have started)
      let r = e;
      while (r < end && r - i < RUN_BYTES) {
        let n = b.indexOf(10, r + 1);
        if (n < 0 || n > end) n = end;
        if (skip.test(b, r + 1, n)) break;
        r = n;
      }
      s.lineNo = line;
      this.feedLines(b.toString(enc, i, r), false);
      line = s.lineNo;
      i = r + 1;
    }
    s.lineNo = line;
    this.logLines += logs;
  }

  /** feedText's loop; `check`: whether to pass over unrelated lines (false: none is). */
  private feedLines(text: string, check: boolean): void {
    const s = this.s;
    const n = text.length;
    this.unrelatedText.reset();
    let line = s.lineNo;
    // log lines recognised here (handle counts its own)
    let logs = 0;
    for (let i = 0; ; ) {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? n : nl;
      line++;
      if (this.ended) {
        /* nothing to read */
      } else {
        // a record after a held one ends it (which may start a dump, and that changes how this line is read)
        let holding = this.hardWrap.holding;
        if (holding && startsRecordAt(text, i)) holding = !this.releaseHeld();
        if (!holding && check && !s.dumpAsm.active && this.unrelatedText.test(text, i, end)) {
          logs++;
        } else {
          s.lineNo = line;
          try {
            // a record hard-wrapped in a paste: the lines that continue it are joined to it
            if (holding) this.joinHeld(this.hardWrap.append(text, i, end));
            // a line of a dumped blob body: nothing to read (it can be hundreds of MB of them)
            else if (s.dumpAsm.inBinaryBody && this.binaryBodyLine(text, i, end)) logs++;
            // held when it looks cut and the next line, if in this text, starts no record: read once that line shows where it ends
            else if ((nl < 0 || !startsRecordAt(text, nl + 1)) && this.hardWrap.hold(text, i, end, line)) {
              /* held */
            }
            // logrus text, scanned in place; anything else takes the full path
            else if (this.fastLogrus(text, i, end)) logs++;
            else this.handle(end - i > MAX_SCAN ? text.slice(i, i + MAX_SCAN) : text.slice(i, end));
          } catch {
            this.skipped++;
          }
          s.time = null;
          s.timeA = -1;
          s.timeSrc = '';
        }
      }
      if (nl < 0) break;
      i = nl + 1;
    }
    s.lineNo = line;
    this.logLines += logs;
  }

  /** Ends the input; returns one document per pull (filtered by `ref` if given). Idempotent. */
  end(): TraceDoc[] {
    if (this.ended) return this.ended;
    try {
      this.joinHeld(this.hardWrap.release());
      this.s.dumpAsm.flush();
      const out = this.drain();
      for (const g of joinGroups(this.s.groups)) {
        const d = this.s.toDoc(g);
        if (this.s.keep(d)) out.push(d);
      }
      this.ended = out;
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
    const d = this.s.retired;
    this.s.retired = [];
    return d;
  }

  /** Documents for the input so far, without ending it. */
  snapshot(): TraceDoc[] {
    try {
      return joinGroups(this.s.groups.map(withOwnAttempts)).map((g) => this.s.toDoc(g)).filter((d) => this.s.keep(d));
    } catch {
      return [];
    }
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
    const timeEnd = skipValue(s, i + 5, end);
    let p = timeEnd;
    while (p < end && s.charCodeAt(p) === 32) p++;
    let level: Level | null = null;
    if (s.startsWith('level=', p)) {
      let b = s.indexOf(' ', p + 6);
      if (b < 0 || b > end) b = end;
      // empty, quoted or unusual: the full path normalises it
      const l = levelAt(s, p + 6, b);
      if (l === undefined) return false;
      level = l;
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
    if (!isInteresting && !((level === 'info' || level === null) && (this.s.dumpAsm.active || DumpAssembler.looksLikeStart(msg)))) return true;
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
    const st = this.s;
    const bs = s.indexOf('\\', tA);
    if (bs >= 0 && bs < tB) {
      const t = readValue(s.slice(i, end), 5)[0];
      client = t.length > 0 && t.indexOf('.') < 0;
      st.time = t;
    } else {
      const dot = s.indexOf('.', tA);
      client = tB > tA && (dot < 0 || dot >= tB);
      // the time is cut out only if a pull takes it
      st.timeSrc = s;
      st.timeA = tA;
      st.timeB = tB;
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
    // the quoted message is one value that runs to the end of the line (not `msg="…" version="…"`)
    if (end - 1 <= m || closingQuote(s, m - 1, end) !== end - 1) return false;
    // search this line only: `s` may be a whole block of lines
    const msg = s.slice(m, end);
    if (msg.includes('HTTP/') || BODY_LOOKALIKE.test(msg)) return false;
    if (this.s.dumpGroup) this.s.dumpGroup.last = this.s.lineNo;
    return true;
  }

  private handle(raw: string): void {
    const l = scanLine(raw);
    // journald's prefix makes a log line even around a message that is not logrus
    if (l.kind === 'log' || l.format !== 'plain') this.logLines++;
    if (l.kind === 'plain') {
      const t = l.text;
      // ctr's stdout without a trailing newline glues the next stderr line on: `done: 5ms\ttime="…`
      const k = t.indexOf('time="');
      if (k > 0) {
        ctrPlainLine(this.s, t.slice(0, k), l.format);
        this.handle(t.slice(k));
        return;
      }
      ctrPlainLine(this.s, t, l.format);
      return;
    }
    this.s.time = l.time;
    this.handleLog(l, interesting(l.msg));
  }

  private handleLog(l: LogLine, isInteresting: boolean): void {
    const s = this.s;
    // --http-dump text (INFO): only when it looks like dump text or a dump is in progress
    if ((l.level === 'info' || l.level === null) && !isInteresting && (s.dumpAsm.active || DumpAssembler.looksLikeStart(l.msg)) && dumpLine(s, l)) return;
    // nerdctl's and crictl's final error
    if (l.level === 'fatal' && clientFatalLine(s, l)) return;
    if (isInteresting) this.logLine(l);
  }

  private logLine(l: LogLine): void {
    const s = this.s;
    const msg = l.msg;
    const f = wantedFieldsOf(l, this.fields);
    if (s.openCri.size > 1 && !l.client && routeConcurrent(s, msg, f)) {
      // a hosts folder of a registry no CRI pull in flight is of: for the next pull
      s.pendingDir = f.dir ?? null;
      s.clearPendingToml();
      return;
    }
    if (!s.daemon.version) {
      const ua = f['request.header.user-agent'];
      if (ua) {
        const m = UA_RE.exec(ua);
        if (m) s.daemon.version = m[1] as string;
      }
    }
    if (resolverLine(s, l, msg, f) || ctrLogLine(s, l, msg, f) || daemonLine(s, msg, f)) return;
    criLine(s, l, msg, f);
  }
}

/** The level written in `s[a, b)` as logrus writes it, or undefined for anything else. */
function levelAt(s: string, a: number, b: number): Level | undefined {
  switch (b - a) {
    case 4:
      if (s.startsWith('info', a)) return 'info';
      if (s.startsWith('warn', a)) return 'warning';
      return undefined;
    case 5:
      if (s.startsWith('debug', a)) return 'debug';
      if (s.startsWith('error', a)) return 'error';
      if (s.startsWith('trace', a)) return 'trace';
      if (s.startsWith('fatal', a)) return 'fatal';
      if (s.startsWith('panic', a)) return 'panic';
      return undefined;
    case 7:
      return s.startsWith('warning', a) ? 'warning' : undefined;
    default:
      return undefined;
  }
}
