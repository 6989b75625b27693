/**
 * The `check` report for tickets (GitHub, GitLab, Jira): a verdict box, an environment table,
 * the findings with their evidence and fixes, the three pulls as compact tables, the config files
 * with line numbers, and the raw logs in collapsible sections. Only portable Markdown is used
 * (headings, blockquotes, pipe tables, fenced code, `<details>`). Pure; every byte passes through
 * the report redaction (log/header rules, TOML secret values, the node's known secrets).
 */
import { EARLIER_RUNS_TITLE, earlierRunLines } from './earlier-runs-text.js';
import type { Facts, Known } from '../checks/facts.js';
import type { Finding } from '../checks/finding.js';
import { goPathJoin } from '../containerd/go-url.js';
import { hostDirectoryName } from '../containerd/host-dirs.js';
import { parseCriReference, parseCtrReference } from '../containerd/reference.js';
import type { PathRun } from '../trace/run-schema.js';
import { collectConfigSecrets, redactConfigText, redactReportText } from './redact-config.js';
import { counts, groupFindings, idOf, LAYER_TITLES, PATH_TITLES, pathResult, rootCauseId, summaryText, traceSkipReason, type ReportInput } from './report-json.js';
import { pathCells } from './trace-run-text.js';
import { GLYPH } from './report-text.js';
import { VERSION } from '../version.js';
import { mustReachRole, reportMustReach } from './must-reach.js';

/** Longest config excerpt shown whole; longer files show the registry-related lines. */
const MAX_EXCERPT_LINES = 80;
/** Lines of each raw log kept (the end: that is where the verdict is). */
const MAX_LOG_LINES = 400;

/** A table cell: no pipes or newlines. */
export function cell(s: string | number | null | undefined): string {
  if (s === null || s === undefined || s === '') return '–';
  return String(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Inline code that survives backticks in the text. */
export function code(s: string): string {
  const ticks = s.includes('`') ? '``' : '`';
  return `${ticks}${ticks.length > 1 ? ' ' : ''}${s.replace(/\r?\n/g, ' ')}${ticks.length > 1 ? ' ' : ''}${ticks}`;
}

/** A fenced block whose fence is longer than any backtick run inside. */
export function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text.replace(/\n+$/, '')}\n${f}`;
}

function numbered(lines: string[], firstLine: number): string {
  const width = String(firstLine + lines.length - 1).length;
  return lines.map((l, i) => `${String(firstLine + i).padStart(width)} | ${l}`).join('\n');
}

const COMMAND_START = /^(\$ |sudo |systemctl |ctr |crictl |containerd |mkdir |mv |cp |rm |chmod |chown |cat |tee |printf |echo |k3s |rke2 |microk8s |k0s |journalctl |nerdctl |export |ln |curl |wget |openssl |ls |grep |sed |kubectl |mirror-doctor |getent |install )/;

/** Fix steps: runs of commands become one shell block, edits a text block, words a list item. */
function renderFix(fix: string[]): string[] {
  const out: string[] = [];
  let commands: string[] = [];
  const flush = () => {
    if (commands.length) out.push(fence(commands.join('\n'), 'sh'), '');
    commands = [];
  };
  for (const step of fix) {
    const isCommand = COMMAND_START.test(step);
    if (isCommand) {
      commands.push(step.replace(/^\$ /, ''));
      continue;
    }
    flush();
    if (step.includes('\n')) {
      const [first, ...rest] = step.split('\n');
      out.push(`- ${first}`, '', fence(rest.join('\n')), '');
    } else out.push(`- ${step}`, '');
  }
  flush();
  return out;
}

function renderEvidence(f: Finding): string[] {
  if (f.evidence.length === 0) return [];
  const lines = f.evidence.slice(0, 12).map((e) => {
    const where = e.kind === 'file' && e.line ? `${e.source}:${e.line}${e.column ? `:${e.column}` : ''}` : e.source;
    return `${where}${e.text ? `\n  ${e.text.split('\n').slice(0, 12).join('\n  ')}` : ''}`;
  });
  if (f.evidence.length > 12) lines.push(`… ${f.evidence.length - 12} more`);
  return ['**Evidence**', '', fence(lines.join('\n'))];
}

function renderProblem(f: Finding): string {
  const parts = [`#### ${GLYPH[f.severity]} ${code(f.id)} — ${f.title}`, '', `*${f.severity} · ${LAYER_TITLES[f.layer] ?? f.layer}*`, ''];
  if (f.detail) parts.push(f.detail, '');
  const ev = renderEvidence(f);
  if (ev.length) parts.push(...ev, '');
  if (f.fix.length) parts.push('**Fix**', '', ...renderFix(f.fix));
  if (f.docs) parts.push(`Docs: ${f.docs} (on the node: \`mirror-doctor checks ${f.id}\`)`, '');
  return parts.join('\n');
}

