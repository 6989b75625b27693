/**
 * The check report in its three forms (text, JSON, Markdown) over facts gathered from a temp node
 * folder plus a trace parsed from real recorded pulls (lab fixture mirror-404, containerd 1.7) —
 * and the guarantee that no secret survives in any of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Facts } from '../../../src/checks/facts.js';
import type { Finding } from '../../../src/checks/finding.js';
import { gatherFacts } from '../../../src/probe/facts.js';
import type { PathRun, TraceRun } from '../../../src/trace/run-schema.js';
import { parseTraceText } from '../../../src/trace/index.js';
import { collectConfigSecrets, configSecrets, redactConfigText, redactFacts, scrubSecrets } from '../../../src/report/redact-config.js';
import { groupFindings, renderReportJson, REPORT_SCHEMA, type ChecksOutcome } from '../../../src/report/report-json.js';
import { renderReportMarkdown } from '../../../src/report/report-markdown.js';
import { renderReportText } from '../../../src/report/report-text.js';

const LAB = resolve(__dirname, '../../fixtures/lab/1.7/mirror-404');
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Every secret planted below; none may appear in any output. */
const SECRETS = {
  cfgPassword: 'cfg-pass-123',
  cfgAuth: b64('bob:cfg-pass-123'),
  identityToken: 'idtok-abc123',
  cfgHeader: 'cfg-header-secret',
  hostsBearer: 'hosts-bearer-token-xyz',
  hostsCustom: 'mirror-key-secret-42',
  dumpBasic: b64('bob:dump-pass-99'),
  dumpBearer: 'eyJhbGciOiJIUzI1NiJ9.dump-bearer',
  clientKey: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
};

const CONFIG = `version = 2
[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/containerd/certs.d"

[plugins."io.containerd.grpc.v1.cri".registry.configs."registry.example.com".auth]
  username = "bob"
  password = "${SECRETS.cfgPassword}"
  auth = "${SECRETS.cfgAuth}"
  identitytoken = "${SECRETS.identityToken}"

[plugins."io.containerd.grpc.v1.cri".registry.headers]
  X-Config-Header = ["${SECRETS.cfgHeader}"]
`;

const HOSTS = `server = "https://registry-1.docker.io"

[host."http://127.0.0.1:5102"]
  capabilities = ["pull", "resolve"]
  client = [["client.crt", "client.key"]]
  [host."http://127.0.0.1:5102".header]
    Authorization = "Bearer ${SECRETS.hostsBearer}"
    X-Mirror-Key = "${SECRETS.hostsCustom}"
`;

let base: string;
let facts: Facts;
let outcome: ChecksOutcome;

function pathRun(path: PathRun['path'], log: string, extra: Partial<PathRun> = {}): PathRun {
  const doc = parseTraceText(log, { ref: 'docker.io/library/mirror-doctor-demo:1.0' }).at(-1) ?? null;
  return {
    path,
    command: path === 'cri' ? ['cri', 'PullImage', 'mirror-doctor-demo:1.0'] : ['ctr', '--address', '/run/lab.sock', 'images', 'pull', ...(path === 'ctr-hosts-dir' ? ['--hosts-dir', '/etc/containerd/certs.d'] : []), '--user', 'bob:argv-pass-77', 'docker.io/library/mirror-doctor-demo:1.0'],
    mode: path === 'cri' ? 'cri' : 'local',
    modeReason: 'containerd 1.7: ctr pulls locally',
    exitCode: 1,
    stoppedBy: null,
    stalledOn: null,
    durationMs: 1234,
    doc,
    pulled: false,
    error: 'failed to resolve reference',
    blobNote: null,
    log,
    ...extra,
  };
}

/** The dump lines go right after the first request line of the recorded log (same pull). */
function withDump(log: string, dump: string): string {
  const lines = log.split('\n');
  const at = lines.findIndex((l) => l.includes('msg="Host: 127.0.0.1:5102"'));
  lines.splice(at + 1, 0, ...dump.split('\n').slice(1));
  return lines.join('\n');
}

