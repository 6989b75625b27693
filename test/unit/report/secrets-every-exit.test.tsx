/**
 * Issue #21: no secret leaves the machine. Secrets are planted in every place one comes from — the
 * header values of hosts.toml (under arbitrary names) and config.toml `registry.headers`, the
 * credential fields of `registry.configs`, userinfo in a mirror URL, proxy variables with and
 * without a scheme in the daemon's environment (a fake /proc), its systemd unit and the shell, and
 * Authorization / Cookie / Set-Cookie / PRIVATE-TOKEN / X-Custom-Auth headers and a token
 * response in `ctr --http-dump` output and daemon log lines (spliced into a real recorded pull) —
 * and every output of every command is searched for each secret and its base64 form: explain,
 * check and parse (text and JSON), --report (Markdown and JSON), --save, stderr, the TUI's screens
 * and state, its saved report and the text it copies. The live trace: test/integration/secrets.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import { runExplain } from '../../../src/cli/explain.js';
import { runCheck, type CheckCliOptions } from '../../../src/cli/check.js';
import { runParse } from '../../../src/cli/parse.js';
import { tuiServices } from '../../../src/cli/tui.js';
import type { DaemonClient } from '../../../src/probe/daemon-facts.js';
import type { GatherDeps } from '../../../src/probe/facts.js';
import type { TraceOptions } from '../../../src/probe/tracer.js';
import type { TraceRun } from '../../../src/trace/run-schema.js';
import { reduceSession } from '../../../src/session/check-session.js';
import type { SessionState } from '../../../src/session/session-state.js';
import { SessionController } from '../../../src/tui/controller.js';
import { fixSteps } from '../../../src/session/fix-steps.js';
import { Screen } from '../../../src/tui/screen.js';
import { labTraceRun } from '../../helpers/facts-fixture.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Every planted secret, by where it comes from. */
const S = {
  hostsAuthz: 'HostsAuthzS3cretQ',
  hostsPriv: 'HostsPrivTokS3cretQ',
  hostsCustom: 'HostsCustomS3cretQ',
  hostsWeird: 'HostsWeirdS3cretQ',
  urlPassword: 'UrlPwS3cretQ',
  cfgHeader: 'CfgHeaderS3cretQ',
  cfgPassword: 'CfgPassS3cretQ',
  cfgAuthPassword: 'CfgAuthPwS3cretQ',
  cfgIdToken: 'CfgIdTokS3cretQ',
  daemonProxyBare: 'DaemonBarePwS3cretQ',
  daemonProxyToken: 'DaemonTokS3cretQ',
  daemonProxyScheme: 'DaemonSchemePwS3cretQ',
  unitProxy: 'UnitPwS3cretQ',
  shellProxyBare: 'ShellBarePwS3cretQ',
  shellProxyScheme: 'ShellSchemePwS3cretQ',
  dumpBearer: 'DumpBearerS3cretQ',
  dumpBasicPassword: 'DumpBasicPwS3cretQ',
  dumpCookie: 'DumpCookieS3cretQ',
  dumpSetCookie: 'DumpSetCookieS3cretQ',
  dumpPriv: 'DumpPrivTokS3cretQ',
  dumpCustom: 'DumpCustomS3cretQ',
  logPriv: 'LogPrivTokS3cretQ',
  logCfgHeader: 'LogCfgHeaderS3cretQ',
  tokenResponse: 'TokenRespS3cretQ',
  accessToken: 'AccessTokS3cretQ',
  refreshToken: 'RefreshTokS3cretQ',
};

/** Each secret, its base64 form, and the base64 of the `user:secret` pairs it travels in. */
const FORMS: string[] = [
  ...Object.values(S).flatMap((s) => [s, b64(s)]),
  b64(`cfguser:${S.cfgAuthPassword}`),
  b64(`dumpuser:${S.dumpBasicPassword}`),
  b64(`muser:${S.urlPassword}`),
];

