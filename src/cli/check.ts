/**
 * `mirror-doctor check [ref]`: gather the node's facts once (src/probe/facts.ts), run every check
 * over them (src/checks/run.ts), and print the findings grouped by layer with one verdict line —
 * or JSON, or a Markdown/JSON report file for a ticket. Writes nothing but --report and --save.
 * Exit codes: 0 no error finding, 1 an error finding (with --strict also a warning), 2 could not run.
 */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { PULL_CLIENTS, type Facts, type PullClient } from '../checks/facts.js';
import { parseIgnore as parseCheckIds, runChecks as realRunChecks, UnknownCheckIdError } from '../checks/run.js';
import { goPathError } from '../containerd/node-snapshot.js';
import { parseCriReference, parseCtrReference } from '../containerd/reference.js';
import { resolveProfile } from '../containerd/version.js';
import { gatherFacts, type GatherDeps, type GatherOptions } from '../probe/facts.js';
import { resolveNodePathSync } from '../probe/node-root.js';
import { reduceAll, reduceSession } from '../session/check-session.js';
import { gatherListeners, progressText } from '../session/gather-events.js';
import { initialSession, type SessionEvent, type SessionState } from '../session/session-state.js';
import { checkEvents } from '../session/verdict.js';
import { collectConfigSecrets, redactFacts, redactReportText } from '../report/redact-config.js';
import { renderReportJson, type ChecksOutcome } from '../report/report-json.js';
import { renderReportMarkdown } from '../report/report-markdown.js';
import { renderReportText } from '../report/report-text.js';
import { EXIT, signalExitCode, UsageError } from '../errors.js';
import { checkDaemonLogOption, pullTimings, type PullCliOptions } from './pull-options.js';
import { checkRoot } from './root-option.js';
import { checkOutputFile, checkOutputFolder, makeOutputFolder, PATH_LOGS, writeOwnerOnly } from './output-files.js';
import { invocation } from './invocation.js';
import { makeProgress } from './progress.js';
import { askRef, refNotice, type Registries } from './ref-prompt.js';

export interface CheckCliOptions extends PullCliOptions {
  root?: string;
  config?: string;
  hostsDir?: string;
  client?: string;
  containerdVersion?: string;
  address?: string;
  ctr?: string;
  offline?: boolean;
  json?: boolean;
  report?: string;
  save?: string;
  ignore?: string | string[];
  strict?: boolean;
  /** every progress step as a line on stderr, on a terminal or not */
  verbose?: boolean;
}

export type RunChecks = (facts: Facts, o: { ignore: string[]; strict: boolean }) => ChecksOutcome | Promise<ChecksOutcome>;

export interface CheckIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** stderr is a terminal: progress is one line updated in place (default: process.stderr.isTTY) */
  progress?: boolean;
  /** the terminal's width, for the progress line */
  columns?: number;
  /** stdout's width when it is a terminal: the text report is fitted to it */
  width?: number;
  /**
   * Without an image reference: asks which image to pull (default: on a terminal, stdin and
   * stderr); returns the ref, or null to keep the suggestion. Undefined: say which, on stderr.
   */
  askRef?: (registries: Registries) => Promise<string | null>;
  /** the arguments mirror-doctor was run with (default: as main() received them) */
  argv?: string[];
  color?: boolean;
  /** the checks (default: runChecks of src/checks/run.ts) */
  runChecks?: RunChecks;
  deps?: GatherDeps;
  env?: NodeJS.ProcessEnv;
}

const defaultIo = (): CheckIo => ({
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  progress: !!process.stderr.isTTY,
  columns: process.stderr.columns,
  ...(process.stdout.isTTY && process.stdout.columns ? { width: process.stdout.columns } : {}),
  color: !!process.stdout.isTTY && !process.env.NO_COLOR,
  ...(process.stdin.isTTY && process.stderr.isTTY ? { askRef: (registries: Registries) => askRef(registries, { input: process.stdin, output: process.stderr }) } : {}),
});

const EXAMPLE = 'mirror-doctor check docker.io/library/nginx:latest';

