/**
 * `check` against every lab scenario on real containerd 1.6, 1.7 and 2.1, pointed at each lab
 * daemon the way a user of a non-standard node would (--config, --address, --ctr, --hosts-dir,
 * --daemon-log): the right root cause, and no namespace or image left behind. Every scenario runs
 * twice per version: through the source tree (in-process) and through the single-file build
 * (dist/mirror-doctor.mjs, copied alone into an empty folder, as shipped to a node).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { labDown, labUp, type LabState } from '../../src/lab/lab.js';
import { SCENARIOS, atPorts } from '../../src/lab/scenarios.js';
import { CriClient } from '../../src/probe/cri-client.js';
import { runCheck } from '../../src/cli/check.js';
import { testLabOptions, quietLog } from '../helpers/lab.js';

const opts = { ...testLabOptions(5260), logLevel: 'debug' as const };
let state: LabState;
const VERSIONS = ['1.6', '1.7', '2.1'] as const;
type Version = (typeof VERSIONS)[number];

/** The root cause `check` must name (null: status ok), and findings that must be present. */
const EXPECT: Record<string, { rootCause: string | null; also?: Array<{ id: string; severity: string }> }> = {
  'mirror-ok': { rootCause: null },
  'mirror-404': { rootCause: 'mirror-fallback' },
  // a test pull straight from the mirror: no folder is asked for it; its 404 is the cause
  'ref-names-mirror': { rootCause: 'mirror-direct-pull-failed', also: [{ id: 'host-dir-missing', severity: 'info' }, { id: 'hosts-dir-not-loaded', severity: 'info' }] },
  'mirror-refused': { rootCause: 'mirror-fallback' },
  'mirror-429': { rootCause: 'mirror-fallback' },
  'mirror-503': { rootCause: 'mirror-fallback' },
  'mirror-blob-404': { rootCause: 'mirror-fallback' },
  'mirror-blob-404-upstream': { rootCause: 'mirror-fallback' },
  'mirror-web-page': { rootCause: 'not-a-manifest' },
  'https-on-http': { rootCause: 'mirror-fallback' },
  'pull-only': { rootCause: 'mirror-no-resolve' },
  'url-v2-suffix': { rootCause: null },
  'toml-syntax-error': { rootCause: 'hosts-toml-invalid' },
  'dir-registry-1': { rootCause: 'host-dir-misnamed' },
  'file-host-toml': { rootCause: 'hosts-toml-missing' },
  'tls-no-ca': { rootCause: 'mirror-fallback' },
  'tls-with-ca': { rootCause: null },
  'basic-auth': { rootCause: 'mirror-fallback' },
  'token-auth': { rootCause: 'mirror-fallback' },
  'token-server-unreachable': { rootCause: 'mirror-fallback' },
  'token-server-web-page': { rootCause: 'mirror-fallback' },
  'host-port-registry': { rootCause: null },
  'default-dir': { rootCause: null },
  'cri-config-path-unset': { rootCause: 'config-path-unset' },
  'cri-config-edited-after-start': { rootCause: 'restart-required' },
  'cri-mirrors-and-config-path': { rootCause: 'mirrors-with-config-path' },
  // CRI pulls through registry.mirrors; ctr --hosts-dir finding no folder is information, not a problem
  'cri-legacy-mirrors': { rootCause: null, also: [{ id: 'legacy-mirrors', severity: 'warning' }, { id: 'hosts-dir-not-loaded', severity: 'info' }, { id: 'mirror-used', severity: 'ok' }] },
  'cri-proxy-env': { rootCause: null, also: [{ id: 'proxy-env-mismatch', severity: 'warning' }] },
};

async function ctrList(v: Version, args: string[]): Promise<string[]> {
  const d = state.daemons[v]!;
  const r = await execa(d.ctr, ['--address', d.address, ...args], { reject: false });
  return r.exitCode === 0 ? r.stdout.split('\n').filter(Boolean).sort() : [];
}

/** Namespaces, and the images of every namespace (CRI's k8s.io included). */
async function inventory(v: Version): Promise<{ namespaces: string[]; images: string[] }> {
  const namespaces = await ctrList(v, ['namespaces', 'ls', '-q']);
  const images: string[] = [];
  for (const ns of namespaces) for (const i of await ctrList(v, ['--namespace', ns, 'images', 'ls', '-q'])) images.push(`${ns}/${i}`);
  return { namespaces, images: images.sort() };
}

interface CheckResult {
  code: number;
  json: {
    verdict: { status: string; rootCause: string | null; summary: string };
    findings: Array<{ id: string; severity: string }>;
    traces: { ran: boolean; skipped: string | null; leftovers: string[]; verdict: string | null };
    containerd: { server: string | null; reachable: boolean; configFile: string };
  };
  stderr: string;
}

const BUNDLE = resolve(__dirname, '../../dist/mirror-doctor.mjs');
const RUNNERS = ['source', 'single-file'] as const;
type Runner = (typeof RUNNERS)[number];
let bundleDir: string;

/** `check --json` through the single file, from an empty folder, with no node_modules near it. */
async function checkSingleFile(v: Version, ref: string): Promise<CheckResult> {
  const d = state.daemons[v]!;
  const r = await execa(
    process.execPath,
    ['mirror-doctor.mjs', 'check', ref, '--config', d.config, '--address', d.address, '--ctr', d.ctr, '--hosts-dir', state.hostsDir, '--daemon-log', d.log, '--timeout', '30', '--json'],
    { cwd: bundleDir, reject: false, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, extendEnv: false },
  );
  let json: CheckResult['json'];
  try {
    json = JSON.parse(r.stdout) as CheckResult['json'];
  } catch {
    throw new Error(`single file: no JSON report (exit ${r.exitCode}): ${r.stderr.slice(-2000)}`);
  }
  return { code: r.exitCode ?? -1, json, stderr: r.stderr };
}