function expectClean(what: string, text: string): void {
  for (const f of FORMS) expect(text.includes(f), `${what} holds ${f}`).toBe(false);
}

const CONFIG = `version = 2
[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/containerd/certs.d"
[plugins."io.containerd.grpc.v1.cri".registry.headers]
  X-Cfg-Hdr = ["${S.cfgHeader}"]
[plugins."io.containerd.grpc.v1.cri".registry.configs."127.0.0.1:5105".auth]
  username = "cfguser"
  password = "${S.cfgPassword}"
  auth = "${b64(`cfguser:${S.cfgAuthPassword}`)}"
  identitytoken = "${S.cfgIdToken}"
`;

const HOSTS = `server = "https://registry-1.docker.io"

[host."http://muser:${S.urlPassword}@127.0.0.1:5105"]
  capabilities = ["pull", "resolve"]
  [host."http://muser:${S.urlPassword}@127.0.0.1:5105".header]
    Authorization = "Bearer ${S.hostsAuthz}"
    PRIVATE-TOKEN = "${S.hostsPriv}"
    X-Custom-Auth = ["${S.hostsCustom}"]
    X-Weird-Name = "${S.hostsWeird}"
`;

const UNIT = `[Service]\nExecStart=/usr/bin/containerd\nEnvironment="HTTP_PROXY=unituser:${S.unitProxy}@unit-proxy:3128"\n`;

const ENVIRON = [`PATH=/bin`, `https_proxy=duser:${S.daemonProxyBare}@daemon-proxy:3128`, `HTTP_PROXY=http://duser:${S.daemonProxyScheme}@daemon-proxy:3129`, `HTTPS_PROXY=${S.daemonProxyToken}@daemon-proxy:1080`, 'no_proxy=10.0.0.0/8', ''].join('\0');

const SHELL_ENV = { PATH: '/bin', HTTPS_PROXY: `suser:${S.shellProxyBare}@shell-proxy:8080`, http_proxy: `http://suser:${S.shellProxyScheme}@shell-proxy:8081` };

const t = 'time="2026-11-27T23:32:07Z"';
/** A --http-dump exchange and a token response in the non-TTY and TTY forms ctr writes them. */
const DUMP_LINES = [
  `${t} level=info msg="GET /v2/library/mirror-doctor-demo/manifests/1.0?ns=docker.io HTTP/1.1"`,
  `${t} level=info msg="Host: 127.0.0.1:5105"`,
  `${t} level=info msg="User-Agent: containerd/1.7.24"`,
  `${t} level=info msg="Authorization: Bearer ${S.dumpBearer}"`,
  `${t} level=info msg="Cookie: session=${S.dumpCookie}"`,
  `${t} level=info msg="PRIVATE-TOKEN: ${S.dumpPriv}"`,
  `${t} level=info msg="X-Custom-Auth: ${S.dumpCustom}"`,
  `${t} level=info`,
  `${t} level=info msg="HTTP/1.1 401 Unauthorized"`,
  `${t} level=info msg="Set-Cookie: sid=${S.dumpSetCookie}; Path=/; HttpOnly"`,
  `${t} level=info msg="Www-Authenticate: Bearer realm=\\"http://127.0.0.1:5105/token\\",service=\\"lab\\""`,
  `${t} level=info`,
  `${t} level=info msg="GET /token?scope=repository%3Alibrary%2Fmirror-doctor-demo%3Apull&service=lab HTTP/1.1"`,
  `${t} level=info msg="Host: 127.0.0.1:5105"`,
  `${t} level=info msg="Authorization: Basic ${b64(`dumpuser:${S.dumpBasicPassword}`)}"`,
  `${t} level=info`,
  `${t} level=info msg="HTTP/1.1 200 OK"`,
  `${t} level=info msg="Content-Type: application/json"`,
  `${t} level=info`,
  `${t} level=info msg="{\\"token\\":\\"${S.tokenResponse}\\",\\"access_token\\":\\"${S.accessToken}\\",\\"refresh_token\\":\\"${S.refreshToken}\\",\\"expires_in\\":300}"`,
  `INFO[0000] GET /v2/library/mirror-doctor-demo/blobs/sha256:abc HTTP/1.1`,
  `INFO[0000] PRIVATE-TOKEN: ${S.dumpPriv}`,
  `\x1b[36mINFO\x1b[0m[0000] X-Custom-Auth: ${S.dumpCustom}`,
  `INFO[0000] Cookie: session=${S.dumpCookie}`,
];
/** What the daemon logs at debug level for a request carrying the configured headers. */
const DAEMON_LINES = [
  `${t} level=debug msg="do request" host="127.0.0.1:5105" request.header.accept="application/vnd.oci.image.index.v1+json, */*" request.header.authorization="Bearer ${S.dumpBearer}" request.header.private-token=${S.logPriv} request.header.user-agent="containerd/1.7.24" request.header.x-cfg-hdr=${S.logCfgHeader} request.header.x-custom-auth=${S.dumpCustom} request.method=GET url="http://127.0.0.1:5105/v2/library/mirror-doctor-demo/manifests/1.0?ns=docker.io"`,
  `${t} level=debug msg="fetch response received" host="127.0.0.1:5105" response.header.set-cookie="sid=${S.dumpSetCookie}; Path=/" response.header.content-type=application/json response.status="200 OK"`,
  JSON.stringify({ MESSAGE: `${t} level=info msg="PRIVATE-TOKEN: ${S.logPriv}"`, _PID: '4242' }),
];