function finding(f: Partial<Finding> & Pick<Finding, 'id' | 'severity' | 'layer'>): Finding {
  return { title: `${f.id} title`, detail: '', evidence: [], fix: [], docs: `docs/checks.md#${f.id}`, ...f };
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'md-report-'));
  const files: Record<string, string> = {
    '/etc/containerd/config.toml': CONFIG,
    '/etc/containerd/certs.d/docker.io/hosts.toml': HOSTS,
    '/etc/containerd/certs.d/docker.io/client.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    '/etc/containerd/certs.d/docker.io/client.key': `-----BEGIN PRIVATE KEY-----\n${SECRETS.clientKey}\n-----END PRIVATE KEY-----\n`,
    '/etc/systemd/system/containerd.service': `[Service]\nEnvironment="HTTPS_PROXY=http://proxyuser:proxy-pass-5@proxy:3128"\n`,
  };
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(base, p)), { recursive: true });
    writeFileSync(join(base, p), t);
  }
  facts = await gatherFacts({ root: base, ref: 'docker.io/library/mirror-doctor-demo:1.0' });
  // a trace from real recorded output, with an http-dump carrying credentials added
  const dump = [
    'time="2026-11-27T23:38:37Z" level=info msg="HEAD /v2/library/mirror-doctor-demo/manifests/1.0?ns=docker.io HTTP/1.1"',
    `time="2026-11-27T23:38:37Z" level=info msg="Authorization: Basic ${SECRETS.dumpBasic}"`,
    `time="2026-11-27T23:38:37Z" level=info msg="X-Mirror-Key: ${SECRETS.hostsCustom}"`,
    `time="2026-11-27T23:38:37Z" level=debug msg="do request" host="127.0.0.1:5102" request.header.authorization="Bearer ${SECRETS.dumpBearer}" request.method=HEAD url="http://127.0.0.1:5102/v2/x?ns=docker.io"`,
  ].join('\n');
  const run: TraceRun = {
    schema: 'mirror-doctor.trace-run/v1',
    ref: 'docker.io/library/mirror-doctor-demo:1.0',
    containerd: { client: '1.7.24', server: '1.7.24' },
    address: '/run/lab.sock',
    namespace: 'mirror-doctor-1234abcd',
    hostsDir: '/etc/containerd/certs.d',
    live: { exposed: true, configPath: '/etc/containerd/certs.d', hasMirrors: false },
    paths: [
      pathRun('ctr', readFileSync(join(LAB, 'ctr-no-hosts-dir/stderr.txt'), 'utf8')),
      pathRun('ctr-hosts-dir', withDump(readFileSync(join(LAB, 'ctr-hosts-dir/stderr.txt'), 'utf8'), dump)),
      pathRun('cri', readFileSync(join(LAB, 'cri/daemon.log'), 'utf8'), { code: 'NOT_FOUND' }),
    ],
    comparison: { verdict: 'the mirror 127.0.0.1:5102 answered 404 not-found, and containerd fell back to the next host', statements: ['ctr without --hosts-dir never uses a mirror'], mirrorUsedBy: [] },
    leftovers: [],
    earlierRuns: [],
  };
  facts = { ...facts, trace: run, offline: false };
  outcome = {
    findings: [
      finding({ id: 'config-path-unset', severity: 'ok', layer: 'config', title: 'config_path is set' }),
      finding({ id: 'proxy-env-mismatch', severity: 'warning', layer: 'daemon', detail: 'the daemon uses a proxy' }),
      finding({
        id: 'mirror-fallback',
        severity: 'error',
        layer: 'evidence',
        title: 'the mirror answered 404; containerd fell back to the upstream',
        detail: `The mirror answered 404 (it was sent X-Mirror-Key ${SECRETS.hostsCustom}).`,
        evidence: [
          { kind: 'file', source: '/etc/containerd/certs.d/docker.io/hosts.toml', line: 7, text: `Authorization = "Bearer ${SECRETS.hostsBearer}"` },
          { kind: 'log', source: 'ctr --hosts-dir', text: `Authorization: Basic ${SECRETS.dumpBasic}` },
        ],
        fix: ['push the image to the mirror, or remove the mirror from hosts.toml', 'sudo ctr -n k8s.io images pull --hosts-dir /etc/containerd/certs.d docker.io/library/mirror-doctor-demo:1.0', `edit /etc/containerd/certs.d/docker.io/hosts.toml:\n[host."http://127.0.0.1:5102"]\n  capabilities = ["pull", "resolve"]`],
      }),
      finding({ id: 'hosts-toml-invalid', severity: 'ok', layer: 'hosts-toml', title: 'hosts.toml parses' }),
      finding({ id: 'ctr-ignores-config-path', severity: 'info', layer: 'client' }),
    ],
    rootCause: 'mirror-fallback',
    status: 'problems',
    summary: 'the mirror 127.0.0.1:5102 answered 404, containerd fell back to registry-1.docker.io',
    exitCode: 1,
  };
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const input = () => ({ facts, outcome, ignored: ['ctr-namespace'], strict: false });

