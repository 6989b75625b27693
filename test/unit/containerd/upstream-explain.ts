/**
 * Runs an upstream test case, written as files on a node, through what `explain --json` prints:
 * the pure path (snapshot → explain → explainJson) and, for a cross-check, the CLI itself on a
 * temporary --root holding the same files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { explain } from '../../../src/containerd/explain.js';
import { explainJson, type ExplainJson } from '../../../src/containerd/explain-json.js';
import { collectConfigSecrets, redactReportJson, redactReportText } from '../../../src/report/redact-config.js';
import { snap, profile } from './helpers.js';

export type Plan = ExplainJson['plans'][number];
export type Endpoint = Plan['endpoints'][number];

export const CONFIG = '/etc/containerd/config.toml';
export const CERTS_D = '/etc/containerd/certs.d';

/** The containerd versions the lab runs (src/lab/install.ts) and the tags their tests come from. */
export const HOSTS_TEST_TAGS = [
  { version: '1.6.20', tag: 'v1.6.20', file: 'remotes/docker/config/hosts_test.go' },
  { version: '1.6.39', tag: 'v1.6.39', file: 'remotes/docker/config/hosts_test.go' },
  { version: '1.7.24', tag: 'v1.7.24', file: 'remotes/docker/config/hosts_test.go' },
  { version: '2.1.9', tag: 'v2.1.9', file: 'core/remotes/docker/config/hosts_test.go' },
] as const;

/** config.toml giving CRI `config_path`, in the table each major reads (2.1 pulls locally so no transfer detour). */
export function criConfigPathToml(version: string, configPath: string): string {
  if (version.startsWith('2.')) {
    return `version = 3\n[plugins."io.containerd.cri.v1.images"]\n  use_local_image_pull = true\n[plugins."io.containerd.cri.v1.images".registry]\n  config_path = ${JSON.stringify(configPath)}\n`;
  }
  return `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = ${JSON.stringify(configPath)}\n`;
}

export interface NodeCase {
  /** node path → file text */
  files: Record<string, string>;
  ref: string;
  version: string;
  /** ctr --hosts-dir, adds the `ctr-hosts-dir` plan */
  hostsDir?: string;
}

/** What explain --json prints for the case, computed without the CLI. */
export function explainPure(c: NodeCase): ExplainJson {
  const result = explain({
    ref: c.ref,
    snapshot: snap(c.files),
    profile: profile(c.version),
    profileSource: 'option',
    configFile: CONFIG,
    ...(c.hostsDir !== undefined ? { hostsDir: c.hostsDir } : {}),
  });
  return explainJson(result);
}

/** The pure result as the CLI prints it: header values and other secrets redacted on the way out. */
export function explainPureRedacted(c: NodeCase): ExplainJson {
  const secrets = collectConfigSecrets(snap(c.files));
  return JSON.parse(redactReportText(JSON.stringify(redactReportJson(explainPure(c), secrets)), secrets)) as ExplainJson;
}

/** The same through the CLI: files written under `root`, `explain --json` parsed from captured stdout. */
export async function explainCli(c: NodeCase, root: string, out: () => string): Promise<{ code: number; json: ExplainJson }> {
  for (const [p, text] of Object.entries(c.files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  mkdirSync(root, { recursive: true });
  const args = ['node', 'mirror-doctor', 'explain', c.ref, '--root', root, '--containerd-version', c.version, '--json'];
  if (c.hostsDir !== undefined) args.push('--hosts-dir', c.hostsDir);
  const code = await main(args);
  return { code, json: JSON.parse(out()) as ExplainJson };
}

export function plan(j: ExplainJson, client: Plan['client']): Plan {
  const p = j.plans.find((x) => x.client === client);
  if (!p) throw new Error(`no ${client} plan`);
  return p;
}

/** An endpoint in the terms upstream's hostConfig/RegistryHost comparisons use. */
export interface UpstreamHost {
  scheme: string;
  host: string;
  path: string;
  capabilities: string[];
  caCerts?: string[];
  clientPairs?: Array<[string, string]>;
  skipVerify?: boolean;
  header?: Record<string, string[]>;
  /** nil upstream = containerd's 30s default dialer */
  dialTimeout?: string;
}

/** Projects an explain endpoint onto the fields upstream compares (capabilities as a set). */
export function asUpstream(e: Endpoint): Required<UpstreamHost> {
  return {
    scheme: e.scheme,
    host: e.host,
    path: e.path,
    capabilities: [...e.capabilities].sort(),
    caCerts: e.tls.caCerts,
    clientPairs: e.tls.clientPairs,
    skipVerify: e.tls.skipVerify ?? (undefined as unknown as boolean),
    header: e.header,
    dialTimeout: e.dialTimeout,
  };
}

export function expected(h: UpstreamHost): Required<UpstreamHost> {
  return {
    scheme: h.scheme,
    host: h.host,
    path: h.path,
    capabilities: [...h.capabilities].sort(),
    caCerts: h.caCerts ?? [],
    clientPairs: h.clientPairs ?? [],
    skipVerify: h.skipVerify as boolean,
    header: h.header ?? {},
    dialTimeout: h.dialTimeout ?? '30s',
  };
}

export const ALL_CAPS = ['pull', 'resolve', 'push'];