/** A recorded lab run (1.7 basic-auth) with the planted lines spliced into each path's log. */
function plantedRun(): TraceRun {
  const run = labTraceRun('1.7', 'basic-auth');
  run.paths = run.paths.map((p) => ({ ...p, log: [...p.log.split('\n'), ...(p.path === 'cri' ? DAEMON_LINES : [...DUMP_LINES, ...DAEMON_LINES])].join('\n') }));
  return run;
}

let base: string;
let root: string;
let proc: string;

function write(p: string, text: string): void {
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
}

/** The node's files (under `root`), /proc of a daemon at pid 4242, the daemon and the tracer faked. */
function deps(): GatherDeps {
  const under = (p: string) => join(root, p);
  const daemon = (): DaemonClient => ({
    version: async () => '1.7.24',
    plugins: async () => [{ id: 'io.containerd.grpc.v1.cri', type: 'io.containerd.grpc.v1', status: 'ok', error: null }],
    criStatus: async () => ({ conditions: [], info: { config: JSON.stringify({ registry: { configPath: '/etc/containerd/certs.d', mirrors: {}, headers: { 'X-Cfg-Hdr': [S.cfgHeader] } } }) } }),
    close: () => undefined,
  });
  return {
    fs: {
      stat: (p: string) => fsp.stat(under(p)),
      lstat: (p: string) => fsp.lstat(under(p)),
      readlink: (p: string) => fsp.readlink(under(p)),
      readdir: (p: string, o: { withFileTypes: true }) => fsp.readdir(under(p), o),
      readFile: (p: string) => fsp.readFile(under(p)),
    },
    statFs: { stat: (p: string) => fsp.stat(under(p)), lstat: (p: string) => fsp.lstat(under(p)), readlink: (p: string) => fsp.readlink(under(p)) },
    procDir: proc,
    findDaemon: (address) => ({ pid: 4242, argv: ['/usr/bin/containerd'], startedAt: 1_700_000_000_000, config: null, address }),
    socketProblem: async () => null,
    daemon,
    exec: async (file) => ({ exitCode: 0, stdout: `${file.endsWith('ctr') ? 'ctr' : 'containerd'} github.com/containerd/containerd v1.7.24\n`, stderr: '', error: null }),
    runTrace: async (o: TraceOptions) => {
      const run = plantedRun();
      for (const p of run.paths) {
        o.onProgress?.({ kind: 'path-start', path: p.path, command: p.command.join(' ') });
        for (const line of p.log.split('\n').slice(-40)) o.onProgress?.({ kind: 'line', path: p.path, line });
        o.onProgress?.({ kind: 'path-end', path: p.path, run: p });
      }
      return run;
    },
    hostname: () => 'node-1',
  };
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'md-secrets-'));
  root = join(base, 'node');
  proc = join(base, 'proc');
  write(join(root, 'etc/containerd/config.toml'), CONFIG);
  write(join(root, 'etc/containerd/certs.d/docker.io/hosts.toml'), HOSTS);
  write(join(root, 'etc/systemd/system/containerd.service'), UNIT);
  write(join(proc, '4242/environ'), ENVIRON);
  write(join(proc, '4242/cgroup'), '0::/system.slice/containerd.service\n');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const REF = 'docker.io/library/mirror-doctor-demo:1.0';