function checkReference(ref: string | undefined, extra: string[]): void {
  const unknown = extra.find((a) => a.startsWith('-'));
  if (unknown !== undefined) throw new UsageError(`unknown option ${JSON.stringify(unknown)} for check`, 'see mirror-doctor check --help');
  if (extra.length > 0) throw new UsageError(`check takes at most one image reference, got also ${extra.map((a) => JSON.stringify(a)).join(' ')}`, `example: ${EXAMPLE}`);
  if (ref === undefined) return;
  if (ref.startsWith('-')) throw new UsageError(`invalid image reference ${JSON.stringify(ref)}: a reference cannot start with "-" (unknown option?)`, `example: ${EXAMPLE}`);
  if (ref.trim() === '') throw new UsageError('the image reference is empty', `example: ${EXAMPLE}`);
  const cri = parseCriReference(ref);
  const ctr = parseCtrReference(ref);
  if (!cri.ok && !(ctr.ok || ctr.stage !== 'parse')) throw new UsageError(`invalid image reference ${JSON.stringify(ref)}: ${cri.error}`, `example: ${EXAMPLE}`);
}

/** `--ignore a,b --ignore c` → [a, b, c], known check ids only (an unknown id is a usage error). */
export function parseIgnore(v: string | string[] | undefined): string[] {
  if (v !== undefined && (Array.isArray(v) ? v : [v]).every((s) => s.split(',').every((x) => x.trim() === ''))) {
    throw new UsageError('--ignore needs check ids, e.g. --ignore proxy-env-mismatch,ctr-namespace');
  }
  try {
    return parseCheckIds(v);
  } catch (e) {
    if (e instanceof UnknownCheckIdError) throw new UsageError(e.message);
    throw e;
  }
}

/** What --save DIR holds: the facts, the report in both forms, the log of each pull path. */
const SAVED_FILES = ['facts.json', 'report.json', 'report.md', ...PATH_LOGS];

/** Validates the options (UsageError → exit 2) and turns them into gathering options. */
export function prepareCheck(ref: string | undefined, o: CheckCliOptions, extra: string[] = []): { gather: GatherOptions; ignore: string[]; report: string | null; save: string | null } {
  checkReference(ref, extra);
  const root = checkRoot(o.root);
  if (o.config !== undefined) {
    if (o.config.trim() === '') throw new UsageError('--config is empty', 'example: --config /etc/containerd/config.toml');
    // where the node would find it (its links resolved under --root)
    const at = resolveNodePathSync(root, o.config);
    if (!at.ok && at.code !== 'ENOENT') throw new UsageError(`config file ${o.config} cannot be read: ${goPathError('stat', o.config, { code: at.code })}${root !== '/' ? ` (under ${root})` : ''}`);
    const real = at.ok ? at.hostPath : null;
    if (real === null || !existsSync(real)) throw new UsageError(`config file ${o.config} does not exist${root !== '/' ? ` under ${root}` : ''}`, 'omit --config to use the daemon\'s (or /etc/containerd/config.toml), or pass the right path');
    if (statSync(real).isDirectory()) throw new UsageError(`config file ${o.config} is a directory, not a file`);
  }
  if (o.client !== undefined && !(PULL_CLIENTS as readonly string[]).includes(o.client)) {
    throw new UsageError(`--client ${JSON.stringify(o.client)} is not one of ${PULL_CLIENTS.join(', ')}`, 'example: --client nerdctl');
  }
  if (o.hostsDir !== undefined && o.hostsDir.trim() === '') throw new UsageError('--hosts-dir is empty', 'example: --hosts-dir /etc/containerd/certs.d');
  if (o.containerdVersion !== undefined) {
    const prof = resolveProfile(o.containerdVersion, 'option');
    if (!prof.ok) throw new UsageError(prof.error, 'example: --containerd-version 1.7.24');
  }
  if (o.address !== undefined && o.address.trim() === '') throw new UsageError('--address is empty', 'example: --address /run/containerd/containerd.sock');
  if (o.ctr !== undefined && o.ctr.trim() === '') throw new UsageError('--ctr is empty', 'example: --ctr /usr/bin/ctr');
  if (o.namespace !== undefined && !/^[A-Za-z0-9]([A-Za-z0-9_.-]{0,75}[A-Za-z0-9])?$/.test(o.namespace)) {
    throw new UsageError(`--namespace ${JSON.stringify(o.namespace)} is not a valid containerd namespace name`);
  }
  const { timeoutMs, stallMs, responseStallMs } = pullTimings(o);
  if (!o.offline) checkDaemonLogOption(o.daemonLog);
  const ignore = parseIgnore(o.ignore);
  const report = o.report !== undefined ? checkOutputFile('--report', o.report) : null;
  const save = o.save !== undefined ? checkOutputFolder('--save', o.save, SAVED_FILES) : null;
  const gather: GatherOptions = {
    root,
    ...(ref !== undefined ? { ref } : {}),
    ...(o.config !== undefined ? { config: o.config } : {}),
    ...(o.hostsDir !== undefined ? { hostsDir: o.hostsDir } : {}),
    ...(o.client !== undefined ? { client: o.client as PullClient } : {}),
    ...(o.containerdVersion !== undefined ? { containerdVersion: o.containerdVersion } : {}),
    ...(o.address !== undefined ? { address: o.address } : {}),
    ...(o.ctr !== undefined ? { ctr: o.ctr } : {}),
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    ...(o.daemonLog !== undefined ? { daemonLog: o.daemonLog } : {}),
    timeoutMs,
    stallMs,
    responseStallMs,
    full: !!o.full,
    cri: o.cri !== false,
    offline: !!o.offline,
  };
  return { gather, ignore, report, save };
}

