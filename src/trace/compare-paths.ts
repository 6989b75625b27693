/**
 * What the difference between the three pull paths proves. Pure: takes the parsed traces of
 * `ctr` without and with `--hosts-dir` and of the CRI pull, plus the daemon's live registry config
 * and config.toml on disk, and returns statements in plain words.
 */
import { blobFailuresAtMirror } from './mirror-blob-failures.js';
import type { TraceDoc } from './schema.js';
import type { PathEvidence } from './path-evidence.js';
import { outcomeLabel, tokenFailure, tokenUnreadable } from './classify.js';

export type PathName = 'ctr' | 'ctr-hosts-dir' | 'cri';
/** The order the trace shows its paths in, whichever ran first. */
export const PATH_ORDER: readonly PathName[] = ['ctr', 'ctr-hosts-dir', 'cri'];

export interface PathOutcome {
  path: PathName;
  /** null when the path did not run (no daemon, CRI disabled by option, …) */
  doc: TraceDoc | null;
  /** the call itself succeeded (image pulled) */
  pulled: boolean | null;
  /** the client's final error, verbatim (redacted) */
  error: string | null;
  /** CRI only: the gRPC status code name of a failed call */
  code?: string | null;
  /** what the path's statements rest on (trace/path-evidence.ts) */
  evidence?: PathEvidence;
  /** CRI: the daemon's log lines hold its resolver's debug lines */
  debug?: boolean;
}

export interface LiveRegistry {
  /** 1.x reports it in Status(verbose); 2.x does not expose the registry config over CRI */
  exposed: boolean;
  configPath: string | null;
  hasMirrors: boolean;
}

export interface CompareInput {
  paths: PathOutcome[];
  /** the folder ctr --hosts-dir was given (under --root, a path of this machine) */
  hostsDir: string;
  /** the same folder as the node names it, which the daemon's config_path is compared with (default: hostsDir) */
  nodeHostsDir?: string;
  live: LiveRegistry | null;
  /** config_path as written in config.toml (null when the file could not be read) */
  diskConfigPath: string | null;
  /** the config file changed after the daemon started (null when unknown) */
  configNewerThanDaemon: boolean | null;
  /** the reference's host is itself a mirror on this node: the registries it serves (`*`: every one without a folder) */
  mirrorOf?: { host: string; registries: string[] };
}

export interface Comparison {
  /** one line: what the difference proves */
  verdict: string;
  statements: string[];
  mirrorUsedBy: PathName[];
}

function upstreamOf(doc: TraceDoc | null): string | null {
  const a = doc?.attempts.find((x) => !x.mirror && x.kind === 'resolve');
  return a?.host ?? null;
}

/** An attempt the tracer stopped waiting for (early-stop.ts markStalled). */
const STALLED = /^the tracer stopped waiting/;

function whyNot(doc: TraceDoc): string {
  if (doc.hostsTomlErrors.length) return `hosts.toml could not be parsed (${doc.hostsTomlErrors[0]!.error}), so containerd used the upstream only`;
  if (!doc.hostsDir) return 'no host directory was loaded for this registry';
  const mirrors = doc.attempts.filter((a) => a.mirror && a.kind === 'resolve');
  if (mirrors.length === 0) return `the host directory ${doc.hostsDir} was loaded but no mirror was asked to resolve the tag (no hosts.toml in it, or no mirror with the resolve capability: \`mirror-doctor explain\` tells which)`;
  // a mirror that resolved the tag but stalled while its manifest was fetched is the one meant
  const m = doc.attempts.find((a) => a.mirror && a.kind === 'fetch' && STALLED.test(a.inferred ?? '')) ?? mirrors[mirrors.length - 1]!;
  // the mirrors that failed before the last one, in order: the first is usually the one meant
  const before = [...new Set(mirrors.slice(0, -1).filter((a) => a.host !== m.host && a.outcome !== 'ok').map((a) => `the mirror ${a.host} failed (${a.status !== null ? `${a.status} ` : ''}${outcomeLabel(a.outcome, a.status)})`))];
  const lead = before.length ? `${before.join(', ')}; then ` : '';
  if (m.outcome === 'timeout') {
    return STALLED.test(m.inferred ?? '')
      ? `${lead}the mirror ${m.host} stalled: ${m.error ?? 'no answer'} (${(m.inferred ?? '').replace(/^the tracer stopped waiting after \d+ s without an answer(: )?/, '').replace(/^; /, '') || 'the tracer stopped waiting'})`
      : `${lead}the mirror ${m.host} did not answer in time (${m.error ?? 'timeout'})`;
  }
  // a 401 whose token request failed: the token server is the host that failed
  const t = m.error ? tokenFailure(m.error) : null;
  if (t) return `${lead}the mirror ${m.host} answered 401 and its token server ${t.host} failed (${t.outcome}: ${t.cause}), and containerd fell back to the next host`;
  // a 401 whose token server answered with no token (a web page): neither the mirror nor the credentials
  const unreadable = m.error ? tokenUnreadable(m.error) : null;
  if (unreadable) return `${lead}the mirror ${m.host} answered 401 and its token server sent no token (${unreadable}), and containerd fell back to the next host`;
  return `${lead}the mirror ${m.host} answered ${m.status ?? ''} ${outcomeLabel(m.outcome, m.status)}`.replace(/\s+/g, ' ') + (m.error ? ` (${m.error})` : '') + ', and containerd fell back to the next host';
}