function capture() {
  const out: string[] = [];
  return { out, write: (s: string | Uint8Array) => void out.push(typeof s === 'string' ? s : Buffer.from(s).toString('utf8')) };
}

/** Every file under `dir`, as text. */
function filesUnder(dir: string): Array<[string, string]> {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => [join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name), 'utf8')]);
}

describe('no planted secret leaves through any exit', () => {
  it('the secrets really are in the inputs', () => {
    const inputs = [CONFIG, HOSTS, UNIT, ENVIRON, JSON.stringify(SHELL_ENV), DUMP_LINES.join('\n'), DAEMON_LINES.join('\n')].join('\n');
    for (const s of Object.values(S)) expect(inputs.includes(s) || inputs.includes(b64(`cfguser:${s}`)) || inputs.includes(b64(`dumpuser:${s}`)), s).toBe(true);
  });

  it('explain: text and JSON (hosts.toml headers, mirror URL userinfo)', async () => {
    for (const json of [false, true]) {
      const c = capture();
      await runExplain(REF, { root, json }, [], { stdout: c.write });
      const text = c.out.join('');
      expectClean(`explain${json ? ' --json' : ''}`, text);
      if (json) {
        // still JSON, and what is not a secret is still there: the header names, the host
        const doc = JSON.stringify(JSON.parse(text));
        for (const keep of ['PRIVATE-TOKEN', 'X-Custom-Auth', 'X-Weird-Name', 'Authorization', '127.0.0.1:5105']) expect(doc).toContain(keep);
        expect(doc).toContain('[REDACTED]');
      }
    }
  });

  it('parse: text and JSON of a recorded pull with planted dump headers, daemon lines and a token response', async () => {
    const file = join(base, 'pull.log');
    writeFileSync(file, `${plantedRun().paths[1]!.log}\n`);
    for (const json of [false, true]) {
      const c = capture();
      await runParse(file, { json }, { stdout: c.write });
      const text = c.out.join('');
      expect(text.length).toBeGreaterThan(100);
      expectClean(`parse${json ? ' --json' : ''}`, text);
    }
  });

  it('check: text, JSON, stderr, --report (Markdown and JSON), --save (daemon /proc proxy, unit, shell, config, hosts, pulls)', async () => {
    const outDir = join(base, 'check-out');
    mkdirSync(outDir);
    const io = (c: ReturnType<typeof capture>, e: ReturnType<typeof capture>) => ({ stdout: c.write, stderr: e.write, progress: true, color: false, env: SHELL_ENV, deps: deps() });
    const runs: Array<[string, CheckCliOptions]> = [
      ['text', { report: join(outDir, 'r.md'), save: join(outDir, 'save') }],
      ['json', { json: true, report: join(outDir, 'r.json') }],
    ];
    for (const [name, o] of runs) {
      const c = capture();
      const e = capture();
      await runCheck(REF, { ...o, cri: true }, [], io(c, e));
      expectClean(`check ${name} stdout`, c.out.join(''));
      expectClean(`check ${name} stderr`, e.out.join(''));
    }
    const files = filesUnder(outDir);
    expect(files.map(([f]) => f.slice(outDir.length + 1)).sort()).toEqual(['r.json', 'r.md', 'save/cri.log', 'save/ctr-hosts-dir.log', 'save/ctr.log', 'save/facts.json', 'save/report.json', 'save/report.md']);
    for (const [f, text] of files) expectClean(f, text);
    // the daemon's proxy, keyed on where it comes from, kept readable without its credentials
    const report = readFileSync(join(outDir, 'r.md'), 'utf8');
    expect(report).toContain('https_proxy=[REDACTED]@daemon-proxy:3128');
    expect(report).toContain('HTTPS_PROXY=[REDACTED]@daemon-proxy:1080');
    expect(report).toContain('HTTPS_PROXY=[REDACTED]@shell-proxy:8080');
    const log = readFileSync(join(outDir, 'save/ctr-hosts-dir.log'), 'utf8');
    expect(log).toContain('PRIVATE-TOKEN: [REDACTED]');
    expect(log).toContain('request.header.x-cfg-hdr=[REDACTED]');
    expect(log).toContain('User-Agent: containerd/1.7.24');
  });

  it('TUI: every screen, the whole state, the saved report, the copied verdict', async () => {
    const cwd = join(base, 'tui');
    mkdirSync(cwd);
    const copied: string[] = [];
    const sent: string[] = [];
    const services = {
      ...tuiServices({ hostsDir: undefined } as CheckCliOptions, { env: SHELL_ENV, deps: deps(), cwd }),
      copy: async (text: string) => (copied.push(text), true),
      terminal: (seq: string) => void sent.push(seq),
    };
    const controller = new SessionController(services, false, 'cri');
    const frames: string[] = [];
    const frame = (s: SessionState) => {
      const r = render(<Screen state={s} width={100} color={false} />);
      frames.push(stripVTControlCharacters(r.lastFrame() ?? ''));
      r.unmount();
    };
    // the running view with its last lines, while the pulls stream
    controller.subscribe(() => {
      const s = controller.getState();
      if (s.phase === 'running' && s.paths.some((p) => p.lines.length > 0) && frames.length < 3) frame(s);
    });
    await controller.start(REF);
    await controller.save();
    await controller.copy();
    const steps = fixSteps(controller.getState()).length;
    for (let i = 0; i < steps; i++) await controller.copy({ kind: 'fix-step', index: i });
    let s = controller.getState();
    expect(s.phase).toBe('verdict');
    frame(s);
    // the trace view of each path, every request expanded (its raw lines with the --http-dump headers)
    s = reduceSession(s, { type: 'view', view: 'trace' });
    for (let p = 0; p < 3; p++) {
      for (let a = 0; a < 30; a++) {
        frame(reduceSession(s, { type: 'trace-expand-toggled' }));
        s = reduceSession(s, { type: 'trace-attempt-moved', delta: 1 });
      }
      s = reduceSession(s, { type: 'trace-path-moved', delta: 1 });
    }
    frame(reduceSession(s, { type: 'view', view: 'fix' }));
    frame(reduceSession(s, { type: 'view', view: 'help' }));
    expect(frames.length).toBeGreaterThan(90);
    expect(frames.some((f) => f.includes('PRIVATE-TOKEN: [REDACTED]'))).toBe(true);
    frames.forEach((f, i) => expectClean(`TUI frame ${i}`, f));
    expectClean('TUI state', JSON.stringify(controller.getState()));
    // the verdict and every fix step but the re-check, to the programs and as OSC 52 to the terminal
    expect(steps).toBeGreaterThan(1);
    expect(copied.length).toBe(steps);
    expectClean('clipboard', copied.join('\n'));
    expect(sent.map((q) => Buffer.from(q.replace(/^\u001b\]52;c;|\u0007$/g, ''), 'base64').toString('utf8'))).toEqual(copied);
    expectClean('OSC 52', sent.join('\n'));
    const saved = filesUnder(cwd);
    expect(saved.length).toBe(1);
    expectClean('TUI report', saved[0]![1]);
  }, 60_000);
});
