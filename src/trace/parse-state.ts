/**
 * The trace parser's state and the life of a pull group in it: opened, touched by each line,
 * closed with a result, cut off by a daemon restart, and retired into a document once it is
 * beyond a window of recent groups (so memory stays flat on huge logs). The line handlers
 * (ctr-lines.ts, resolver-lines.ts, cri-lines.ts, daemon-lines.ts) change the state through it.
 */
import { DumpAssembler, type DumpRequest } from './dump.js';
import { normalizeRef } from './classify.js';
import { finaliseGroup, RESTARTED, type DaemonInfo } from './finalise.js';
import { absoluteTime } from './line.js';
import { addAttempt, addTomlError, addWarning, emptyGroup, MAX_TOML_ERRORS, MAX_WARNINGS, type Attempt, type Group } from './pull-group.js';
import { joinedWithPartner } from './pull-join.js';
import { PullSet } from './pull-set.js';
import type { LineFormat, TraceDoc, TraceResult } from './schema.js';

/** Groups beyond the newest WINDOW become documents (memory stays flat on huge logs). */
export const WINDOW = 400;

/**
 * The attempts the groups in the window hold together at most: past it, the oldest groups become
 * documents before WINDOW is reached (many long pulls at once). Each pull holds at most
 * MAX_ATTEMPTS (pull-group.ts).
 */
export const MAX_WINDOW_ATTEMPTS = 40_000;

/** CRI plugin load failures kept per daemon run (one start logs a few). */
export const MAX_PLUGIN_ERRORS = 20;

/** What a line handler needs of the line it handles to keep a group's bookkeeping. */
export interface LineShape {
  format: LineFormat;
  client?: boolean;
  kind?: string;
}

export class ParseState {
  groups: Group[] = [];
  /** the group the next line most likely belongs to */
  cur: Group | null = null;
  /** CRI pulls not ended yet, oldest first (two or more: their daemon lines may interleave) */
  readonly openCri = new PullSet<Group>();
  lineNo = 0;
  /** a hosts folder, hosts.toml errors, a transfer stream or warnings seen before their pull started */
  pendingDir: string | null = null;
  pendingToml: { dir: string | null; error: string }[] = [];
  pendingTransfer = false;
  pendingWarnings: string[] = [];
  /** pending warnings and hosts.toml errors beyond the maximums of a pull, for the next pull's `dropped` */
  private pendingDropped = { warnings: 0, hostsTomlErrors: 0 };
  /** attempts added to the groups of the window since it was last counted (an upper bound) */
  private windowAttempts = 0;
  readonly dumpAsm: DumpAssembler;
  /** the group the --http-dump text being read belongs to */
  dumpGroup: Group | null = null;
  readonly daemon: DaemonInfo = { criConfigPath: null, pluginErrors: [], version: null };
  /** groups created so far (the next group's ordinal) */
  private created = 0;
  /**
   * The timestamp of the line being handled, for a pull it opens or is the first to date: `time`,
   * or, on the fast path, `timeSrc[timeA, timeB)` (cut out only when a pull takes it). The parser
   * sets them for each line it hands on and clears them after.
   */
  time: string | null = null;
  timeSrc = '';
  timeA = -1;
  timeB = -1;
  /** documents of retired groups, not drained yet */
  retired: TraceDoc[] = [];
  /** groups retired so far (their documents drained or not, kept by the ref filter or not) */
  retiredCount = 0;

  constructor(
    private readonly ref: string | null,
    onDumpRequest: (s: ParseState, r: DumpRequest) => void,
  ) {
    this.dumpAsm = new DumpAssembler((r) => onDumpRequest(this, r));
  }

  newGroup(format: LineFormat): Group {
    const g = emptyGroup(this.created++, this.lineNo, format);
    g.time = this.lineTime();
    if (this.pendingTransfer) {
      g.mode = 'transfer';
      this.pendingTransfer = false;
    }
    if (this.pendingDir !== null) {
      g.hostsDir = this.pendingDir;
      this.pendingDir = null;
    }
    if (this.pendingToml.length) {
      for (const e of this.pendingToml) addTomlError(g, e);
      this.pendingToml = [];
    }
    if (this.pendingWarnings.length) {
      for (const w of this.pendingWarnings) addWarning(g, w);
      this.pendingWarnings = [];
    }
    if (this.pendingDropped.warnings + this.pendingDropped.hostsTomlErrors > 0) {
      g.dropped.warnings += this.pendingDropped.warnings;
      g.dropped.hostsTomlErrors += this.pendingDropped.hostsTomlErrors;
      this.pendingDropped = { warnings: 0, hostsTomlErrors: 0 };
    }
    if (this.dumpAsm.active) this.dumpAsm.flush();
    this.groups.push(g);
    while (this.groups.length > WINDOW) this.retireOldest();
    if (this.windowAttempts > MAX_WINDOW_ATTEMPTS) this.boundWindowAttempts();
    return g;
  }

