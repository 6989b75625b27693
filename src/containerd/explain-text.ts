/** Plain-text rendering of an explain result: a plan per client, a line per endpoint, every decision. */
import type { Decision } from './decision.js';
import type { ExplainResult } from './explain.js';
import type { ClientPlan } from './plan.js';
import { SOURCES } from './upstream-source.js';

const MARK: Record<Decision['severity'], string> = { info: '-', warning: '!', error: 'x' };

function decisionLines(ds: Decision[], indent: string): string[] {
  const out: string[] = [];
  for (const d of ds) {
    out.push(`${indent}${MARK[d.severity]} ${d.message} [${SOURCES[d.source].label}]`);
    if (d.containerdError) out.push(`${indent}    containerd error: ${d.containerdError}`);
    if (d.containerdLog) out.push(`${indent}    containerd log:   ${d.containerdLog}`);
  }
  return out;
}

function planLines(p: ClientPlan): string[] {
  const out: string[] = [`== ${p.title} [${p.mode} mode]`];
  if (p.reference) {
    out.push(`   reference: ${p.reference.name} → registry host ${p.reference.hostname}, repository ${p.reference.repository}, ${p.reference.digest ? `digest ${p.reference.digest}` : `tag ${p.reference.tag ?? p.reference.object}`}`);
  }
  if (p.lookup) out.push(`   host directory: ${p.lookup.dir ?? (p.lookup.error ? `error: ${p.lookup.error}` : 'none')}${p.hostDir ? ` (${p.hostDir.source}${p.hostDir.discarded ? ', hosts.toml discarded' : ''})` : ''}`);
  else if (p.client !== 'cri' || p.hostRoots.length === 0) out.push('   host directory: not consulted');
  if (p.endpoints.length > 0) {
    out.push('   hosts, in the order containerd tries them:');
    for (const e of p.endpoints) {
      const tls = e.tls.explicit ? `; tls${e.tls.skipVerify ? ' skip_verify' : ''}${e.tls.caCerts.length ? ` ca=${e.tls.caCerts.join(',')}` : ''}${e.tls.clientPairs.length ? ` client=${e.tls.clientPairs.map((c) => c.filter(Boolean).join('+')).join(',')}` : ''}` : '';
      out.push(`     ${e.index + 1}. ${e.scheme}://${e.host}${e.path}  [${e.kind}; ${e.capabilities.join(', ')}${e.httpFallback ? '; https first, then http' : ''}${tls}${e.usable ? '' : `; UNUSABLE: ${e.problem}`}]`);
    }
  }
  if (p.resolve) {
    out.push(`   resolve (${p.resolve.purpose}):`);
    if (p.resolve.attempts.length === 0) out.push(`     (no host qualifies: ${p.resolve.noHostsError})`);
    for (const a of p.resolve.attempts) out.push(`     ${a.method} ${a.url}${a.fallbackUrl ? `  (then ${a.fallbackUrl})` : ''}`);
    for (const s of p.resolve.skipped) out.push(`     skipped host #${s.endpoint + 1} ${s.host}: ${s.reason}`);
  }
  if (p.fetch) {
    out.push('   fetch (GET by digest, all hosts in order):');
    if (p.fetch.attempts.length === 0) out.push(`     (no host has pull: ${p.fetch.noHostsError})`);
    for (const a of p.fetch.attempts) out.push(`     ${a.method} ${a.url}${a.fallbackUrl ? `  (then ${a.fallbackUrl})` : ''}`);
  }
  if (p.error) out.push(`   fails: ${p.error}`);
  if (p.decisions.length > 0) {
    out.push('   decisions:');
    out.push(...decisionLines(p.decisions, '     '));
  }
  return out;
}

export function explainText(r: ExplainResult): string {
  const out: string[] = [];
  out.push(`mirror-doctor explain ${r.ref}`);
  out.push(`containerd: ${r.profile.label} (${r.profileSource})${r.root !== '/' ? `; node files under ${r.root}` : ''}`);
  const c = r.config;
  out.push(
    `config: ${c.file}${c.found ? ` (version ${c.versionWritten ?? 'missing → 1'}${c.files.length > 1 ? `, imports ${c.files.slice(1).join(', ')}` : ''})` : ' (absent: defaults)'}; CRI config_path ${JSON.stringify(c.cri.configPath)} (${c.cri.configPathSource}), pull mode ${c.cri.pullMode}${c.cri.loads ? '' : `; CRI NOT LOADED: ${c.cri.notLoadedReason}`}`,
  );
  if (r.decisions.length > 0) out.push(...decisionLines(r.decisions, '  '));
  for (const p of r.plans) {
    out.push('');
    out.push(...planLines(p));
  }
  return `${out.join('\n')}\n`;
}
