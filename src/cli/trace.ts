/**
 * `mirror-doctor trace <ref>`: real pulls on this node — ctr without and with --hosts-dir, and CRI
 * as kubelet — compared side by side, with what the difference proves.
 */
import { join, resolve } from 'node:path';
import { parseCriReference } from '../containerd/reference.js';
import { analyzeConfig } from '../containerd/config-toml.js';
import { planCri, planMirrorHosts } from '../containerd/plan.js';
import { mirroredRegistries } from '../containerd/mirror-roles.js';
import { refHosts } from '../probe/checked-ref.js';
import { readHostsFolders } from '../probe/hosts-folder-facts.js';
import { resolveProfile } from '../containerd/version.js';
import { NodeFileReader } from '../probe/node-files.js';
import { defaultHostsDir, locateDaemon } from '../probe/daemon-location.js';
import { unitFilesOf } from '../probe/daemon-facts.js';
import { distributionProbe, textReader } from '../probe/environment-facts.js';
import { ctrVersions, trace, TraceError, type TraceOptions } from '../probe/tracer.js';
import type { TraceRun } from '../trace/run-schema.js';
import { renderTraceRunText } from '../report/trace-run-text.js';
import { redactedJsonText } from '../report/redact.js';
import { collectConfigSecrets, redactReportText } from '../report/redact-config.js';
import { splitConfigPath } from '../containerd/host-dirs.js';
import { EXIT, signalExitCode, UsageError } from '../errors.js';
import { traceRunProblems } from '../trace/run-problems.js';
import { makeProgress } from './progress.js';
import { checkDaemonLogOption, pullTimings, type PullCliOptions } from './pull-options.js';
import { checkOutputFolder, makeOutputFolder, PATH_LOGS, writeOwnerOnly } from './output-files.js';

export interface TraceCliOptions extends PullCliOptions {
  ctr?: string;
  address?: string;
  hostsDir?: string;
  config?: string;
  json?: boolean;
  save?: string;
  /** every progress step as a line on stderr, on a terminal or not */
  verbose?: boolean;
}

/** What --save DIR holds: the log of each pull path and the run as JSON. */
const SAVED_FILES = [...PATH_LOGS, 'trace.json'];

/** Validates the options and reads what the trace needs from the node (versions, config_path). */
export async function prepareTrace(ref: string, o: TraceCliOptions, extra: string[] = []): Promise<TraceOptions> {
  if (ref.startsWith('-') || extra.some((a) => a.startsWith('-'))) {
    throw new UsageError(`invalid image reference or unknown option ${JSON.stringify(ref.startsWith('-') ? ref : extra.find((a) => a.startsWith('-')))}`, 'see mirror-doctor trace --help');
  }
  if (extra.length) throw new UsageError(`trace takes one image reference, got also ${extra.join(' ')}`);
  const parsed = parseCriReference(ref);
  if (!parsed.ok) throw new UsageError(`invalid image reference ${JSON.stringify(ref)}: ${parsed.error}`, 'example: mirror-doctor trace docker.io/library/nginx:latest');
  const fullRef = parsed.ref.name;
  if (o.namespace !== undefined && !/^[A-Za-z0-9]([A-Za-z0-9_.-]{0,75}[A-Za-z0-9])?$/.test(o.namespace)) {
    throw new UsageError(`--namespace ${JSON.stringify(o.namespace)} is not a valid containerd namespace name`);
  }
  // the socket and config.toml as check finds them: the distribution's, the daemon's --config
  const aux = new NodeFileReader({ root: '/' });
  const located = await locateDaemon(distributionProbe(aux, textReader(aux)), { address: o.address, config: o.config, lookForProcess: true, unitFiles: unitFilesOf(aux, textReader(aux)) });
  const address = located.address;
  const ctr = o.ctr ?? 'ctr';
  const { timeoutMs, stallMs, responseStallMs } = pullTimings(o);
  checkDaemonLogOption(o.daemonLog);
  // before the pulls, not after them
  if (o.save !== undefined) checkOutputFolder('--save', o.save, SAVED_FILES);

  const versions = await ctrVersions(ctr, address);
  if (!versions.client) throw new UsageError(`cannot run ctr: ${versions.error ?? `${ctr}: not found`}`, 'install ctr (it comes with containerd) or pass --ctr PATH');
  if (!versions.server) throw new UsageError(`cannot reach containerd at ${address}: ${versions.error}`, 'pass --address SOCKET (k3s: /run/k3s/containerd/containerd.sock)');

  // config.toml on disk: its config_path (for the CRI comparison and the default --hosts-dir)
  const configFile = located.configFile;
  const reader = new NodeFileReader({ root: '/' });
  await reader.readConfig(configFile);
  const prof = resolveProfile(versions.server, 'detected');
  const analysis = prof.ok ? analyzeConfig(configFile, reader.snapshot, prof.profile) : null;
  const diskConfigPath = analysis?.cri.configPath || null;
  // a mirror only config.toml names (registry.mirrors): the daemon's connections to it are a mirror's
  const mirrorHosts = prof.ok && analysis ? planMirrorHosts(planCri({ ref, snapshot: reader.snapshot, profile: prof.profile, config: analysis })) : [];
  const hostsDir = resolve(defaultHostsDir(o.hostsDir, diskConfigPath ?? '', located.distribution));
  // the hosts folders, for a reference that names a mirror (pulled from it directly, as it should be)
  const roots = [...new Set([...splitConfigPath(diskConfigPath ?? ''), hostsDir])].map((root) => ({ root, reason: 'config_path' as const }));
  for (const r of roots) await reader.stat(r.root);
  await readHostsFolders(reader, roots, refHosts(ref));
  const mirrorOf = prof.ok ? mirroredRegistries(parsed.ref.hostname, roots.map((r) => r.root), analysis?.cri.mirrors ?? {}, reader.snapshot, prof.profile) : [];

  return {
    ref: fullRef,
    criImage: ref,
    ctr,
    address,
    hostsDir,
    ...(o.namespace ? { namespace: o.namespace } : {}),
    timeoutMs,
    stallMs,
    responseStallMs,
    full: !!o.full,
    cri: o.cri !== false,
    ...(o.daemonLog ? { daemonLog: o.daemonLog } : {}),
    diskConfigPath,
    configFile,
    mirrorHosts,
    mirrorOf,
    versions: { client: versions.client, server: versions.server },
  };
}

