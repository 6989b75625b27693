/**
 * `mirror-doctor check`: option handling (bad input → exit 2 with one clear line), output forms,
 * exit codes, --ignore/--strict passed to the checks, and that a run writes nothing but its
 * --report/--save targets (the node tree hashes the same before and after).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Facts } from '../../../src/checks/facts.js';
import type { Finding } from '../../../src/checks/finding.js';
import { main } from '../../../src/cli/main.js';
import { parseIgnore, runCheck, type RunChecks } from '../../../src/cli/check.js';
import type { ChecksOutcome } from '../../../src/report/report-json.js';
import { captureCliOutput } from '../../helpers/capture-output.js';
import { exitCodesHelp } from '../../../src/errors.js';

const FIX = resolve(__dirname, '../../fixtures/nodes');
const cli = captureCliOutput();
let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'md-check-cli-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});
const run = (...args: string[]) => main(['node', 'mirror-doctor', ...args]);

/** sha256 over every path, kind, mode, and content (or link target) under a folder. */
function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      h.update(`${p}\0${st.mode}\0${st.mtimeMs}\0`);
      if (st.isSymbolicLink()) h.update(readlinkSync(p));
      else if (st.isDirectory()) walk(p);
      else if (st.isFile()) h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

const finding = (id: string, severity: Finding['severity'], layer: Finding['layer'] = 'config'): Finding => ({ id, severity, layer, title: `${id} title`, detail: `${id} detail`, evidence: [], fix: severity === 'ok' ? [] : [`fix ${id}`], docs: '' });

/** A stand-in for src/checks/run.ts that records how it was called. */
function fakeChecks(findings: Finding[], seen: Array<{ facts: Facts; o: { ignore: string[]; strict: boolean } }> = []): RunChecks {
  return (facts, o) => {
    seen.push({ facts, o });
    const kept = findings.filter((f) => !o.ignore.includes(f.id));
    const errors = kept.filter((f) => f.severity === 'error' || (o.strict && f.severity === 'warning'));
    const outcome: ChecksOutcome = {
      findings: kept,
      rootCause: errors[0]?.id ?? null,
      status: errors.length ? 'problems' : 'ok',
      summary: errors.length ? `${errors[0]!.id} is the problem` : 'nothing blocks the mirror',
      exitCode: errors.length ? 1 : 0,
    };
    return outcome;
  };
}

const io = (runChecks: RunChecks) => ({
  stdout: (s: string) => void (cli.out += s),
  stderr: (s: string) => void (cli.err += s),
  progress: false,
  color: false,
  runChecks,
});