describe('grouping', () => {
  it('groups by layer, worst first; findings worst first inside a group', () => {
    const g = groupFindings(outcome.findings);
    expect(g.map((x) => [x.layer, x.worst])).toEqual([
      ['evidence', 'error'],
      ['daemon', 'warning'],
      ['client', 'info'],
      ['config', 'ok'],
      ['hosts-toml', 'ok'],
    ]);
  });
});

describe('text report', () => {
  it('grouped by layer, problems in full, passing checks one line, verdict last', () => {
    const t = renderReportText(input());
    const lines = t.trimEnd().split('\n');
    expect(lines[0]).toBe('mirror-doctor check docker.io/library/mirror-doctor-demo:1.0');
    expect(lines.at(-1)).toBe('✗ verdict: problems — root cause: mirror-fallback — the mirror 127.0.0.1:5102 answered 404, containerd fell back to registry-1.docker.io');
    expect(t.indexOf('✗ Evidence from real pulls')).toBeLessThan(t.indexOf('! Daemon'));
    expect(t.indexOf('! Daemon')).toBeLessThan(t.indexOf('✓ config.toml'));
    expect(t).toContain('      fix:\n        push the image to the mirror');
    expect(t).toContain('  ✓ config-path-unset  config_path is set\n');
    expect(t).toMatch(/ctr --hosts-dir\s+\/tmp\/mirror-doctor-lab\/certs\.d\/docker\.io\s+-\s+no\s+failed \(1\.2 s\)/);
    expect(t).toContain('ignored: ctr-namespace');
    expect(t).not.toContain('\u001b[');
    expect(renderReportText(input(), { color: true })).toContain('\u001b[31m✗\u001b[0m');
  });
  it('on a terminal every line fits its width and the pulls table wraps instead of cutting', () => {
    const whole = renderReportText(input(), { verbose: true });
    for (const width of [100, 80, 50]) {
      const t = renderReportText(input(), { verbose: true, width });
      for (const l of t.trimEnd().split('\n')) expect([...l].length, l).toBeLessThanOrEqual(width);
      // the same text as off a terminal, only the line breaks differ (a path wider than the line is broken)
      const words = (x: string) => x.replace(/\s+/g, '');
      expect(words(t)).not.toContain('…');
      expect(t.trimEnd().split('\n').at(-1)!.length).toBeGreaterThan(0);
      expect(words(t.slice(0, t.indexOf('pulls (')))).toBe(words(whole.slice(0, whole.indexOf('pulls ('))));
    }
    // off a terminal a cell is never cut
    expect(whole).not.toMatch(/\S…/);
  });
  it('ok verdict', () => {
    const t = renderReportText({ facts, outcome: { findings: [], rootCause: null, status: 'ok', summary: 'the mirror served the pull', exitCode: 0 } });
    expect(t.trimEnd().split('\n').at(-1)).toBe('✓ verdict: ok — the mirror served the pull');
  });
});

describe('JSON report', () => {
  it('mirror-doctor.report/v1 with containerd, verdict, findings (display order) and traces', () => {
    const j = JSON.parse(renderReportJson(input()));
    expect(Object.keys(j).slice(0, 2)).toEqual(['schema', 'ref']);
    expect(j.schema).toBe(REPORT_SCHEMA);
    expect(j.ref).toBe('docker.io/library/mirror-doctor-demo:1.0');
    expect(j.verdict).toEqual({ status: 'problems', rootCause: 'mirror-fallback', unexplained: null, summary: outcome.summary });
    expect(j.containerd).toMatchObject({ version: '2.1.9', versionSource: 'assumed', address: '/run/containerd/containerd.sock', configFile: '/etc/containerd/config.toml', distribution: { kind: 'containerd' } });
    expect(j.findings.map((f: Finding) => f.id)).toEqual(['mirror-fallback', 'proxy-env-mismatch', 'ctr-ignores-config-path', 'config-path-unset', 'hosts-toml-invalid']);
    expect(j.exitCode).toBe(1);
    expect(j.options).toEqual({ strict: false, ignored: ['ctr-namespace'] });
    expect(j.traces.ran).toBe(true);
    expect(j.traces.paths.map((p: { path: string }) => p.path)).toEqual(['ctr', 'ctr-hosts-dir', 'cri']);
    const hd = j.traces.paths[1];
    expect(hd.hostsDir).toBe('/tmp/mirror-doctor-lab/certs.d/docker.io');
    expect(hd.attempts[0]).toMatchObject({ host: '127.0.0.1:5102', kind: 'resolve', status: 404, outcome: 'not-found', mirror: true });
    expect(j.traces.paths[2].code).toBe('NOT_FOUND');
  });
  it('rootCause given as a finding is reported by its id; no trace says why', () => {
    const j = JSON.parse(renderReportJson({ facts: { ...facts, trace: null, offline: true }, outcome: { ...outcome, rootCause: outcome.findings[2]! } }));
    expect(j.verdict.rootCause).toBe('mirror-fallback');
    expect(j.traces).toMatchObject({ ran: false, skipped: 'offline: no pulls were made', paths: [] });
  });
});