async function check(v: Version, ref: string, extra: Record<string, unknown> = {}, runner: Runner = 'source'): Promise<CheckResult> {
  if (runner === 'single-file') return checkSingleFile(v, ref);
  const d = state.daemons[v]!;
  let out = '';
  let err = '';
  const code = await runCheck(
    ref,
    { config: d.config, address: d.address, ctr: d.ctr, hostsDir: state.hostsDir, daemonLog: d.log, timeout: '30', json: true, ...extra },
    [],
    { stdout: (s) => void (out += s), stderr: (s) => void (err += s), progress: false, color: false },
  );
  return { code, json: JSON.parse(out) as CheckResult['json'], stderr: err };
}

describe('check on every lab scenario and containerd version', () => {
  beforeAll(async () => {
    expect(existsSync(BUNDLE), 'the single file is missing: run `npm run build` first').toBe(true);
    bundleDir = mkdtempSync(join(tmpdir(), 'md-check-single-'));
    copyFileSync(BUNDLE, join(bundleDir, 'mirror-doctor.mjs'));
    state = await labUp(opts, 'mirror-ok', quietLog);
  });
  afterAll(async () => {
    await labDown(opts, quietLog);
    rmSync(dirname(opts.dir), { recursive: true, force: true });
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  });

  it('every scenario has an expectation', () => {
    expect(Object.keys(EXPECT).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
  });

  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      state = await labUp(opts, scenario.name, quietLog);
      const e = EXPECT[scenario.name]!;
      const problems: string[] = [];
      for (const v of VERSIONS) for (const runner of RUNNERS) {
        const before = await inventory(v);
        const r = await check(v, atPorts(scenario, state.ports).ref, {}, runner);
        const where = `${v} ${runner} ${scenario.name}: ${r.json.verdict.summary} | trace: ${r.json.traces.verdict ?? r.json.traces.skipped}`;
        expect(r.json.containerd.reachable, where).toBe(true);
        expect(r.json.traces.ran, where).toBe(true);
        expect(r.json.traces.leftovers, where).toEqual([]);
        // no namespace or image left behind, in any namespace
        expect(await inventory(v), where).toEqual(before);
        if (r.json.verdict.rootCause !== e.rootCause) problems.push(`${where} → root cause ${r.json.verdict.rootCause}, expected ${e.rootCause}`);
        const wantCode = e.rootCause === null ? 0 : 1;
        if (r.code !== wantCode) problems.push(`${where} → exit ${r.code}, expected ${wantCode}`);
        if (e.rootCause === null && r.json.verdict.status !== 'ok') problems.push(`${where} → status ${r.json.verdict.status}`);
        for (const a of e.also ?? []) {
          if (!r.json.findings.some((f) => f.id === a.id && f.severity === a.severity)) problems.push(`${where} → no ${a.severity} ${a.id}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('an image kubelet already has: an info finding (kubelet would not pull it), the verdict unchanged, the image kept', async () => {
    state = await labUp(opts, 'mirror-ok', quietLog);
    const ref = 'docker.io/library/mirror-doctor-demo:1.0';
    for (const v of VERSIONS) {
      const cri = new CriClient(state.daemons[v]!.address);
      try {
        // as kubelet pulled it before: in k8s.io, through the mirror
        await cri.pullImage('mirror-doctor-demo:1.0', 60_000);
        const r = await check(v, ref);
        const where = `${v}: ${r.json.verdict.summary}`;
        expect(r.json.findings.filter((f) => f.id === 'image-already-present').map((f) => f.severity), where).toEqual(['info']);
        expect([r.json.verdict.status, r.code], where).toEqual(['ok', 0]);
        // what the node had before the trace is still there
        expect(await cri.imageStatus('mirror-doctor-demo:1.0'), where).toBeDefined();
        await cri.removeImage('mirror-doctor-demo:1.0');
        const again = await check(v, ref);
        expect(again.json.findings.some((f) => f.id === 'image-already-present'), v).toBe(false);
      } finally {
        cri.close();
      }
    }
  });

  it('the CLI itself (built): --report for a ticket, exit code, mode 0600', async () => {
    const bin = resolve(__dirname, '../../bin/mirror-doctor.js');
    expect(existsSync(resolve(__dirname, '../../dist/cli/main.js')), 'run `npm run build` first').toBe(true);
    state = await labUp(opts, 'mirror-404', quietLog);
    const d = state.daemons['1.7']!;
    const out = mkdtempSync(join(tmpdir(), 'md-check-report-'));
    try {
      const report = join(out, 'ticket.md');
      const r = await execa('node', [bin, 'check', 'docker.io/library/mirror-doctor-demo:1.0', '--config', d.config, '--address', d.address, '--ctr', d.ctr, '--hosts-dir', state.hostsDir, '--daemon-log', d.log, '--report', report], { reject: false });
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^✗ verdict: problems — root cause: mirror-fallback — /);
      expect(statSync(report).mode & 0o777).toBe(0o600);
      const md = readFileSync(report, 'utf8');
      expect(md).toContain('root cause: `mirror-fallback`');
      expect(md).toContain('| ctr --hosts-dir |');
      expect(md).toContain('<summary>CRI (as kubelet): containerd log during the pull');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