describe('check: bad input → exit 2 with one clear line', () => {
  it.each([
    [['check', '-foo'], 'invalid image reference "-foo"'],
    [['check', 'nginx', '--jsn'], 'unknown option "--jsn"'],
    [['check', 'nginx', 'redis'], 'check takes at most one image reference'],
    [['check', 'Nginx:lat est'], 'invalid image reference'],
    [['check', 'nginx', '--containerd-version', 'banana'], 'cannot read a containerd version'],
    [['check', '--root', '/nonexistent-root-xyz'], '--root /nonexistent-root-xyz does not exist'],
    [['check', '--root', `${FIX}/mirror-ok/etc/containerd/config.toml`], 'config.toml is not a directory'],
    [['check', '--root', `${FIX}/mirror-ok`, '--config', '/nope.toml'], 'does not exist'],
    [['check', '--root', `${FIX}/mirror-ok`, '--config', '/etc/containerd'], 'is a directory'],
    [['check', '--namespace', 'bad ns'], 'is not a valid containerd namespace name'],
    [['check', '--timeout', '0'], '--timeout must be a number of seconds'],
    [['check', '--stall', 'soon'], '--stall must be a number of seconds'],
    [['check', '--ignore', 'proxy-env-mismach'], 'unknown check id in --ignore: proxy-env-mismach (did you mean proxy-env-mismatch?)'],
    [['check', '--ignore', ' , '], '--ignore needs check ids'],
    [['check', '--report', '/nonexistent-dir-xyz/report.md'], 'does not exist'],
    [['check', '--report', '/tmp'], 'is a directory'],
    [['check', '--save', '/etc/hostname'], 'is not a directory'],
    [['check', '--daemon-log', '/nonexistent.log'], '--daemon-log /nonexistent.log: no such file'],
    [['check', '--daemon-log', '/tmp'], '--daemon-log /tmp is a directory, not a regular file'],
    [['check', '--daemon-log', '/dev/null'], '--daemon-log /dev/null is a device, not a regular file\n  to read a stream, pass - and redirect it: --daemon-log - < /dev/null'],
    [['check', '--save', '/dev/null'], '--save /dev/null exists and is not a directory (it is a device)'],
    [['check', '--report', '/dev/null'], '--report /dev/null is a device, not a regular file'],
    [['check', '--hosts-dir', ''], '--hosts-dir is empty'],
  ])('%j', async (args, msg) => {
    expect(await run(...args)).toBe(2);
    expect(cli.err).toContain(msg);
    expect(cli.err.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(cli.err).not.toMatch(/\n\s+at /);
    expect(cli.out).toBe('');
  });

  it('--help lists every option with examples and the exit codes', async () => {
    expect(await run('check', '--help')).toBe(0);
    for (const o of ['--root', '--config', '--hosts-dir', '--containerd-version', '--address', '--ctr', '--namespace', '--timeout', '--stall', '--daemon-log', '--full', '--offline', '--json', '--report', '--save', '--ignore', '--strict', '--verbose']) {
      expect(cli.out).toContain(o);
    }
    expect(cli.out).toContain('$ mirror-doctor check');
    expect(cli.out).toContain(exitCodesHelp('an error finding (with --strict: or a warning)'));
  });

  it('parseIgnore', () => {
    expect(parseIgnore('ctr-namespace, proxy-env-mismatch ,ctr-namespace')).toEqual(['ctr-namespace', 'proxy-env-mismatch']);
    expect(parseIgnore(['ctr-missing', 'mirror-used,Mirror-Fallback'])).toEqual(['ctr-missing', 'mirror-used', 'mirror-fallback']);
    expect(parseIgnore(undefined)).toEqual([]);
  });
});

describe('check: output and exit codes (checks replaced)', () => {
  const root = `${FIX}/mirror-ok`;
  it('progress on a terminal: one line rewritten in place, erased before the report; none off a terminal', async () => {
    const checks = fakeChecks([finding('config-path-unset', 'ok')]);
    expect(await runCheck(undefined, { root }, [], { ...io(checks), progress: true, columns: 40 })).toBe(0);
    expect(cli.err).not.toContain('\n');
    const shown = cli.err.split('\r\x1b[2K');
    expect(shown.length).toBeGreaterThan(3);
    expect(shown.at(-1)).toBe(''); // erased last
    for (const s of shown) expect([...s].length).toBeLessThanOrEqual(39);
    expect(shown).toContain('… hosts folders');
    cli.err = '';
    expect(await runCheck(undefined, { root }, [], io(checks))).toBe(0);
    expect(cli.err).toBe('');
  });

  it('--verbose: every step as a line of its own, on a terminal or not', async () => {
    const checks = fakeChecks([finding('config-path-unset', 'ok')]);
    expect(await runCheck(undefined, { root, verbose: true }, [], io(checks))).toBe(0);
    expect(cli.err).toContain('… config.toml\n… systemd unit\n… hosts folders\n');
    expect(cli.err).not.toContain('\x1b');
  });

  it('text: grouped findings and the verdict as the last line; exit 1 on an error', async () => {
    const code = await runCheck(undefined, { root }, [], io(fakeChecks([finding('config-path-unset', 'ok'), finding('mirror-fallback', 'error', 'evidence')])));
    expect(code).toBe(1);
    expect(cli.out.split('\n')[0]).toBe('mirror-doctor check docker.io/library/busybox:latest (no image given: the first registry in the hosts folders, those with a mirror first, /etc/containerd/certs.d/docker.io)');
    expect(cli.out.trimEnd().split('\n').at(-1)).toBe('✗ verdict: problems — root cause: mirror-fallback — mirror-fallback is the problem');
  });

  it('warnings alone: exit 0; --strict: exit 1; --ignore and --strict reach the checks', async () => {
    const seen: Array<{ facts: Facts; o: { ignore: string[]; strict: boolean } }> = [];
    const checks = fakeChecks([finding('proxy-env-mismatch', 'warning', 'daemon'), finding('ctr-namespace', 'error', 'client')], seen);
    expect(await runCheck(undefined, { root, ignore: 'ctr-namespace' }, [], io(checks))).toBe(0);
    expect(await runCheck(undefined, { root, ignore: 'ctr-namespace', strict: true }, [], io(checks))).toBe(1);
    expect(seen.map((s) => s.o)).toEqual([
      { ignore: ['ctr-namespace'], strict: false },
      { ignore: ['ctr-namespace'], strict: true },
    ]);
    expect(seen[0]!.facts.offline).toBe(true);
    expect(seen[0]!.facts.root).toBe(root);
  });

  it('--json: the report schema on stdout, nothing else', async () => {
    const code = await runCheck('docker.io/library/nginx:1.27', { root, json: true }, [], io(fakeChecks([finding('config-path-unset', 'ok')])));
    expect(code).toBe(0);
    const j = JSON.parse(cli.out);
    expect(j).toMatchObject({ schema: 'mirror-doctor.report/v1', ref: 'docker.io/library/nginx:1.27', verdict: { status: 'ok', rootCause: null }, traces: { ran: false } });
    expect(cli.err).toBe('');
  });

  it('offline on a live root works without any daemon (this machine has none in tests)', async () => {
    const code = await runCheck(undefined, { root: '/', offline: true, address: join(tmp, 'no.sock') }, [], io(fakeChecks([])));
    expect(code).toBe(0);
    expect(cli.out).toContain('daemon not contacted (offline)');
  });
});

describe('check writes nothing but --report and --save', () => {
  it('the node tree hashes the same; report 0600 (also over a 0644 file), save dir 0700 with 0600 files', async () => {
    // a k3s-like tree with an unreadable-ish file and a symlink, to make the walk non-trivial
    const node = join(tmp, 'node');
    const files: Record<string, string> = {
      '/var/lib/rancher/k3s/agent/etc/containerd/config.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/var/lib/rancher/k3s/agent/etc/containerd/certs.d"\n',
      '/var/lib/rancher/k3s/agent/etc/containerd/certs.d/docker.io/hosts.toml': '[host."http://127.0.0.1:5101"]\n  capabilities = ["pull", "resolve"]\n  [host."http://127.0.0.1:5101".header]\n    Authorization = "Basic c2VjcmV0OnBhc3N3b3Jk"\n',
      '/etc/rancher/k3s/registries.yaml': 'mirrors: {}\n',
    };
    for (const [p, t] of Object.entries(files)) {
      mkdirSync(dirname(join(node, p)), { recursive: true });
      writeFileSync(join(node, p), t);
    }
    chmodSync(join(node, '/var/lib/rancher/k3s/agent/etc/containerd/certs.d/docker.io/hosts.toml'), 0o600);
    const before = [treeHash(node), treeHash(`${FIX}/mirror-ok`)];
    const outDir = join(tmp, 'cli.out');
    mkdirSync(outDir);
    const report = join(outDir, 'report.md');
    writeFileSync(report, 'old', { mode: 0o644 });
    const save = join(outDir, 'saved');
    const checks = fakeChecks([finding('hosts-toml-missing', 'ok', 'host-dirs')]);
    expect(await runCheck(undefined, { root: node, report, save }, [], io(checks))).toBe(0);
    expect(await runCheck(undefined, { root: `${FIX}/mirror-ok`, report: join(outDir, 'r.json') }, [], io(checks))).toBe(0);
    expect([treeHash(node), treeHash(`${FIX}/mirror-ok`)]).toEqual(before);
    expect(readdirSync(outDir).sort()).toEqual(['r.json', 'report.md', 'saved']);
    expect(statSync(report).mode & 0o777).toBe(0o600);
    expect(statSync(join(outDir, 'r.json')).mode & 0o777).toBe(0o600);
    expect(statSync(save).mode & 0o777).toBe(0o700);
    expect(readdirSync(save).sort()).toEqual(['facts.json', 'report.json', 'report.md']);
    for (const f of readdirSync(save)) expect(statSync(join(save, f)).mode & 0o777).toBe(0o600);
    const md = readFileSync(report, 'utf8');
    expect(md).toContain('## mirror-doctor report: `docker.io/library/busybox:latest`');
    expect(md).toContain('k3s');
    expect(JSON.parse(readFileSync(join(outDir, 'r.json'), 'utf8')).schema).toBe('mirror-doctor.report/v1');
    // the header credential is in no written file
    for (const f of [report, join(outDir, 'r.json'), ...readdirSync(save).map((x) => join(save, x))]) {
      const t = readFileSync(f, 'utf8');
      expect(t).not.toContain('c2VjcmV0OnBhc3N3b3Jk');
      expect(t).not.toContain('secret:password');
    }
    expect(cli.err).toContain(`report written to ${report} (mode 0600)`);
  });
});

// End to end through main() with the real checks.
describe('check through main() with the real checks', () => {
  it('--root FIXTURE --json: a report, exit 0 or 1, never 2', async () => {
    const code = await run('check', '--root', `${FIX}/mirror-ok`, '--json', '--containerd-version', '1.7.24');
    expect([0, 1]).toContain(code);
    const j = JSON.parse(cli.out);
    expect(j.schema).toBe('mirror-doctor.report/v1');
    expect(j.findings.length).toBeGreaterThan(0);
    expect(['ok', 'problems']).toContain(j.verdict.status);
  });
});