function verdictBox(input: ReportInput): string {
  const o = input.outcome;
  const c = counts(o.findings);
  const rc = rootCauseId(o);
  const head =
    o.status === 'ok'
      ? `**${GLYPH.ok} OK** — nothing blocks the mirror`
      : o.status === 'interrupted'
        ? '**Interrupted** — the pulls were stopped before they ended: no root cause'
        : !rc && o.unexplained
          ? `**${GLYPH.error} Problems found** — root cause: unexplained (${code(idOf(o.unexplained) ?? '')})`
          : `**${GLYPH.error} Problems found** — root cause: ${rc ? code(rc) : 'unknown'}`;
  const tally = `${c.error} error(s) · ${c.warning} warning(s) · ${c.ok} ok · ${c.info} info · exit code ${o.exitCode}${input.strict ? ' · --strict' : ''}${input.ignored?.length ? ` · ignored: ${input.ignored.join(', ')}` : ''}`;
  return [`> ${head}`, '>', ...summaryText(o).split('\n').map((l) => `> ${l}`), '>', `> ${tally}`].join('\n');
}

function envTable(f: Facts): string {
  const rows: Array<[string, string]> = [];
  const known = <T>(k: Known<T>, fmt: (v: T) => string, miss: (e: string) => string) => ('unknown' in k ? miss(k.unknown.error) : fmt(k.value));
  if (f.nodeName) rows.push(['Node', code(f.nodeName)]);
  rows.push(['Image', `${code(f.ref.input)} (${f.ref.source === 'argument' ? 'argument' : f.ref.source === 'hosts-folder' ? `no image given: the first registry in the hosts folders, those with a mirror first${f.ref.folder ? `, ${f.ref.folder}` : ''}` : 'no image given and no hosts folder names a registry: files only, nothing pulled'})`]);
  rows.push(['containerd (emulated as)', `${f.containerdVersion.value} (${f.containerdVersion.source})`]);
  rows.push(['Daemon version', known(f.versions.server, (v) => v, (e) => `unknown: ${e}`)]);
  rows.push(['ctr', known(f.versions.ctr, (v) => v, (e) => `unknown: ${e}`)]);
  rows.push(['containerd binary', known(f.versions.binary, (v) => v, (e) => `unknown: ${e}`)]);
  rows.push(['Distribution', `${f.distribution.kind}${f.distribution.generated ? ' (config generated on start)' : ''}${f.distribution.editInstead ? `; edit ${f.distribution.editInstead}` : ''}`]);
  rows.push(['Socket', `${code(f.address)} — ${f.daemon.reachable ? 'reachable' : f.offline ? 'not contacted (offline)' : `not reachable: ${f.daemon.error ?? '?'}`}`]);
  const p = f.daemon.process;
  rows.push(['Daemon process', p ? `pid ${p.pid}, started ${p.startedAt ? new Date(p.startedAt).toISOString() : '?'}, ${code(p.argv.join(' '))}` : 'not seen in /proc']);
  rows.push(['config.toml', `${code(f.configFile)}${f.configFileSource ? ` (${f.configFileSource})` : ''}${f.configMtime ? `, modified ${new Date(f.configMtime).toISOString()}` : ', missing'}${f.root !== '/' ? ` under ${code(f.root)}` : ''}`]);
  rows.push([
    'Live CRI config_path',
    known(f.liveCri, (v) => (v.exposed ? `${code(v.configPath ?? '')}${v.hasMirrors ? ' + legacy mirrors' : ''}` : 'not exposed (containerd 2.x)'), (e) => `unknown: ${e}`),
  ]);
  rows.push(['Plugins', known(f.plugins, (v) => (v.length ? v.map((x) => `${x.id}: ${x.status}${x.error ? ` (${x.error})` : ''}`).join('; ') : 'none relevant'), (e) => `unknown: ${e}`)]);
  rows.push(['Hosts folders', f.hostRoots.map((h) => `${code(h.root)} (${h.reason})`).join(', ') || '–']);
  const env = (e: Record<string, string> | null | undefined) => (e && Object.keys(e).length ? Object.entries(e).map(([k, v]) => `${k}=${v}`).join(' ') : 'none');
  rows.push(['Proxy (daemon / systemd / shell)', `${p ? (p.proxyEnv ? env(p.proxyEnv) : 'unreadable') : 'no process seen'} / ${f.daemon.systemd ? env(f.daemon.systemd.proxyEnv) : 'no unit'} / ${env(f.shellProxyEnv)}`]);
  if (f.daemon.systemd) rows.push(['systemd', `${f.daemon.systemd.unit}: ${f.daemon.systemd.files.map((x) => code(x.path)).join(', ')}`]);
  rows.push(['Collected', `${f.collectedAt} by mirror-doctor ${VERSION}${f.offline ? ' (offline)' : ''}, invoked by uid ${f.invokingUser.uid}${f.invokingUser.name ? ` (${f.invokingUser.name})` : ''}`]);
  for (const n of f.notes ?? []) rows.push(['Note', n]);
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`)].join('\n');
}

function attemptsTable(run: PathRun): string {
  const attempts = run.doc?.attempts ?? [];
  if (attempts.length === 0) {
    if (run.path === 'cri' && run.daemonLog && !run.doc) return `_no daemon log lines (${run.daemonLog.problem ?? run.daemonLog.source}): the hosts CRI tried are not visible_`;
    if (run.path === 'cri' && run.daemonLog && !run.daemonLog.debug) return '_the daemon logs at info level: no line names a host that answered_';
    return run.doc ? '_no registry request seen_' : '_no trace_';
  }
  const rows = attempts.slice(0, 40).map((a, i) => `| ${i + 1} | ${cell(a.host)}${a.mirror ? ' (mirror)' : ''} | ${cell(a.kind)} | ${cell(a.method)} ${cell(a.url ?? a.path)} | ${cell(a.status)} | ${cell(a.outcome)} |`);
  if (attempts.length > 40) rows.push(`| … | ${attempts.length - 40} more | | | | |`);
  return ['| # | Host | Kind | Request | Status | Outcome |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

function tracesSection(f: Facts): string {
  const run = f.trace;
  if (!run) return `_Not run: ${traceSkipReason(f)}._`;
  const parts = [
    `Pulled in the throw-away namespace ${code(run.namespace)} (removed afterwards); ctr hosts dir ${code(run.hostsDir)}.`,
    '',
    '| Path | Mode | Host directory | Manifest from | Mirror used | Result |',
    '|---|---|---|---|---|---|',
    ...run.paths.map((p) => {
      const c = pathCells(p);
      const or = (x: string) => (x === '-' ? null : x);
      return `| ${cell(PATH_TITLES[p.path])} | ${cell(p.mode)} | ${cell(or(c.hostsDir))} | ${cell(or(c.manifestFrom))} | ${cell(or(c.mirrorUsed))} | ${cell(pathResult(p))} |`;
    }),
    '',
    `**What the difference proves:** ${run.comparison.verdict}`,
    '',
    ...run.comparison.statements.map((s) => `- ${s}`),
    '',
  ];
  for (const p of run.paths) {
    parts.push(`#### ${PATH_TITLES[p.path]}`, '', code(p.command.join(' ')), '', attemptsTable(p), '');
    const ev = p.evidence;
    const notes = [
      p.daemonLog ? `daemon log: ${p.daemonLog.source}${p.daemonLog.problem ? ` — ${p.daemonLog.problem}` : ''}` : null,
      ev ? `**${ev.level}**: ${ev.basis.join('; ')}${ev.collect ? ` — to know: ${ev.collect}` : ''}` : null,
      p.error ? `error: ${p.error}` : null,
      p.blobNote,
    ].filter((x): x is string => !!x);
    for (const n of notes) parts.push(`- ${n}`);
    if (notes.length) parts.push('');
  }
  if (run.leftovers.length) parts.push(`**Cleanup could not remove:** ${run.leftovers.map(code).join(', ')}`, '');
  const earlier = earlierRunLines(run.earlierRuns);
  if (earlier.length) parts.push(`**${EARLIER_RUNS_TITLE}:**`, '', ...earlier.map((l) => `- ${l}`), '');
  return parts.join('\n');
}

