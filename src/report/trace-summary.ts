/**
 * The one-screen summary `parse` prints before the pulls: how many, their verdicts counted, when,
 * and the hosts they asked (mirrors and upstreams, with how many pulls asked and were served by
 * each). Collected one document at a time (the pulls of a big log are not all kept); output is
 * redacted.
 */
import { hostsLogged, NOT_LOGGED } from '../trace/finalise.js';
import type { TraceDoc } from '../trace/schema.js';
import { redact } from './redact.js';

/** How a pull ended, as the summary counts it. */
export type PullVerdict = 'mirror-used' | 'fell-back' | 'no-mirror' | 'hosts-not-logged' | 'failed' | 'incomplete';

const VERDICT_TEXT: Record<PullVerdict, string> = {
  'mirror-used': 'mirror used',
  'fell-back': 'fell back (a mirror was tried, another host served)',
  'no-mirror': 'pulled without a mirror (none tried)',
  'hosts-not-logged': 'pulled, no host in the input (whether a mirror served is unknown)',
  failed: 'failed',
  incomplete: 'incomplete (the input ends before the pull did)',
};

/** Hosts listed per role; the rest are counted. */
const MAX_HOSTS = 8;
/** Pull numbers listed for the failed ones; the rest are counted. */
const MAX_FAILED = 12;

export function pullVerdict(d: TraceDoc): PullVerdict {
  if (d.result === 'failure') return 'failed';
  if (d.result === 'incomplete') return 'incomplete';
  if (d.mirrorUsed) return 'mirror-used';
  if (!hostsLogged(d)) return 'hosts-not-logged';
  return d.attempts.some((a) => a.mirror) ? 'fell-back' : 'no-mirror';
}

interface HostCount {
  asked: number;
  served: number;
}

export class TraceSummary {
  pulls = 0;
  readonly verdicts: Record<PullVerdict, number> = { 'mirror-used': 0, 'fell-back': 0, 'no-mirror': 0, 'hosts-not-logged': 0, failed: 0, incomplete: 0 };
  /** by host: the pulls that asked it as a mirror / as an upstream (token servers are not counted) */
  readonly mirrors = new Map<string, HostCount>();
  readonly upstreams = new Map<string, HostCount>();
  /** hosts named without a URL in a pull whose reference is not in the input: mirror or upstream cannot be told */
  readonly unknownRole = new Map<string, HostCount>();
  /** by host: the pulls whose downloads a registry redirected there, and those it served */
  readonly redirectTargets = new Map<string, HostCount>();
  /** numbers (1-based, in output order) of the failed pulls */
  readonly failed: number[] = [];
  first: string | null = null;
  last: string | null = null;
  private firstMs = 0;
  private lastMs = 0;

  add(d: TraceDoc): void {
    const n = ++this.pulls;
    const v = pullVerdict(d);
    this.verdicts[v]++;
    if (v === 'failed') this.failed.push(n);
    // the earliest and the latest (pulls come out in the order they ended, and a log may be several)
    const t = d.time ? Date.parse(d.time) : NaN;
    if (!Number.isNaN(t)) {
      if (this.first === null || t < this.firstMs) [this.first, this.firstMs] = [d.time as string, t];
      if (this.last === null || t > this.lastMs) [this.last, this.lastMs] = [d.time as string, t];
    }
    const served = new Set(d.blobHosts);
    if (d.resolved.host) served.add(d.resolved.host);
    const seen = new Set<string>();
    for (const a of d.attempts) {
      if (a.kind === 'auth' || !a.host) continue;
      // no image to tell a mirror from the registry by, or a host only the final error names
      const unknown = !a.mirror && ((a.url === null && d.ref === null) || a.evidence === 'error');
      const key = `${a.mirror ? 'm' : unknown ? 'x' : 'u'}${a.host}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const m = a.mirror ? this.mirrors : unknown ? this.unknownRole : this.upstreams;
      const c = m.get(a.host) ?? { asked: 0, served: 0 };
      c.asked++;
      if (served.has(a.host)) c.served++;
      m.set(a.host, c);
    }
    for (const to of new Set((d.redirects ?? []).map((r) => r.to))) {
      const c = this.redirectTargets.get(to) ?? { asked: 0, served: 0 };
      c.asked++;
      if ((d.redirects ?? []).some((r) => r.to === to && r.ok > 0)) c.served++;
      this.redirectTargets.set(to, c);
    }
  }

  render(): string {
    if (this.pulls === 0) return '';
    const out: string[] = [];
    const when = this.first ? (this.first === this.last ? `, at ${this.first}` : `, ${this.first} to ${this.last}`) : ', no time in the log';
    out.push(`Summary: ${this.pulls} pull${this.pulls === 1 ? '' : 's'}${when}`);
    const w = Math.max(...Object.values(this.verdicts).map((c) => String(c).length));
    for (const v of Object.keys(VERDICT_TEXT) as PullVerdict[]) {
      const c = this.verdicts[v];
      // the three an operator asks about always, the others when there are any
      if (c > 0 || v === 'mirror-used' || v === 'fell-back' || v === 'failed') out.push(`  ${String(c).padStart(w)} ${VERDICT_TEXT[v]}`);
    }
    if (this.failed.length) {
      const more = this.failed.length - MAX_FAILED;
      out.push(`  failed: pull ${this.failed.slice(0, MAX_FAILED).join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
    }
    hostLines(out, 'mirrors', this.mirrors);
    hostLines(out, 'upstreams', this.upstreams);
    hostLines(out, 'hosts', this.unknownRole);
    if (this.unknownRole.size > 0) out.push(`${' '.repeat(13)}(mirror or upstream: the log names no image for their pulls, or only a final error names them, so it cannot tell)`);
    // the hosts that really served the blobs when a registry redirected them (a CDN, object storage)
    hostLines(out, 'redirects', this.redirectTargets);
    if (this.mirrors.size === 0 && this.upstreams.size === 0 && this.unknownRole.size === 0) out.push(`  hosts: none in the input (${NOT_LOGGED})`);
    out.push('');
    out.push('');
    return redact(out.join('\n'));
  }
}

/** `  mirrors: host  asked by N pulls, served M` for the most asked hosts of a role. */
function hostLines(out: string[], role: string, hosts: Map<string, HostCount>): void {
  if (hosts.size === 0) return;
  const list = [...hosts].sort((a, b) => b[1].asked - a[1].asked || a[0].localeCompare(b[0]));
  const shown = list.slice(0, MAX_HOSTS);
  const w = Math.max(...shown.map(([h]) => h.length));
  shown.forEach(([h, c], i) => {
    const head = i === 0 ? `  ${role}:`.padEnd(13) : ' '.repeat(13);
    out.push(`${head}${h.padEnd(w)}  asked by ${c.asked} pull${c.asked === 1 ? '' : 's'}, served ${c.served}`);
  });
  if (list.length > shown.length) out.push(`${' '.repeat(13)}and ${list.length - shown.length} more`);
}
