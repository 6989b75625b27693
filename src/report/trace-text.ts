/**
 * Human-readable timeline per pull, ending in a one-line verdict. Each error text is printed once
 * per pull, with how often the pull logged it; a later step with the same error, and a final error
 * that ends with it, point back to it. Output is redacted.
 */
import { tokenFailure, tokenStatusWithoutUrl } from '../trace/classify.js';
import { hostDirLogged } from '../trace/finalise.js';
import type { TraceAttempt, TraceDoc } from '../trace/schema.js';
import { redact } from './redact.js';
import { redactTraceDoc } from './redact-trace.js';

export function renderTraceText(docs: TraceDoc[], startIndex = 0): string {
  if (docs.length === 0) return redact('No image pull found in the input (no resolver, --http-dump, ctr or CRI pull lines).\n');
  const out: string[] = [];
  docs.map(redactTraceDoc).forEach((d, i) => {
    const src = `${d.source.kind}${d.source.joined ? ' + daemon-log' : ''}, mode ${d.source.mode}${d.source.containerdVersion ? `, containerd ${d.source.containerdVersion}` : ''}`;
    const at = d.time ? `at ${d.time}` : 'no time in the log';
    out.push(`Pull ${startIndex + i + 1}: ${d.ref ?? '(reference not in the log)'}  [${src}; lines ${d.lines.first}-${d.lines.last}; ${at}]`);
    if (d.daemon.pluginErrors.length) for (const e of d.daemon.pluginErrors) out.push(`  ! plugin ${e.plugin} failed to load: ${e.error}`);
    if (d.daemon.criConfigPath !== null) out.push(`  · CRI registry config_path: ${d.daemon.criConfigPath === '' ? '(empty)' : d.daemon.criConfigPath}`);
    out.push(`  · host directory: ${d.hostsDir ?? (hostDirLogged(d) ? 'none loaded' : 'not in the input (logged at debug level only)')}`);
    for (const e of d.hostsTomlErrors) out.push(`  ! hosts.toml not parsed${e.dir ? ` (${e.dir})` : ''}: ${e.error}`);
    for (const w of d.warnings) out.push(`  ! ${w}`);
    const errors = new ErrorsOnce(d);
    const res = d.attempts.filter((a) => a.kind !== 'fetch');
    const fetches = d.attempts.filter((a) => a.kind === 'fetch');
    res.forEach((a, n) => {
      // containerd before 1.4 logs `resolving` without the host
      const host = a.host || '(host not logged)';
      const what = `${a.method ?? '?'} ${a.url ?? (a.path ? `//${a.host}${a.path}` : host)}`;
      const st = a.status !== null ? `${a.status} ` : '';
      // a 401 whose token could not be had: the failure is at the token server
      const token = a.outcome === 'unauthorized' && a.error ? tokenFailure(a.error) : null;
      // 1.6 and earlier name no token URL: `failed to fetch anonymous token: unexpected status: 403 Forbidden`
      const tokenStatus = !token && a.outcome === 'unauthorized' && a.error ? tokenStatusWithoutUrl(a.error) : null;
      const tokenText = token ? ` (its token server ${token.host}: ${token.outcome})` : tokenStatus ? ` (its token server: ${tokenStatus})` : '';
      out.push(`  ${n + 1}. ${a.kind.padEnd(7)} ${host}${a.mirror ? ' (mirror)' : ''}: ${st}${a.outcome}${tokenText}${a.viaProxy ? ' via proxy' : ''}`);
      out.push(`       ${what}`);
      if (a.error) out.push(`       ${errors.line(a.error, `step ${n + 1}`)}`);
      if (a.challenge) out.push(`       challenge: ${a.challenge}`);
      if (a.inferred) out.push(`       inferred: ${a.inferred}`);
    });
    if (fetches.length) {
      const by = new Map<string, { ok: number; bad: number; errors: string[] }>();
      for (const f of fetches) {
        const k = `${f.host}${f.mirror ? ' (mirror)' : ''}`;
        const e = by.get(k) ?? { ok: 0, bad: 0, errors: [] };
        if (f.outcome === 'ok') e.ok++;
        else e.bad++;
        if (f.error && !e.errors.includes(f.error)) e.errors.push(f.error);
        by.set(k, e);
      }
      for (const [h, e] of by) {
        out.push(`  · fetch from ${h}: ${e.ok} ok${e.bad ? `, ${e.bad} failed` : ''}`);
        for (const err of e.errors) out.push(`       ${errors.line(err, `a fetch from ${h}`)}`);
        // who really served: the hosts this one redirected its downloads to
        for (const r of (d.redirects ?? []).filter((x) => h === x.from || h.startsWith(`${x.from} `))) {
          const parts = [`${r.ok} ok`, ...(r.failed ? [`${r.failed} failed${r.failure ? ` (${r.failure})` : ''}`] : []), ...(r.unanswered ? [`${r.unanswered} not answered`] : [])];
          out.push(`      ↪ redirected to ${r.to}: ${parts.join(', ')}`);
        }
      }
    }
    for (const f of d.fallback) out.push(`  → fell back from ${f.from} to ${f.to} (${f.reason})`);
    if (d.resolved.host) out.push(`  · resolved by ${d.resolved.host}${d.resolved.digest ? ` → ${d.resolved.digest}` : ''}`);
    let verdict = d.verdict;
    if (d.error) {
      out.push(`  · ${errors.line(d.error, 'the final error')}`);
      // the verdict quotes the final error, just printed
      if (verdict.endsWith(`: ${d.error}`)) verdict = `${verdict.slice(0, -(d.error.length + 2))} (error above)`;
    }
    out.push(`  Verdict: ${d.result.toUpperCase()} — ${verdict}`);
    out.push('');
  });
  return redact(out.join('\n'));
}

/**
 * The error texts of one pull, each printed once: the first mention prints it (with how often the
 * pull logged it), a later one names where it was printed, and an error that ends with one printed
 * already (containerd's final error wraps the last host's) prints only what it adds.
 */
class ErrorsOnce {
  private readonly counts = new Map<string, number>();
  private readonly printed = new Map<string, string>();

  constructor(d: TraceDoc) {
    const all: (string | null)[] = [...d.attempts.map((a: TraceAttempt) => a.error), d.error];
    for (const e of all) if (e) this.counts.set(e, (this.counts.get(e) ?? 0) + 1);
    // a final error that ends with an attempt's error logged that one once more (not when the attempt was read from it)
    if (d.error) {
      const fromFinal = new Set(d.attempts.filter((a) => a.evidence === 'error').map((a) => a.error));
      for (const e of this.counts.keys()) if (e !== d.error && !fromFinal.has(e) && d.error.endsWith(`: ${e}`)) this.counts.set(e, (this.counts.get(e) ?? 0) + 1);
    }
  }

  /** `error: …` for the error `e` mentioned at `where` (e.g. `step 2`). */
  line(e: string, where: string): string {
    const seen = this.printed.get(e);
    if (seen !== undefined) return `error: as ${seen}`;
    this.printed.set(e, where);
    const n = this.counts.get(e) ?? 1;
    const label = n > 1 ? `error (${n}× in this pull)` : 'error';
    for (const [p, at] of this.printed) {
      if (p !== e && e.endsWith(`: ${p}`)) return `${label}: ${e.slice(0, e.length - p.length)}[as ${at}]`;
    }
    return `${label}: ${e}`;
  }
}