/** The lines of a config file worth showing: all of a short file, else the registry-related ones with context. */
function excerpt(text: string): { lines: string[]; first: number; whole: boolean }[] {
  const lines = text.replace(/\n$/, '').split('\n');
  if (lines.length <= MAX_EXCERPT_LINES) return [{ lines, first: 1, whole: true }];
  const keep = new Set<number>();
  lines.forEach((l, i) => {
    if (/registry|config_path|mirrors|endpoint|imports|^\s*version|disabled_plugins|use_local_image_pull|cri\.v1\.images|grpc\.v1\.cri|transfer/.test(l)) {
      for (let j = Math.max(0, i - 2); j <= Math.min(lines.length - 1, i + 3); j++) keep.add(j);
    }
  });
  const idx = [...keep].sort((a, b) => a - b).slice(0, MAX_EXCERPT_LINES * 2);
  const blocks: { lines: string[]; first: number; whole: boolean }[] = [];
  for (const i of idx) {
    const last = blocks[blocks.length - 1];
    if (last && last.first + last.lines.length === i + 1) last.lines.push(lines[i]!);
    else blocks.push({ lines: [lines[i]!], first: i + 1, whole: false });
  }
  return blocks.length ? blocks : [{ lines: lines.slice(0, MAX_EXCERPT_LINES), first: 1, whole: false }];
}

