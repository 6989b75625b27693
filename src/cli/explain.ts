/**
 * `mirror-doctor explain <ref>`: reads the node files (under --root), emulates containerd for the
 * given version and prints the plan per client (text or JSON). Bad input → UsageError (exit 2).
 */
import { analyzeConfig } from '../containerd/config-toml.js';
import { explain } from '../containerd/explain.js';
import { explainJson } from '../containerd/explain-json.js';
import { explainText } from '../containerd/explain-text.js';
import { NERDCTL_DEFAULT_HOSTS_DIRS, NERDCTL_TOML, nerdctlHostKeys, nerdctlTomlOptions } from '../containerd/nerdctl-plan.js';
import { splitConfigPath } from '../containerd/host-dirs.js';
import { lookupEntry } from '../containerd/node-snapshot.js';
import { parseCriReference, parseCtrReference } from '../containerd/reference.js';
import { resolveProfile, type ProfileSource } from '../containerd/version.js';
import { detectContainerdVersion } from '../probe/containerd-version.js';
import { locateDaemon } from '../probe/daemon-location.js';
import { unitFilesOf } from '../probe/daemon-facts.js';
import { distributionProbe, textReader } from '../probe/environment-facts.js';
import { NodeFileReader, type FsLike } from '../probe/node-files.js';
import { readHostsFolders } from '../probe/hosts-folder-facts.js';
import { collectConfigSecrets, redactReportJson, redactReportText } from '../report/redact-config.js';
import { UsageError } from '../errors.js';
import { checkRoot } from './root-option.js';

export interface ExplainOptions {
  root?: string;
  config?: string;
  hostsDir?: string;
  containerdVersion?: string;
  json?: boolean;
}

export interface ExplainIo {
  stdout: (s: string) => void;
  /** Version detection (tests replace it). */
  detectVersion?: () => Promise<string | undefined>;
  fs?: FsLike;
}

const defaultIo: ExplainIo = {
  stdout: (s) => {
    process.stdout.write(s);
  },
};

const EXAMPLE = 'mirror-doctor explain docker.io/library/nginx:latest';

function checkReference(ref: string, extra: string[]): void {
  if (ref.startsWith('-')) {
    throw new UsageError(
      `invalid image reference ${JSON.stringify(ref)}: a reference cannot start with "-" (unknown option?)`,
      `example: ${EXAMPLE}`,
    );
  }
  const unknown = extra.find((a) => a.startsWith('-'));
  if (unknown !== undefined) throw new UsageError(`unknown option ${JSON.stringify(unknown)} for explain`, 'see mirror-doctor explain --help');
  if (extra.length > 0) throw new UsageError(`explain takes one image reference, got also ${extra.map((a) => JSON.stringify(a)).join(' ')}`, `example: ${EXAMPLE}`);
  if (ref.trim() === '') throw new UsageError('the image reference is empty', `example: ${EXAMPLE}`);
  const ctr = parseCtrReference(ref);
  const cri = parseCriReference(ref);
  if (!cri.ok && (!ctr.ok && ctr.stage === 'parse')) {
    throw new UsageError(`invalid image reference ${JSON.stringify(ref)}: ${cri.error}`, `example: ${EXAMPLE}`);
  }
}