describe('Markdown report', () => {
  let md: string;
  beforeAll(() => {
    md = renderReportMarkdown(input());
  });
  it('verdict box, environment table, findings with fixes', () => {
    expect(md.startsWith('## mirror-doctor report: `docker.io/library/mirror-doctor-demo:1.0`\n\n> **✗ Problems found** — root cause: `mirror-fallback`\n>\n> the mirror 127.0.0.1:5102 answered 404')).toBe(true);
    expect(md).toContain('> 1 error(s) · 1 warning(s) · 2 ok · 1 info · exit code 1 · ignored: ctr-namespace');
    expect(md).toContain('### Environment\n\n| | |\n|---|---|\n| Image | `docker.io/library/mirror-doctor-demo:1.0` (argument) |');
    expect(md).toMatch(/\| Proxy \(daemon \/ systemd \/ shell\) \| no process seen \/ HTTPS_PROXY=http:\/\/\[REDACTED\]@proxy:3128 \/ /);
    expect(md).toContain('#### ✗ `mirror-fallback` — the mirror answered 404; containerd fell back to the upstream\n\n*error · Evidence from real pulls*');
    expect(md).toContain('**Fix**\n\n- push the image to the mirror, or remove the mirror from hosts.toml\n\n```sh\nsudo ctr -n k8s.io images pull --hosts-dir /etc/containerd/certs.d docker.io/library/mirror-doctor-demo:1.0\n```');
    expect(md).toContain('- edit /etc/containerd/certs.d/docker.io/hosts.toml:\n\n```\n[host."http://127.0.0.1:5102"]');
    expect(md).toContain('Docs: docs/checks.md#mirror-fallback');
    // passing checks collapsed
    expect(md).toMatch(/<details>\n<summary>3 passing or informational check\(s\)<\/summary>\n\n\| \| Check \| Layer \| Result \|/);
  });
  it('the three pulls as compact tables', () => {
    expect(md).toContain('| Path | Mode | Host directory | Manifest from | Mirror used | Result |');
    expect(md).toMatch(/\| ctr --hosts-dir \| local \| \/tmp\/mirror-doctor-lab\/certs\.d\/docker\.io \| – \| no \| failed \(1\.2 s\) \|/);
    for (const h of ['#### ctr (no --hosts-dir)', '#### ctr --hosts-dir', '#### CRI (as kubelet)']) expect(md).toContain(h);
    expect(md).toMatch(/\| 1 \| 127\.0\.0\.1:5102 \(mirror\) \| resolve \| HEAD http:\/\/127\.0\.0\.1:5102\/v2\/library\/mirror-doctor-demo\/manifests\/1\.0\?ns=docker\.io \| 404 \| not-found \|/);
    expect(md).toContain('**What the difference proves:** the mirror 127.0.0.1:5102 answered 404');
  });
  it('config excerpts with line numbers; raw logs collapsible', () => {
    expect(md).toContain('#### `/etc/containerd/config.toml`\n\n```\n 1 | version = 2\n 2 | [plugins."io.containerd.grpc.v1.cri".registry]');
    expect(md).toContain('#### `/etc/containerd/certs.d/docker.io/hosts.toml`');
    expect(md).toMatch(/\n7 \|     Authorization = "\[REDACTED\]"/);
    expect(md).toMatch(/<details>\n<summary>ctr --hosts-dir: ctr output \(\d+ lines\)<\/summary>\n\n```text\n/);
    expect(md).toContain('<summary>CRI (as kubelet): containerd log during the pull');
    expect(md).toContain('<summary>systemd: /etc/systemd/system/containerd.service</summary>');
  });
  it('is well-formed: fences and details balance, table rows have their header\'s columns', () => {
    const fences = md.split('\n').filter((l) => /^```/.test(l));
    expect(fences.length % 2).toBe(0);
    expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
    // every table row has as many unescaped pipes as its header (outside code fences)
    let inFence = false;
    let header: number | null = null;
    for (const line of md.split('\n')) {
      if (/^```/.test(line)) inFence = !inFence;
      if (inFence) continue;
      if (!line.startsWith('|')) {
        header = null;
        continue;
      }
      const pipes = line.replace(/\\\|/g, '').split('|').length;
      if (header === null) header = pipes;
      else expect(pipes, line).toBe(header);
    }
  });
  it('long logs are cut to their end', () => {
    const long = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n');
    const run = { ...facts.trace!, paths: [{ ...facts.trace!.paths[0]!, log: long }] };
    const m = renderReportMarkdown({ facts: { ...facts, trace: run }, outcome });
    expect(m).toContain('(1000 lines, last 400 shown)');
    expect(m).toContain('line 999');
    expect(m).not.toContain('line 599\n');
  });
});

describe('no secret survives', () => {
  const all = () => [...Object.values(SECRETS), 'argv-pass-77', 'proxy-pass-5'];
  it.each([
    ['markdown', () => renderReportMarkdown(input())],
    ['json', () => renderReportJson(input())],
    ['text', () => renderReportText(input(), { verbose: true })],
    ['facts (--save)', () => JSON.stringify(redactFacts(facts))],
    ['text on a 24-column terminal', () => renderReportText(input(), { verbose: true, width: 24 })],
    ['text on a 60-column terminal', () => renderReportText(input(), { verbose: true, width: 60 })],
  ])('%s', (_name, render) => {
    const out = render();
    expect(out.length).toBeGreaterThan(500);
    // also with the lines joined: a secret wrapped over two lines must not survive in pieces
    for (const s of all()) expect(`${out}\n${out.replace(/\n\s*/g, '')}`, s).not.toContain(s);
    expect(out).toContain('[REDACTED]');
  });
  it('the planted secrets really were in the input', () => {
    const raw = JSON.stringify(facts);
    for (const s of all().filter((x) => x !== 'proxy-pass-5')) expect(raw, s).toContain(s);
    // a proxy's credentials are in the unit file, and dropped as it is read (the facts never hold them)
    expect(readFileSync(join(base, 'etc/systemd/system/containerd.service'), 'utf8')).toContain('proxy-pass-5');
    expect(raw).not.toContain('proxy-pass-5');
    expect(facts.daemon.systemd?.proxyEnv.HTTPS_PROXY).toBe('http://[REDACTED]@proxy:3128');
  });
  it('config redaction keeps line numbers and non-secret values', () => {
    const r = redactConfigText(CONFIG);
    expect(r.split('\n').length).toBe(CONFIG.split('\n').length);
    expect(r).toContain('username = "bob"');
    expect(r).toContain('config_path = "/etc/containerd/certs.d"');
    expect(r).toContain('password = "[REDACTED]"');
    expect(r).toContain('X-Config-Header = ["[REDACTED]"]');
  });
  it('known secrets are scrubbed wherever they appear, also JSON-escaped', () => {
    const secrets = collectConfigSecrets(facts.snapshot);
    expect(secrets).toContain(SECRETS.hostsCustom);
    expect(secrets).toContain('cfg-pass-123');
    expect(scrubSecrets(`X: ${SECRETS.hostsCustom}; "${JSON.stringify('a"b').slice(1, -1)}"`, [...secrets, 'a"b'])).toBe('X: [REDACTED]; "[REDACTED]"');
  });
  it('a header value of several words is a secret whole; its last word alone only after an auth scheme', () => {
    const secrets = configSecrets('[header]\n  x-custom-1 = "custom header"\n  Authorization = "Bearer tok-1234"\n');
    expect(secrets).toEqual(expect.arrayContaining(['custom header', 'Bearer tok-1234', 'tok-1234']));
    // containerd's own hosts_test.go writes `x-custom-1 = "custom header"`: the JSON key "header" must survive
    expect(secrets).not.toContain('header');
  });
});