/** config.toml (and imports), then the hosts files that concern the image (then others, a few). */
function configFiles(f: Facts): string[] {
  const files: string[] = [];
  const add = (p: string) => {
    const e = f.snapshot.entries[p];
    if (e?.kind === 'file' && e.content?.kind === 'text' && !files.includes(p)) files.push(p);
  };
  add(f.configFile);
  for (const p of Object.keys(f.configMtimes ?? {})) add(p);
  const hosts = new Set<string>();
  for (const r of [parseCtrReference(f.ref.input), parseCriReference(f.ref.input)]) if (r.ok) hosts.add(r.ref.hostname);
  const hostsFile = /\/(hosts?\.(toml|tml|ya?ml|json|conf|txt)|[^/]*\.toml)$/i;
  for (const h of f.hostRoots) {
    for (const host of hosts) for (const name of [hostDirectoryName(host), host, '_default']) {
      const dir = goPathJoin(h.root, name);
      for (const p of Object.keys(f.snapshot.entries).sort()) if (p.startsWith(`${dir}/`) && hostsFile.test(p)) add(p);
    }
  }
  let others = 0;
  for (const h of f.hostRoots) {
    for (const p of Object.keys(f.snapshot.entries).sort()) {
      if (others >= 6) break;
      if (p.startsWith(`${h.root}/`) && hostsFile.test(p) && !files.includes(p)) {
        add(p);
        others++;
      }
    }
  }
  return files;
}

