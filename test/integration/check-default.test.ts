/**
 * `check REF --address SOCK --ctr CTR` and nothing else, as a user types it, on every lab
 * scenario and containerd 1.6, 1.7 and 2.1, with the daemons run as nodes run them: started with
 * `--config` alone, logging to a file on fd 2, at containerd's default (info) level, and again at
 * debug level. The tool finds config.toml, the daemon's log and the hosts folder from the daemon's
 * process. Healthy scenarios are `ok` (exit 0), each broken one names its own root cause (exit 1),
 * and the CRI path's evidence level is stated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { labDown, labUp, type LabState } from '../../src/lab/lab.js';
import { SCENARIOS, atPorts } from '../../src/lab/scenarios.js';
import { runCheck } from '../../src/cli/check.js';
import { prepareTrace } from '../../src/cli/trace.js';
import { trace } from '../../src/probe/tracer.js';
import { testLabOptions, quietLog } from '../helpers/lab.js';

const VERSIONS = ['1.6', '1.7', '2.1'] as const;

/** A TCP forwarder from ADDRESS:<free port> to 127.0.0.1:PORT; prints its port. */
const FORWARDER = `const net = require('node:net'); const [ip, to] = process.argv.slice(1);
const s = net.createServer((c) => { const u = net.connect(Number(to), '127.0.0.1'); c.pipe(u).pipe(c); c.on('error', () => u.destroy()); u.on('error', () => c.destroy()); });
s.listen(0, ip, () => console.log(s.address().port));`;

/** The root cause each scenario must name (null: ok). The same at either level. */
const ROOT_CAUSE: Record<string, string | null> = {
  'mirror-ok': null,
  'mirror-404': 'mirror-fallback',
  'ref-names-mirror': 'mirror-direct-pull-failed',
  'mirror-refused': 'mirror-fallback',
  'mirror-429': 'mirror-fallback',
  'mirror-503': 'mirror-fallback',
  'mirror-blob-404': 'mirror-fallback',
  'mirror-blob-404-upstream': 'mirror-fallback',
  'mirror-web-page': 'not-a-manifest',
  'https-on-http': 'mirror-fallback',
  'pull-only': 'mirror-no-resolve',
  'url-v2-suffix': null,
  'toml-syntax-error': 'hosts-toml-invalid',
  'dir-registry-1': 'host-dir-misnamed',
  'file-host-toml': 'hosts-toml-missing',
  'tls-no-ca': 'mirror-fallback',
  'tls-with-ca': null,
  'basic-auth': 'mirror-fallback',
  'token-auth': 'mirror-fallback',
  'token-server-unreachable': 'mirror-fallback',
  'token-server-web-page': 'mirror-fallback',
  'host-port-registry': null,
  'default-dir': null,
  'cri-config-path-unset': 'config-path-unset',
  'cri-config-edited-after-start': 'restart-required',
  'cri-mirrors-and-config-path': 'mirrors-with-config-path',
  'cri-legacy-mirrors': null,
  'cri-proxy-env': null,
};

interface Report {
  verdict: { status: string; rootCause: string | null; unexplained: string | null; summary: string };
  containerd: { configFile: string; configFileSource: string | null };
  findings: Array<{ id: string; severity: string; fix: string[]; evidence: Array<{ text: string }> }>;
  traces: {
    ran: boolean;
    leftovers: string[];
    paths: Array<{ path: string; code: string | null; pulled: boolean | null; evidence: { level: string; mirrorUsed: boolean | null; basis: string[] } | null; daemonLog: { source: string; problem: string | null; debug: boolean } | null }>;
  };
}

async function check(state: LabState, v: (typeof VERSIONS)[number], ref: string, extra: Record<string, unknown> = {}): Promise<{ code: number; json: Report }> {
  const d = state.daemons[v]!;
  let out = '';
  const code = await runCheck(ref, { address: d.address, ctr: d.ctr, json: true, ...extra }, [], { stdout: (s) => void (out += s), stderr: () => undefined, progress: false, color: false });
  return { code, json: JSON.parse(out) as Report };
}