export function comparePaths(i: CompareInput): Comparison {
  const by = (p: PathName) => i.paths.find((x) => x.path === p);
  const ctr = by('ctr');
  const ctrHd = by('ctr-hosts-dir');
  const cri = by('cri');
  const statements: string[] = [];
  const mirrorUsedBy = i.paths.filter((p) => (p.evidence ? p.evidence.mirrorUsed === true : p.doc?.mirrorUsed)).map((p) => p.path);

  if (ctr?.doc) {
    statements.push(
      ctr.doc.mirrorUsed
        ? 'ctr without --hosts-dir used a mirror (unexpected: ctr reads no hosts.toml without --hosts-dir)'
        : `ctr without --hosts-dir went to ${upstreamOf(ctr.doc) ?? 'the upstream'}: ctr never reads config_path, only --hosts-dir`,
    );
  }
  const filesWork = !!ctrHd?.doc?.mirrorUsed;
  // a reference that names a mirror: no folder is looked up for it, and pulling from it directly is right
  const asMirror = i.mirrorOf && i.mirrorOf.registries.length > 0 && !filesWork && !ctrHd?.doc?.hostsDir?.endsWith('/_default') ? i.mirrorOf : null;
  const ownFolder = asMirror ? (ctrHd?.doc?.hostsDir ?? null) : null;
  const servesText = asMirror ? `${asMirror.host} is itself the mirror this node uses for ${asMirror.registries.map((r) => (r === '*' ? 'every registry without a folder of its own' : r)).join(', ')}` : '';
  if (ctrHd?.doc && asMirror) statements.push(`ctr --hosts-dir ${i.hostsDir} pulled from ${asMirror.host} directly: ${servesText}`);
  else if (ctrHd?.doc) {
    statements.push(
      filesWork
        ? `ctr --hosts-dir ${i.hostsDir} used the mirror ${ctrHd.doc.resolved.host ?? ctrHd.doc.blobHosts[0] ?? ''}: the hosts.toml files are good`.trimEnd()
        : `even ctr --hosts-dir ${i.hostsDir} did not use a mirror: ${whyNot(ctrHd.doc)}`,
    );
  }

  // CRI: what its evidence says (a daemon at info level logs no line for the host that served a
  // pull, so its doc alone says nothing about a mirror that worked)
  const criUsed: boolean | null = cri ? (cri.evidence ? cri.evidence.mirrorUsed : (cri.doc?.mirrorUsed ?? null)) : null;
  // CRI asked the mirror and its pull failed: the same path as ctr's, with another outcome
  const criFailedAtMirror = !!cri && criUsed === false && cri.evidence?.mirrorTried === true && cri.pulled === false;
  /** the doc holds the resolver's own lines (a daemon at debug level): what it lacks was not done */
  const criDebug = !!cri?.doc && (cri.debug ?? cri.doc.attempts.some((a) => a.method !== null));
  let criLine: string | null = null;
  if (cri) {
    const ev = cri.evidence;
    const level = ev ? ` (${ev.level}: ${ev.basis.join('; ')})` : '';
    if (cri.code === 'UNIMPLEMENTED') {
      criLine = 'the CRI plugin is not loaded (the daemon answers "unknown service runtime.v1.ImageService"): kubelet cannot pull at all; the daemon log says why ("failed to load plugin")';
    } else if (criUsed === true) {
      criLine = `CRI (as kubelet) used the mirror${ev?.servedBy ? ` ${ev.servedBy}` : ''}${level}`;
    } else if (criFailedAtMirror) {
      criLine = `CRI (as kubelet) asked the mirror too, and the pull failed${cri.error ? `: ${cri.error}` : ''}${level}`;
    } else if (criUsed === null) {
      criLine = `whether CRI (as kubelet) used a mirror is unknown${ev ? `: ${ev.basis.join('; ')}${ev.collect ? ` — to know, ${ev.collect}` : ''}` : ''}`;
    } else {
      const parts: string[] = ['CRI (as kubelet) did not use a mirror'];
      if (i.live?.exposed) {
        if (!i.live.configPath) {
          parts.push("and the daemon's live configPath is empty");
          if (i.diskConfigPath) {
            parts.push(
              i.configNewerThanDaemon === false
                ? `although config.toml sets config_path = "${i.diskConfigPath}" (check which config file the daemon was started with)`
                : `: config.toml sets config_path = "${i.diskConfigPath}" but containerd was started before that edit — restart containerd`,
            );
          } else parts.push(': config_path is not set in config.toml for the CRI plugin');
        } else if (!i.live.configPath.split(':').includes(i.nodeHostsDir ?? i.hostsDir)) {
          parts.push(`: the daemon reads hosts from ${i.live.configPath}, not from ${i.nodeHostsDir ?? i.hostsDir}`);
        } else if (cri.doc && criDebug) {
          parts.push(`: ${whyNot(cri.doc)}`);
        } else if (ev) parts.push(level);
      } else if (cri.doc && criDebug) {
        if (!cri.doc.hostsDir) {
          parts.push(
            `and its pull loaded no host directory${i.diskConfigPath ? ` although config.toml sets config_path = "${i.diskConfigPath}"` : ' (config_path is not set in config.toml)'}` +
              (i.diskConfigPath?.includes(':') ? '; a colon-separated config_path is read as one path by the transfer service on 2.1+' : '') +
              (i.diskConfigPath && !i.diskConfigPath.includes(':')
                ? i.configNewerThanDaemon
                  ? ': containerd was started before config.toml was edited — restart containerd'
                  : '; if config.toml was edited after containerd started, restart containerd'
                : ''),
          );
        } else parts.push(`: ${whyNot(cri.doc)}`);
      } else if (ev) {
        parts.push(level);
        if (ev.mirrorTried === false && i.diskConfigPath && i.configNewerThanDaemon) parts.push(`: config.toml sets config_path = "${i.diskConfigPath}" but containerd was started before that edit — restart containerd`);
      } else if (cri.error) {
        parts.push(`(${cri.error})`);
      }
      criLine = parts.join(' ').replace(/ :/g, ':');
    }
    statements.push(criLine);
  }

  // the mirror served the manifest and failed a blob: ctr's dump shows its own answer; CRI's debug
  // log (ctr fetched no blob when CRI had stored them first) names the URL asked with the final answer
  const gap = filesWork ? [ctrHd, criUsed === true ? cri : null].flatMap((p) => (p?.doc ? blobFailuresAtMirror(p) : []))[0] : undefined;
  const blobGap = gap ? `${gap.host} answered ${gap.status} for ${gap.blob}${gap.to ? `, and containerd asked ${gap.to} next` : ''}${gap.direct ? '' : ' (the CRI pull\'s log; the answer may be from a host the mirror redirected to)'}` : null;
  let verdict: string;
  if (cri && cri.code === 'UNIMPLEMENTED') verdict = criLine!;
  else if (filesWork && criFailedAtMirror) verdict = `ctr with --hosts-dir uses the mirror, and so does CRI, whose pull failed there${cri!.error ? `: ${cri!.error}` : ''}`;
  else if (filesWork && cri && criUsed === false) verdict = `ctr with --hosts-dir uses the mirror, CRI does not${criLine ? ` — ${criLine.replace(/^CRI \(as kubelet\) did not use a mirror[,:]? ?/, '')}` : ''}`;
  // the mirror answered the tag, and the pull failed after it (a blob the mirror lacks, a redirect target)
  else if (filesWork && criUsed === true && cri?.pulled === false) verdict = `the mirror is used by ctr --hosts-dir and by CRI, but the CRI pull failed${cri.error ? `: ${cri.error}` : ''}`;
  else if (filesWork && criUsed === true) verdict = `the mirror is used by ctr --hosts-dir and by CRI${blobGap ? `, but not for every blob: ${blobGap}` : ': nothing is ignored'}`;
  else if (filesWork && cri && criUsed === null) verdict = `ctr with --hosts-dir uses the mirror${blobGap ? `, but not for every blob (${blobGap})` : ''}; ${criLine}`;
  // CRI reaches a mirror the hosts folder does not name (registry.mirrors in config.toml, which ctr never reads)
  else if (ctrHd?.doc && !filesWork && cri && criUsed === true) {
    const served = cri.evidence?.servedBy ?? cri.doc?.resolved.host ?? null;
    verdict = `CRI (as kubelet) uses the mirror${served ? ` ${served}` : ''}${cri.pulled === false ? `, and its pull failed${cri.error ? ` (${cri.error})` : ''}` : ''}; ctr with --hosts-dir does not: ${whyNot(ctrHd.doc)}`;
  } else if (asMirror && criUsed !== true) {
    const failed = [ctrHd, cri].find((p) => p?.pulled === false);
    verdict = `${servesText}: a reference that names it is pulled from it directly, ${ownFolder ? `as its own folder ${ownFolder} says` : 'with no hosts folder of its own'}${failed ? `; the pull failed there${failed.error ? `: ${failed.error}` : ''}` : ''}`;
  } else if (ctrHd?.doc && !filesWork) verdict = `the mirror is not used even with --hosts-dir: ${whyNot(ctrHd.doc)}`;
  else verdict = statements[statements.length - 1] ?? 'no pull could be traced';
  return { verdict: verdict.replace(/\s+/g, ' ').trim(), statements, mirrorUsedBy };
}