export async function runExplain(ref: string, opts: ExplainOptions, extraArgs: string[] = [], io: ExplainIo = defaultIo): Promise<number> {
  checkReference(ref, extraArgs);
  const root = checkRoot(opts.root);
  const reader = new NodeFileReader({ root, ...(io.fs ? { fs: io.fs } : {}) });

  // containerd version: option, else detected (live node only), else assumed.
  let versionText = opts.containerdVersion;
  let source: ProfileSource = 'option';
  let assumptionNote: string | undefined;
  if (versionText === undefined) {
    if (root === '/') {
      versionText = await (io.detectVersion ?? detectContainerdVersion)();
      source = 'detected';
    } else {
      assumptionNote = 'with --root the local containerd binary does not describe that node, so no version was detected';
    }
  }
  let prof = resolveProfile(versionText, source);
  // a detected string that names no containerd version is stated and the default assumed; a given one is a usage error
  if (!prof.ok && source === 'detected') {
    assumptionNote = `containerd --version printed ${JSON.stringify(versionText)}: ${prof.error}`;
    prof = resolveProfile(undefined);
  }
  if (!prof.ok) throw new UsageError(prof.error, 'example: --containerd-version 1.7.24');
  const profile = prof.profile;
  if (assumptionNote && prof.source === 'assumed') profile.assumption = `${profile.assumption}; ${assumptionNote}`;

  // the config file as check finds it: --config, else the distribution's layout (k3s, RKE2, MicroK8s, k0s) under --root
  const aux = new NodeFileReader({ root, ...(io.fs ? { fs: io.fs } : {}) });
  const located = await locateDaemon(distributionProbe(aux, textReader(aux)), { ...(opts.config !== undefined ? { config: opts.config } : {}), lookForProcess: false, unitFiles: unitFilesOf(aux, textReader(aux)) });
  const configFile = located.configFile;
  await reader.readConfig(configFile);
  const cfgEntry = lookupEntry(reader.snapshot, configFile);
  if (opts.config !== undefined && cfgEntry.kind === 'missing') {
    throw new UsageError(`config file ${configFile} does not exist${root !== '/' ? ` under ${root}` : ''}`, 'omit --config to use /etc/containerd/config.toml, or pass the right path');
  }
  const config = analyzeConfig(configFile, reader.snapshot, profile);
  if (config.unreadable) throw new UsageError(`cannot read the config file: ${config.unreadable}`, 'pass a containerd config.toml with --config');

  // Read every hosts root any plan may consult, for every registry host the reference may name.
  const hosts = new Set<string>();
  for (const r of [parseCtrReference(ref), parseCriReference(ref)]) if (r.ok) hosts.add(r.ref.hostname);
  const roots = new Set<string>();
  const cp = config.cri.configPath;
  if (cp !== '') {
    roots.add(cp);
    for (const r of splitConfigPath(cp)) if (r !== '') roots.add(r);
  }
  if (opts.hostsDir !== undefined) {
    if (opts.hostsDir.trim() === '') throw new UsageError('--hosts-dir is empty', 'example: --hosts-dir /etc/containerd/certs.d');
    roots.add(opts.hostsDir);
  }
  for (const r of roots) for (const h of hosts) await reader.readHostRoot(r, h);
  // every folder: a reference that names another registry's mirror is said so
  for (const r of roots) await reader.stat(r);
  await readHostsFolders(reader, [...roots].map((root) => ({ root, reason: 'config_path' as const })), hosts);
  // nerdctl: its config file, its hosts dirs, and the `host:443` key it looks up first
  await reader.read(NERDCTL_TOML, true);
  const nerdctl = nerdctlTomlOptions(reader.snapshot);
  for (const r of nerdctl.hostsDirs ?? NERDCTL_DEFAULT_HOSTS_DIRS) {
    await reader.stat(r);
    for (const h of hosts) for (const k of nerdctlHostKeys(h)) await reader.readHostRoot(r, k);
  }

  const result = explain({
    ref,
    snapshot: reader.snapshot,
    profile,
    profileSource: prof.source,
    configFile,
    distribution: located.distribution,
    nerdctl,
    ...(opts.hostsDir !== undefined ? { hostsDir: opts.hostsDir } : {}),
  });
  if (result.unanalysable.length > 0) {
    throw new UsageError(`cannot analyse: ${result.unanalysable.join('; ')}`, 'files over 10 MB are not containerd configuration');
  }
  // the plan quotes the node's files (header values, URLs with userinfo): redacted on the way out
  const secrets = collectConfigSecrets(reader.snapshot);
  io.stdout(opts.json ? redactReportText(`${JSON.stringify(redactReportJson(explainJson(result), secrets), null, 2)}\n`, secrets) : redactReportText(explainText(result), secrets));
  return 0;
}
