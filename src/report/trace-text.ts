/** Human-readable timeline per pull, ending in a one-line verdict. Output is redacted. */
import type { TraceDoc } from '../trace/schema.js';
import { redact } from './redact.js';
import { redactTraceDoc } from './redact-trace.js';

export function renderTraceText(docs: TraceDoc[], startIndex = 0): string {
  if (docs.length === 0) return redact('No image pull found in the input (no resolver, --http-dump, ctr or CRI pull lines).\n');
  const out: string[] = [];
  docs.map(redactTraceDoc).forEach((d, i) => {
    const src = `${d.source.kind}${d.source.joined ? ' + daemon-log' : ''}, mode ${d.source.mode}${d.source.containerdVersion ? `, containerd ${d.source.containerdVersion}` : ''}`;
    out.push(`Pull ${startIndex + i + 1}: ${d.ref ?? '(reference not in the log)'}  [${src}; lines ${d.lines.first}-${d.lines.last}]`);
    if (d.daemon.pluginErrors.length) for (const e of d.daemon.pluginErrors) out.push(`  ! plugin ${e.plugin} failed to load: ${e.error}`);
    if (d.daemon.criConfigPath !== null) out.push(`  · CRI registry config_path: ${d.daemon.criConfigPath === '' ? '(empty)' : d.daemon.criConfigPath}`);
    out.push(`  · host directory: ${d.hostsDir ?? 'none loaded'}`);
    for (const e of d.hostsTomlErrors) out.push(`  ! hosts.toml not parsed${e.dir ? ` (${e.dir})` : ''}: ${e.error}`);
    for (const w of d.warnings) out.push(`  ! ${w}`);
    const res = d.attempts.filter((a) => a.kind !== 'fetch');
    const fetches = d.attempts.filter((a) => a.kind === 'fetch');
    res.forEach((a, n) => {
      const what = `${a.method ?? '?'} ${a.url ?? (a.path ? `//${a.host}${a.path}` : a.host)}`;
      const st = a.status !== null ? `${a.status} ` : '';
      out.push(`  ${n + 1}. ${a.kind.padEnd(7)} ${a.host}${a.mirror ? ' (mirror)' : ''}: ${st}${a.outcome}${a.viaProxy ? ' via proxy' : ''}`);
      out.push(`       ${what}`);
      if (a.error) out.push(`       error: ${a.error}`);
      if (a.challenge) out.push(`       challenge: ${a.challenge}`);
      if (a.inferred) out.push(`       inferred: ${a.inferred}`);
    });
    if (fetches.length) {
      const by = new Map<string, { ok: number; bad: number }>();
      for (const f of fetches) {
        const k = `${f.host}${f.mirror ? ' (mirror)' : ''}`;
        const e = by.get(k) ?? { ok: 0, bad: 0 };
        if (f.outcome === 'ok') e.ok++;
        else e.bad++;
        by.set(k, e);
      }
      for (const [h, e] of by) out.push(`  · fetch from ${h}: ${e.ok} ok${e.bad ? `, ${e.bad} failed` : ''}`);
    }
    for (const f of d.fallback) out.push(`  → fell back from ${f.from} to ${f.to} (${f.reason})`);
    if (d.resolved.host) out.push(`  · resolved by ${d.resolved.host}${d.resolved.digest ? ` → ${d.resolved.digest}` : ''}`);
    if (d.error) out.push(`  · error: ${d.error}`);
    out.push(`  Verdict: ${d.result.toUpperCase()} — ${d.verdict}`);
    out.push('');
  });
  return redact(out.join('\n'));
}