  /** Adds an attempt to `list` (`g.debug` or `g.dump`) within the pull's bound (pull-group.ts); true when kept. */
  addAttempt(g: Group, list: Attempt[], a: Attempt): boolean {
    if (!addAttempt(g, list, a)) return false;
    this.windowAttempts++;
    return true;
  }

  /** Forgets the hosts.toml errors seen before a pull started (a new hosts folder is loaded). */
  clearPendingToml(): void {
    this.pendingToml = [];
    this.pendingDropped.hostsTomlErrors = 0;
  }

  /** Retires the oldest groups (never the newest) while the window holds more than MAX_WINDOW_ATTEMPTS. */
  private boundWindowAttempts(): void {
    let n = 0;
    for (const g of this.groups) n += g.debug.length + g.dump.length;
    while (n > MAX_WINDOW_ATTEMPTS && this.groups.length > 1) {
      const g = this.groups[0] as Group;
      n -= g.debug.length + g.dump.length;
      this.retireOldest();
    }
    this.windowAttempts = n;
  }

  /** A warning seen before its pull started, for the next pull. */
  addPendingWarning(w: string): void {
    if (this.pendingWarnings.length < MAX_WARNINGS) this.pendingWarnings.push(w);
    else this.pendingDropped.warnings++;
  }

  /** A hosts.toml error seen before its pull started, for the next pull. */
  addPendingToml(e: { dir: string | null; error: string }): void {
    if (this.pendingToml.length < MAX_TOML_ERRORS) this.pendingToml.push(e);
    else this.pendingDropped.hostsTomlErrors++;
  }

  /** A CRI plugin load failure of this daemon run (the first MAX_PLUGIN_ERRORS are kept). */
  addPluginError(e: { plugin: string; error: string }): void {
    if (this.daemon.pluginErrors.length < MAX_PLUGIN_ERRORS) this.daemon.pluginErrors.push(e);
  }

  /** The open group, or a new one. */
  open(format: LineFormat): Group {
    if (!this.cur || this.cur.closed) this.cur = this.newGroup(format);
    return this.cur;
  }

  touch(g: Group | null, l: LineShape): void {
    if (!g) return;
    g.last = this.lineNo;
    if (g.time === null && (this.timeA >= 0 || this.time !== null)) g.time = this.lineTime();
    if (!g.formats.includes(l.format)) g.formats.push(l.format);
    if (l.kind === 'log' && l.client) g.client = true;
  }

  close(g: Group, result: TraceResult, error: string | null): void {
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
  }

  /**
   * A new daemon run. Plugin load errors and the CRI config of the earlier run no longer apply.
   * A pull the daemon was still doing did not survive it: it ends here, incomplete, and a later
   * run's pull of the same image (whose `Pulled image` line would otherwise close it as a
   * success) is a pull of its own.
   */
  daemonStarted(): void {
    this.daemon.pluginErrors = [];
    this.daemon.criConfigPath = null;
    for (const g of this.groups) {
      if (g.closed || !g.daemon || g.client) continue;
      g.interrupted = this.lineNo;
      addWarning(g, `${RESTARTED} (line ${this.lineNo}) before this pull ended`);
      this.close(g, 'incomplete', null);
    }
  }

  /** Pull groups created so far (before the `ref` filter). */
  get groupsCreated(): number {
    return this.created;
  }

  /** The absolute time of the line being handled (RFC 3339, as logged), or null. */
  lineTime(): string | null {
    if (this.timeA >= 0) return absoluteTime(this.timeSrc, this.timeA, this.timeB);
    return this.time === null ? null : absoluteTime(this.time, 0, this.time.length);
  }

  /** Does the document pass the `ref` filter? */
  keep(d: TraceDoc): boolean {
    if (!this.ref) return true;
    if (!d.ref) return false;
    try {
      return normalizeRef(d.ref) === normalizeRef(this.ref);
    } catch {
      return false;
    }
  }

  /** The document of `g` as things stand (finalise.ts). */
  toDoc(g: Group): TraceDoc {
    return finaliseGroup(g, this.daemon);
  }

  /**
   * Turns the oldest group into a document (joined with its partner, as joinGroups would), and
   * removes both.
   */
  private retireOldest(): void {
    const g = this.groups.shift() as Group;
    const out = joinedWithPartner(g, this.groups, 0);
    if (this.cur === g) this.cur = null;
    if (this.dumpGroup === g) this.dumpGroup = null;
    this.openCri.delete(g);
    this.forgetRequestsOf(g);
    this.retiredCount++;
    const d = this.toDoc(out);
    if (this.keep(d)) this.retired.push(d);
  }

  /** The dumped requests of `g` still waiting for a response will not get one: the pull ended. */
  private forgetRequestsOf(g: Group): void {
    if (g.dump.length === 0) return;
    const mine = new Set<DumpRequest>();
    for (const a of g.dump) if (a.dump !== null) mine.add(a.dump);
    this.dumpAsm.forget((r) => mine.has(r));
  }
}
