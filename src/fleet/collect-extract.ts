/**
 * Finds `check --json` reports (mirror-doctor.report/v1) in text as `kubectl logs` or a saved file
 * gives it: a report alone, a JSON array of reports, or a report among other log lines (the pod's
 * log interleaves stderr: the bundle unpacking, warnings). Understands `kubectl logs --prefix`
 * (`[pod/NAME/CONTAINER] ` before every line, several pods in one stream) and `--timestamps`
 * (an RFC 3339 time before every line). Pure.
 */

export const REPORT_SCHEMA_V1 = 'mirror-doctor.report/v1';

/** The parts of a report that `fleet collect` reads; everything else is kept but not typed. */
/** One node's input: a report, or why there is none. */
export interface NodeInput {
  /** where it came from: a file path, or pod/NAME */
  source: string;
  /** the node name known from outside the report (the pod's spec.nodeName), else null */
  node: string | null;
  report: FleetReport | null;
  /** why there is no report (pod pending, check failed: its last lines); null with a report */
  problem: string | null;
}

export interface FleetReport {
  schema: typeof REPORT_SCHEMA_V1;
  ref?: string;
  generatedAt?: string;
  containerd?: { version?: string | null; server?: string | null; reachable?: boolean; error?: string | null; distribution?: { kind?: string } };
  node?: { name?: string | null; root?: string; offline?: boolean };
  verdict?: { status?: string; rootCause?: string | null; summary?: string };
  exitCode?: number;
  findings?: Array<{ id?: string; severity?: string; title?: string; fix?: string[]; docs?: string }>;
  traces?: { ran?: boolean; skipped?: string | null; verdict?: string | null };
}

/** One report found in a stream, with the pod it came from when the stream said so. */
export interface FoundReport {
  report: FleetReport;
  /** `pod/NAME` from a `--prefix` line, when present */
  pod: string | null;
}

/** What a stream held besides reports: its last non-report lines (why a check did not report). */
export interface Extraction {
  reports: FoundReport[];
  /** per pod (or '' for an unprefixed stream): the last few lines that were not part of a report */
  otherLines: Map<string, string[]>;
}

const PREFIX = /^\[(pod\/[^\]/\s]+)(?:\/[^\]\s]*)?\] ?/;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) /;
const KEEP_OTHER = 5;

/** Splits a stream into per-pod texts (one '' entry when it carries no --prefix), timestamps removed. */
export function splitByPod(text: string): Map<string, string> {
  const lines = new Map<string, string[]>();
  for (const raw of text.split(/\r?\n/)) {
    if (raw === '') continue;
    let line = raw;
    let pod = '';
    const p = PREFIX.exec(line);
    if (p) {
      pod = p[1]!;
      line = line.slice(p[0].length);
    }
    const t = TIMESTAMP.exec(line);
    if (t) line = line.slice(t[0].length);
    const list = lines.get(pod) ?? [];
    list.push(line);
    lines.set(pod, list);
  }
  const out = new Map<string, string>();
  for (const [pod, list] of lines) out.set(pod, list.join('\n'));
  return out;
}

/**
 * The end index (exclusive) of the JSON value that starts at `start` with `{` or `[`, by bracket
 * balance outside strings; -1 when the text ends first (a truncated log).
 */
export function jsonValueEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) depth++;
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
      if (depth === 0) return i + 1;
      if (depth < 0) return -1;
    }
  }
  return -1;
}

export function isReport(v: unknown): v is FleetReport {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { schema?: unknown }).schema === REPORT_SCHEMA_V1;
}

/** Reports in one pod's text, and the lines around them. */
function extractFromText(text: string): { reports: FleetReport[]; other: string[] } {
  const reports: FleetReport[] = [];
  const other: string[] = [];
  let i = 0;
  while (i < text.length) {
    const nl = text.indexOf('\n', i);
    const lineEnd = nl < 0 ? text.length : nl;
    const line = text.slice(i, lineEnd);
    const lead = line.length - line.trimStart().length;
    const first = line[lead];
    if (first === '{' || first === '[') {
      const start = i + lead;
      const end = jsonValueEnd(text, start);
      if (end > 0) {
        let value: unknown;
        try {
          value = JSON.parse(text.slice(start, end));
        } catch {
          value = undefined;
        }
        const found = Array.isArray(value) ? value.filter(isReport) : isReport(value) ? [value] : [];
        if (found.length > 0) {
          reports.push(...found);
          const after = text.indexOf('\n', end);
          i = after < 0 ? text.length : after + 1;
          continue;
        }
      }
    }
    if (line.trim() !== '') other.push(line.trim());
    i = lineEnd + 1;
  }
  return { reports, other: other.slice(-KEEP_OTHER) };
}

/** Every report in a stream (a file, a `kubectl logs` output), with the pod when prefixed. */
export function extractReports(text: string): Extraction {
  const reports: FoundReport[] = [];
  const otherLines = new Map<string, string[]>();
  for (const [pod, podText] of splitByPod(text)) {
    const r = extractFromText(podText);
    for (const report of r.reports) reports.push({ report, pod: pod || null });
    if (r.other.length) otherLines.set(pod, r.other);
  }
  return { reports, otherLines };
}

/** A stream's reports as node inputs; a pod (or an unprefixed stream) without one says why. */
export function nodeInputsFromStream(source: string, text: string): NodeInput[] {
  const { reports, otherLines } = extractReports(text);
  const out: NodeInput[] = reports.map((r) => ({
    source: r.pod ? `${source} ${r.pod}` : source,
    node: null,
    report: r.report,
    problem: null,
  }));
  const reported = new Set(reports.map((r) => r.pod ?? ''));
  for (const [pod, lines] of otherLines) {
    if (reported.has(pod)) continue;
    if (pod === '' && reports.length > 0) continue;
    out.push({ source: pod ? `${source} ${pod}` : source, node: null, report: null, problem: noReportProblem(lines) });
  }
  if (out.length === 0) out.push({ source, node: null, report: null, problem: 'empty: no mirror-doctor report' });
  return out;
}

/** "no report", with the last lines that were there instead (often the error that stopped check). */
export function noReportProblem(lines: readonly string[]): string {
  const tail = lines.slice(-3).map((l) => (l.length > 200 ? `${l.slice(0, 199)}…` : l));
  return tail.length ? `no mirror-doctor report; last lines: ${tail.join(' | ')}` : 'no mirror-doctor report';
}