export async function runTrace(ref: string, o: TraceCliOptions, extra: string[] = []): Promise<number> {
  const prepared = await prepareTrace(ref, o, extra);
  const abort = new AbortController();
  const stderr = (t: string) => void process.stderr.write(t);
  const progress = makeProgress({ write: stderr, tty: !!process.stderr.isTTY && !o.json, verbose: !!o.verbose, ...(process.stderr.columns ? { columns: process.stderr.columns } : {}) });
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (s: NodeJS.Signals) => {
    signalled = s;
    progress.clear();
    stderr(`mirror-doctor: ${s}: stopping the pull and cleaning up…\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let run: TraceRun;
  try {
    run = await trace({
      ...prepared,
      signal: abort.signal,
      onProgress: (e) => {
        if (e.kind === 'path-start') progress.show(e.command);
        if (e.kind === 'cleanup') progress.show(`cleaning up ${e.what}`);
      },
    });
  } catch (e) {
    if (e instanceof TraceError) throw new UsageError(e.message);
    throw e;
  } finally {
    progress.clear();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const secrets = await nodeSecrets(prepared);
  if (o.save !== undefined) saveRun(resolve(o.save), run, secrets);
  // the text is scrubbed before it is wrapped to the terminal, so no secret is split over lines
  const width = process.stdout.isTTY ? process.stdout.columns : undefined;
  process.stdout.write(o.json ? redactReportText(`${redactedJsonText(run)}\n`, secrets) : renderTraceRunText(run, { secrets, ...(width ? { width } : {}) }));
  if (signalled) return signalExitCode(signalled);
  // a pull with the hosts folder that failed, or whose mirrors all failed, is a problem found
  return traceRunProblems(run).length > 0 ? EXIT.problems : EXIT.ok;
}

/**
 * The secrets written in the files the pulls used (config.toml, the hosts folders for the image's
 * registry): header values, credentials, userinfo. Whatever quotes them (a daemon log line, a dump)
 * is scrubbed of them on the way out, besides the rules of redact().
 */
async function nodeSecrets(o: TraceOptions): Promise<string[]> {
  const reader = new NodeFileReader({ root: '/' });
  if (o.configFile) await reader.readConfig(o.configFile);
  const parsed = parseCriReference(o.criImage);
  const host = parsed.ok ? parsed.ref.hostname : null;
  const roots = new Set([o.hostsDir, ...(o.diskConfigPath ? splitConfigPath(o.diskConfigPath) : [])].filter((r) => r !== ''));
  if (host !== null) for (const r of roots) await reader.readHostRoot(r, host);
  return collectConfigSecrets(reader.snapshot);
}

/** --save DIR: the raw logs (redacted) and the JSON, readable by the owner only. */
function saveRun(dir: string, run: TraceRun, secrets: readonly string[]): void {
  makeOutputFolder('--save', dir, SAVED_FILES);
  for (const p of run.paths) writeOwnerOnly('--save', join(dir, `${p.path}.log`), redactReportText(p.log.endsWith('\n') ? p.log : `${p.log}\n`, secrets));
  writeOwnerOnly('--save', join(dir, 'trace.json'), redactReportText(`${redactedJsonText(run)}\n`, secrets));
}