describe.each(['info', 'debug'] as const)('check with only --address and --ctr, daemons at %s level', (level) => {
  const opts = { ...testLabOptions(level === 'info' ? 5280 : 5290), logLevel: level };
  let state: LabState;
  beforeAll(async () => {
    state = await labUp(opts, 'mirror-ok', quietLog);
  });
  afterAll(async () => {
    await labDown(opts, quietLog);
    rmSync(dirname(opts.dir), { recursive: true, force: true });
  });

  it('every scenario has an expectation', () => {
    expect(Object.keys(ROOT_CAUSE).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
  });

  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      state = await labUp(opts, scenario.name, quietLog);
      const want = ROOT_CAUSE[scenario.name]!;
      const problems: string[] = [];
      for (const v of VERSIONS) {
        const r = await check(state, v, atPorts(scenario, state.ports).ref);
        const where = `${level} ${v} ${scenario.name}: ${r.json.verdict.summary}`;
        // found without being told: the daemon's --config and its log file on fd 2
        expect(r.json.containerd.configFile, where).toBe(state.daemons[v]!.config);
        expect(r.json.containerd.configFileSource, where).toBe('daemon-flag');
        expect(r.json.traces.ran, where).toBe(true);
        expect(r.json.traces.leftovers, where).toEqual([]);
        const cri = r.json.traces.paths.find((p) => p.path === 'cri')!;
        expect(cri.daemonLog?.source, where).toContain(`${state.daemons[v]!.log} (fd 2 of containerd`);
        // the level is read off the pull's own lines: a CRI that is not loaded answers at once and
        // the daemon may write none then
        if (cri.code !== 'UNIMPLEMENTED') expect(cri.daemonLog?.debug, where).toBe(level === 'debug');
        expect(['proven', 'inferred', 'unknown'], where).toContain(cri.evidence?.level);
        if (r.json.verdict.rootCause !== want) problems.push(`${where} → root cause ${r.json.verdict.rootCause}, expected ${want}`);
        if (r.code !== (want === null ? 0 : 1)) problems.push(`${where} → exit ${r.code}`);
        if (want === null) {
          if (r.json.verdict.status !== 'ok') problems.push(`${where} → status ${r.json.verdict.status}`);
          // as root the daemon's connection to the mirror proves it (at info level no line does)
          if (cri.evidence?.level !== 'proven' || cri.evidence.mirrorUsed !== true) problems.push(`${where} → CRI evidence ${JSON.stringify(cri.evidence)}`);
          if (r.json.findings.some((f) => f.severity === 'error')) problems.push(`${where} → an error finding`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it.each(['mirror-ok', 'cri-legacy-mirrors'])('a reference that names the mirror itself (%s): pulled from it directly, ok, no folder asked for', async (scenario) => {
    state = await labUp(opts, scenario, quietLog);
    const mirror = new URL(state.registries.mirror!.url).host;
    const ref = `${mirror}/library/mirror-doctor-demo:1.0`;
    const problems: string[] = [];
    for (const v of VERSIONS) {
      const r = await check(state, v, ref);
      const where = `${level} ${v} ${scenario}: ${r.json.verdict.summary}`;
      expect(r.json.traces.ran, where).toBe(true);
      if (r.json.verdict.status !== 'ok' || r.code !== 0) problems.push(`${where} → ${r.json.verdict.status}, exit ${r.code}`);
      const about = r.json.findings.filter((f) => f.id === 'host-dir-missing' || f.id === 'hosts-dir-not-loaded');
      if (about.length === 0 || about.some((f) => f.severity !== 'info')) problems.push(`${where} → ${JSON.stringify(about)}`);
      const d = state.daemons[v]!;
      const run = await trace(await prepareTrace(ref, { address: d.address, ctr: d.ctr, timeout: '30' }));
      if (!run.comparison.verdict.startsWith(`${mirror} is itself the mirror this node uses for docker.io: `)) problems.push(`${where} → trace: ${run.comparison.verdict}`);
    }
    expect(problems).toEqual([]);
  });

  it('a plain-HTTP mirror off loopback, named by the reference: asked over HTTPS and refused; with the folder the finding proposes, ok', async () => {
    state = await labUp(opts, 'mirror-ok', quietLog);
    // the machine's own address, forwarded to the lab mirror: containerd gives plain HTTP to localhost alone
    const ip = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    expect(ip, 'a non-loopback IPv4 address on this machine').toBeDefined();
    const mirrorPort = Number(new URL(state.registries.mirror!.url).port);
    // in a process of its own: the check's synchronous waits would stall a forwarder in this one
    const forward = spawn(process.execPath, ['-e', FORWARDER, ip!, String(mirrorPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<string>((ok, fail) => {
      forward.stdout.once('data', (b: Buffer) => ok(b.toString().trim()));
      forward.once('exit', (code) => fail(new Error(`forwarder exited ${code}`)));
    });
    const host = `${ip}:${port}`;
    const hostsToml = join(state.hostsDir, 'docker.io', 'hosts.toml');
    const original = readFileSync(hostsToml, 'utf8');
    const own = join(state.hostsDir, host.replace(/:(\d+)$/, '_$1_'));
    const problems: string[] = [];
    try {
      writeFileSync(hostsToml, original.replace(/http:\/\/127\.0\.0\.1:\d+/, `http://${host}`));
      for (const v of VERSIONS) {
        const r = await check(state, v, `${host}/library/mirror-doctor-demo:1.0`);
        const where = `${level} ${v}: ${r.json.verdict.summary}`;
        if (r.json.verdict.rootCause !== 'mirror-direct-pull-failed' || !/\(http-response-to-https\)/.test(r.json.verdict.summary)) problems.push(`${where} → not the mirror's own HTTPS failure`);
        const f = (r.json.findings as Array<{ id: string; severity: string; fix?: string[] }>).find((x) => x.id === 'host-dir-missing');
        if (f?.severity !== 'warning') problems.push(`${where} → host-dir-missing ${f?.severity}`);
        // what the finding proposes, as written
        const fix = (r.json.findings as Array<{ id: string; fix?: string[] }>).find((x) => x.id === 'mirror-direct-pull-failed')?.fix?.[0] ?? '';
        const m = /^mkdir -p (\S+) && cat > (\S+) <<'EOF'\n([\s\S]*)\nEOF$/.exec(fix);
        if (!m || m[1] !== own) {
          problems.push(`${where} → fix ${JSON.stringify(fix)}`);
          continue;
        }
        mkdirSync(m[1]!, { recursive: true });
        writeFileSync(m[2]!, `${m[3]}\n`);
        const fixed = await check(state, v, `${host}/library/mirror-doctor-demo:1.0`);
        if (fixed.json.verdict.status !== 'ok' || fixed.code !== 0) problems.push(`${level} ${v} with ${own}: ${fixed.json.verdict.summary}`);
        rmSync(own, { recursive: true, force: true });
      }
    } finally {
      writeFileSync(hostsToml, original);
      rmSync(own, { recursive: true, force: true });
      forward.kill();
    }
    expect(problems).toEqual([]);
  });

  it("containerd's own docs example for Docker (server docker.io, host registry-1.docker.io) names no mirror: the cause, and no mirror is said to fail", async () => {
    state = await labUp(opts, 'mirror-ok', quietLog);
    const hostsToml = join(state.hostsDir, 'docker.io', 'hosts.toml');
    const original = readFileSync(hostsToml, 'utf8');
    const problems: string[] = [];
    try {
      writeFileSync(hostsToml, 'server = "https://docker.io"\n\n[host."https://registry-1.docker.io"]\n  capabilities = ["pull", "resolve"]\n');
      for (const v of VERSIONS) {
        const r = await check(state, v, 'docker.io/library/mirror-doctor-demo:1.0');
        const where = `${level} ${v}: ${r.json.verdict.summary}`;
        if (r.json.verdict.rootCause !== 'hosts-toml-no-mirror') problems.push(`${where} → root cause ${r.json.verdict.rootCause}`);
        if (r.json.findings.some((f) => f.id === 'mirror-fallback')) problems.push(`${where} → registry-1.docker.io called a mirror`);
      }
    } finally {
      writeFileSync(hostsToml, original);
    }
    expect(problems).toEqual([]);
  });

  it('a hosts.toml saved with a UTF-8 byte order mark: discarded by 2.1 (the cause, with the command that removes it), read by 1.6 and 1.7', async () => {
    state = await labUp(opts, 'mirror-ok', quietLog);
    const hostsToml = join(state.hostsDir, 'docker.io', 'hosts.toml');
    const original = readFileSync(hostsToml, 'utf8');
    const problems: string[] = [];
    try {
      writeFileSync(hostsToml, `\uFEFF${original}`);
      for (const v of VERSIONS) {
        const r = await check(state, v, 'docker.io/library/mirror-doctor-demo:1.0');
        const where = `${level} ${v}: ${r.json.verdict.summary}`;
        if (v === '2.1') {
          const f = r.json.findings.find((x) => x.id === 'hosts-toml-invalid');
          if (r.json.verdict.rootCause !== 'hosts-toml-invalid') problems.push(`${where} → root cause ${r.json.verdict.rootCause}`);
          if (!f?.fix.some((x) => x.startsWith("sed -i '1s/^\\xEF\\xBB\\xBF//' "))) problems.push(`${where} → fix ${JSON.stringify(f?.fix)}`);
          // ctr --hosts-dir printed containerd's own error for the file
          if (!f?.evidence.some((e) => e.text.includes("invalid character at start of key: U+00EF"))) problems.push(`${where} → evidence ${JSON.stringify(f?.evidence)}`);
        } else if (r.code !== 0 || r.json.findings.some((x) => x.id === 'hosts-toml-invalid')) problems.push(`${where} → exit ${r.code}`);
      }
    } finally {
      writeFileSync(hostsToml, original);
    }
    expect(problems).toEqual([]);
  });

  it('a hosts.toml with a latin-1 comment: discarded by 2.1 (the cause, with what to re-save), read by 1.6 and 1.7', async () => {
    state = await labUp(opts, 'mirror-ok', quietLog);
    const hostsToml = join(state.hostsDir, 'docker.io', 'hosts.toml');
    const original = readFileSync(hostsToml, 'utf8');
    const problems: string[] = [];
    try {
      writeFileSync(hostsToml, Buffer.from(`# mirror for the caf\u00e9 cluster\n${original}`, 'latin1'));
      for (const v of VERSIONS) {
        const r = await check(state, v, 'docker.io/library/mirror-doctor-demo:1.0');
        const where = `${level} ${v}: ${r.json.verdict.summary}`;
        if (v !== '2.1') {
          if (r.code !== 0 || !r.json.findings.some((f) => f.id === 'mirror-used')) problems.push(`${where} → exit ${r.code}`);
          continue;
        }
        const f = r.json.findings.find((x) => x.id === 'hosts-toml-invalid');
        if (r.json.verdict.rootCause !== 'hosts-toml-invalid') problems.push(`${where} → root cause ${r.json.verdict.rootCause}`);
        if (!f?.fix[0]?.startsWith(`save ${hostsToml} as UTF-8: replace or remove the character at line 1 column 21`)) problems.push(`${where} → fix ${JSON.stringify(f?.fix)}`);
        // containerd's own words, as expected and as ctr --hosts-dir printed them
        if ((f?.evidence.filter((e) => e.text.includes('toml: invalid UTF-8 character in comment')).length ?? 0) < 2) problems.push(`${where} → evidence ${JSON.stringify(f?.evidence)}`);
      }
    } finally {
      writeFileSync(hostsToml, original);
    }
    expect(problems).toEqual([]);
  });

  it('a mirror named by its IPv6 address in a [host."…"] header: 1.6 and 1.7 discard the file (the cause), 2.1 uses the mirror; the 1.x inline form the fix shows then works', async () => {
    state = await labUp(opts, 'mirror-ok', quietLog);
    const mirrorPort = Number(new URL(state.registries.mirror!.url).port);
    // the lab mirror on [::1], in a process of its own (the check's synchronous waits would stall it here)
    const forward = spawn(process.execPath, ['-e', FORWARDER, '::1', String(mirrorPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<string>((ok, fail) => {
      forward.stdout.once('data', (b: Buffer) => ok(b.toString().trim()));
      forward.once('exit', (code) => fail(new Error(`forwarder exited ${code}`)));
    });
    const hostsToml = join(state.hostsDir, 'docker.io', 'hosts.toml');
    const original = readFileSync(hostsToml, 'utf8');
    const header = `server = "https://registry-1.docker.io"\n\n[host."http://[::1]:${port}"]\n  capabilities = ["pull", "resolve"]\n`;
    const problems: string[] = [];
    try {
      for (const v of VERSIONS) {
        writeFileSync(hostsToml, header);
        const r = await check(state, v, 'docker.io/library/mirror-doctor-demo:1.0');
        const where = `${level} ${v}: ${r.json.verdict.summary}`;
        if (v === '2.1') {
          if (r.code !== 0 || !r.json.findings.some((f) => f.id === 'mirror-used')) problems.push(`${where} → exit ${r.code}`);
          continue;
        }
        if (r.json.verdict.rootCause !== 'hosts-toml-invalid') problems.push(`${where} → root cause ${r.json.verdict.rootCause}`);
        const fix = r.json.findings.find((f) => f.id === 'hosts-toml-invalid')?.fix[0] ?? '';
        const inline = fix.indexOf('\n[host]\n');
        if (inline < 0) {
          problems.push(`${where} → fix ${JSON.stringify(fix)}`);
          continue;
        }
        writeFileSync(hostsToml, `server = "https://registry-1.docker.io"\n\n${fix.slice(inline + 1)}\n`);
        const fixed = await check(state, v, 'docker.io/library/mirror-doctor-demo:1.0');
        if (fixed.code !== 0 || !fixed.json.findings.some((f) => f.id === 'mirror-used')) problems.push(`${level} ${v} with the inline form: ${fixed.json.verdict.summary}`);
      }
    } finally {
      writeFileSync(hostsToml, original);
      forward.kill();
    }
    expect(problems).toEqual([]);
  });

  it('trace with only --address and --ctr finds config.toml, the hosts folder and the log as check does', async () => {
    state = await labUp(opts, 'mirror-ok', quietLog);
    for (const v of VERSIONS) {
      const d = state.daemons[v]!;
      const o = await prepareTrace('docker.io/library/mirror-doctor-demo:1.0', { address: d.address, ctr: d.ctr, timeout: '30' });
      expect(o.configFile, v).toBe(d.config);
      expect(o.hostsDir, v).toBe(state.hostsDir);
      const run = await trace(o);
      const cri = run.paths.find((p) => p.path === 'cri')!;
      expect(cri.daemonLog?.source, v).toContain(`${d.log} (fd 2 of containerd pid `);
      expect(cri.evidence?.level, v).toBe('proven');
      expect(cri.evidence?.mirrorUsed, v).toBe(true);
      expect(run.paths.find((p) => p.path === 'ctr-hosts-dir')!.doc?.mirrorUsed, v).toBe(true);
      expect(run.leftovers, v).toEqual([]);
    }
  });

  it('a blackholed host stops the CRI pull after --stall, from the daemon\'s unfinished dial', async () => {
    state = await labUp(opts, 'mirror-ok', quietLog);
    const hostsToml = join(state.hostsDir, 'docker.io', 'hosts.toml');
    const blackhole = `127.0.0.1:${state.ports.blackhole}`;
    writeFileSync(hostsToml, `server = "https://${blackhole}"\n\n[host."http://127.0.0.1:${state.ports.empty}"]\n  capabilities = ["pull", "resolve"]\n`);
    try {
      for (const v of VERSIONS) {
        const d = state.daemons[v]!;
        // --response-timeout 60: only the unfinished dial can stop the CRI pull early
        const run = await trace(await prepareTrace('docker.io/library/mirror-doctor-demo:1.0', { address: d.address, ctr: d.ctr, timeout: '90', responseTimeout: '60' }));
        const cri = run.paths.find((p) => p.path === 'cri')!;
        expect(cri.stoppedBy, v).toBe('stall');
        expect(cri.stalledOn, v).toBe(blackhole);
        // containerd itself waits 30 s for the dial; the tracer gives up after --stall (2 s)
        expect(cri.durationMs, v).toBeLessThan(15_000);
        expect(run.comparison.verdict, v).toContain(`the mirror 127.0.0.1:${state.ports.empty} failed (404 not-found); then the mirror ${blackhole} stalled`);
        expect(run.leftovers, v).toEqual([]);
      }
    } finally {
      rmSync(hostsToml, { force: true });
    }
  });

  it('without a daemon log (--daemon-log none) nothing is claimed from it: a failing mirror is still named, a working one still proven', async () => {
    for (const [scenario, cause] of [['mirror-ok', null], ['mirror-404', 'mirror-fallback']] as const) {
      state = await labUp(opts, scenario, quietLog);
      const r = await check(state, '1.7', 'docker.io/library/mirror-doctor-demo:1.0', { daemonLog: 'none' });
      const cri = r.json.traces.paths.find((p) => p.path === 'cri')!;
      expect(cri.daemonLog).toEqual({ source: 'none: --daemon-log none', problem: '--daemon-log none', debug: false });
      expect(r.json.verdict.rootCause).toBe(cause);
      expect(r.json.findings.filter((f) => f.severity === 'error').map((f) => f.id)).toEqual(cause ? [cause] : []);
      expect(cri.evidence?.basis.join(' ')).toMatch(/connected to 127\.0\.0\.1:\d+/);
    }
  });
});