export async function runCheck(ref: string | undefined, o: CheckCliOptions, extra: string[] = [], ioIn?: Partial<CheckIo>): Promise<number> {
  const io: CheckIo = { ...defaultIo(), ...ioIn };
  const { gather, ignore, report, save } = prepareCheck(ref, o, extra);
  const runChecks: RunChecks = io.runChecks ?? realRunChecks;

  const abort = new AbortController();
  // on a terminal one line in place, erased before anything else is written; off it, --verbose only
  const progress = makeProgress({ write: io.stderr, tty: !!io.progress && !o.json, verbose: !!o.verbose, ...(io.columns ? { columns: io.columns } : {}) });
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (s: NodeJS.Signals) => {
    signalled = s;
    progress.clear();
    io.stderr(`mirror-doctor: ${s}: stopping the pulls and cleaning up…\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // the same session model as the TUI (src/session/check-session.ts): progress lines are its events
  let session: SessionState = reduceSession(initialSession(Date.now(), (o.client as PullClient | undefined) ?? 'cri'), { type: 'ref-chosen', ref: ref ?? '', at: Date.now() });
  const emit = (e: SessionEvent) => {
    session = reduceSession(session, e);
    const text = progressText(e);
    if (text) progress.show(text);
  };
  // no image given: asked on a terminal, else said (which, and why) before anything is pulled
  const confirmRef = async (suggested: Facts['ref'], registries: Registries): Promise<string | null> => {
    progress.clear();
    const picked = io.askRef ? await io.askRef(registries) : null;
    if (picked !== null && picked !== suggested.input) return picked;
    if (!io.askRef) io.stderr(refNotice(suggested, registries));
    return null;
  };
  let facts: Facts;
  try {
    facts = await gatherFacts(
      {
        ...gather,
        ...(io.env ? { env: io.env } : {}),
        signal: abort.signal,
        ...gatherListeners(emit),
        confirmRef,
        command: io.argv ?? invocation() ?? ['check', ...(ref !== undefined ? [ref] : [])],
      },
      io.deps ?? {},
    );
    emit({ type: 'facts-gathered', facts, at: Date.now() });
  } finally {
    progress.clear();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const outcome = await runChecks(facts, { ignore, strict: !!o.strict });
  session = reduceAll(session, checkEvents(outcome, !!o.strict));
  const input = { facts, outcome, ignored: ignore, strict: !!o.strict };
  const secrets = collectConfigSecrets(facts.snapshot);

  if (report) writeOwnerOnly('--report', report, report.endsWith('.json') ? renderReportJson(input, secrets) : renderReportMarkdown(input, secrets));
  if (save) {
    makeOutputFolder('--save', save, SAVED_FILES);
    writeOwnerOnly('--save', path.join(save, 'facts.json'), `${JSON.stringify(redactFacts(facts, secrets), null, 2)}\n`);
    writeOwnerOnly('--save', path.join(save, 'report.json'), renderReportJson(input, secrets));
    writeOwnerOnly('--save', path.join(save, 'report.md'), renderReportMarkdown(input, secrets));
    for (const p of facts.trace?.paths ?? []) writeOwnerOnly('--save', path.join(save, `${p.path}.log`), redactReportText(p.log.endsWith('\n') ? p.log : `${p.log}\n`, secrets));
  }
  io.stdout(o.json ? renderReportJson(input, secrets) : renderReportText(input, { color: !!io.color, ...(io.width ? { width: io.width } : {}) }, secrets));
  if (report && !o.json) io.stderr(`report written to ${report} (mode 0600)\n`);
  if (signalled) return signalExitCode(signalled);
  return session.verdict?.exitCode ?? EXIT.usage;
}