function configSection(f: Facts): string {
  const parts: string[] = [];
  for (const p of configFiles(f)) {
    const e = f.snapshot.entries[p];
    if (e?.kind !== 'file' || e.content?.kind !== 'text') continue;
    const text = redactConfigText(e.content.text);
    const blocks = excerpt(text);
    parts.push(`#### ${code(p)}${blocks[0]?.whole ? '' : ' (registry-related lines)'}`, '');
    if (text.trim() === '') parts.push('_empty file_', '');
    else for (const b of blocks) parts.push(fence(numbered(b.lines, b.first), ''), '');
  }
  if (parts.length === 0) return `_No config file could be read (${code(f.configFile)} is missing or unreadable)._`;
  return parts.join('\n');
}

function logsSection(f: Facts): string {
  const run = f.trace;
  const parts: string[] = [];
  for (const p of run?.paths ?? []) {
    const lines = p.log.split('\n').filter((l, i, a) => !(i === a.length - 1 && l === ''));
    if (lines.length === 0) continue;
    const shown = lines.slice(-MAX_LOG_LINES);
    const cut = lines.length - shown.length;
    parts.push(
      '<details>',
      `<summary>${PATH_TITLES[p.path]}: ${p.path === 'cri' ? 'containerd log during the pull' : 'ctr output'} (${lines.length} lines${cut ? `, last ${shown.length} shown` : ''})</summary>`,
      '',
      fence(shown.join('\n'), 'text'),
      '',
      '</details>',
      '',
    );
  }
  for (const u of f.daemon.systemd?.files ?? []) {
    parts.push('<details>', `<summary>systemd: ${u.path}</summary>`, '', fence(u.text, 'ini'), '', '</details>', '');
  }
  return parts.join('\n');
}

export function renderReportMarkdown(input: ReportInput, secrets: readonly string[] = collectConfigSecrets(input.facts.snapshot)): string {
  const f = input.facts;
  const groups = groupFindings(input.outcome.findings);
  const problems = groups.flatMap((g) => g.findings.filter((x) => x.severity === 'error' || x.severity === 'warning'));
  const passing = groups.flatMap((g) => g.findings.filter((x) => x.severity === 'ok' || x.severity === 'info'));
  const out: string[] = [`## mirror-doctor report: ${code(f.ref.input)}`, '', verdictBox(input), '', '### Environment', '', envTable(f), '', '### Findings', ''];
  if (problems.length === 0) out.push('_No errors or warnings._', '');
  for (const p of problems) out.push(renderProblem(p));
  if (passing.length) {
    out.push(
      '<details>',
      `<summary>${passing.length} passing or informational check(s)</summary>`,
      '',
      '| | Check | Layer | Result |',
      '|---|---|---|---|',
      ...passing.map((x) => `| ${GLYPH[x.severity]} | ${code(x.id)} | ${cell(LAYER_TITLES[x.layer] ?? x.layer)} | ${cell(x.title)} |`),
      '',
      '</details>',
      '',
    );
  }
  out.push('### Pulls', '', tracesSection(f), '');
  const reach = reportMustReach(f);
  if (reach.length) {
    out.push(
      '### Hosts this node must reach',
      '',
      `For ${code(f.ref.input)}, as the pulls showed them: allow these through the node's firewall and proxy.`,
      '',
      '| Host | Role | Seen | Pulls |',
      '|---|---|---|---|',
      ...reach.map((h) => `| ${code(h.host)} | ${cell(mustReachRole(h))} | ${cell(h.seen)} | ${cell(h.paths.map((p) => PATH_TITLES[p as PathRun['path']] ?? p).join(', '))} |`),
      '',
    );
  }
  out.push('### Configuration', '', configSection(f), '');
  const logs = logsSection(f);
  if (logs) out.push('### Raw logs (redacted)', '', logs);
  out.push(`<sub>Generated by mirror-doctor ${VERSION} (${f.collectedAt}). Secrets (Authorization headers, tokens, config auth/password/identitytoken/header values) are redacted.</sub>`, '');
  return redactReportText(out.join('\n'), secrets);
}
