/**
 * containerd's own unit tests for hosts.toml and ConfigureHosts (hosts_test.go), translated case
 * by case into files on a node and run through what `explain --json` prints. Each case names its
 * upstream file, tag and test. Tags: the lab's versions (v1.6.20, v1.7.24, v2.1.9) and the last
 * 1.6 (v1.6.39, which adds TestHTTPFallback).
 *
 * Upstream asserts parseHostsFile/loadHostDir (before ConfigureHosts) or ConfigureHosts' result;
 * explain shows ConfigureHosts' result, which for these cases keeps every field upstream compares.
 * Cases no file can express (HostOptions set by Go callers) are listed in NOT_EXPRESSIBLE, and the
 * HTTP-fallback ones are checked on configureHosts directly, the function explain uses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configureHosts } from '../../../src/containerd/configure-hosts.js';
import { snap, profile } from './helpers.js';
import { captureCliOutput } from '../../helpers/capture-output.js';
import {
  ALL_CAPS,
  asUpstream,
  CERTS_D,
  CONFIG,
  criConfigPathToml,
  expected,
  explainCli,
  explainPure,
  explainPureRedacted,
  HOSTS_TEST_TAGS,
  plan,
  type NodeCase,
  type UpstreamHost,
} from './upstream-explain.js';

const cli = captureCliOutput();
const tmp = mkdtempSync(join(tmpdir(), 'md-hosts-upstream-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Stand-ins for the PEM files a hosts.toml names. Upstream's parse tests never open them, but
// ConfigureHosts (which explain emulates) reads them and fails the pull when they are missing.
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';

/** The hosts.toml of TestParseHostFile at each tag (2.1 adds two hosts). */
function parseHostFileToml(version: string): string {
  const v2 = version.startsWith('2.');
  return `
server = "https://test-default.registry"
ca = "/etc/path/default"
[header]
  x-custom-1 = "custom header"

[host."https://mirror.registry"]
  capabilities = ["pull"]
  ca = "/etc/certs/mirror.pem"
  skip_verify = false
  [host."https://mirror.registry".header]
    x-custom-2 = ["value1", "value2"]

[host."https://mirror-bak.registry/us"]
  capabilities = ["pull"]
  skip_verify = true

[host."http://mirror.registry"]
  capabilities = ["pull"]

[host."https://test-1.registry"]
  capabilities = ["pull", "resolve", "push"]
  ca = ["/etc/certs/test-1-ca.pem", "/etc/certs/special.pem"]
  client = [["/etc/certs/client.cert", "/etc/certs/client.key"],["/etc/certs/client.pem", ""]]

[host."https://test-2.registry"]
  client = "/etc/certs/client.pem"

[host."https://test-3.registry"]
  client = ["/etc/certs/client-1.pem", "/etc/certs/client-2.pem"]

[host."https://noncompliantmirror.registry/v2/namespaceprefix"]
  capabilities = ["pull"]
  override_path = true

[host."https://noprefixnoncompliant.registry"]
  override_path = true
${
  v2
    ? `
[host."https://onlyheader.registry".header]
  x-custom-1 = "justaheader"

[host."https://dial-timeout.registry"]
  dial_timeout = "3s"
`
    : ''
}`;
}

/** TestParseHostFile's `expected`, in order (the server last). */
function parseHostFileExpected(version: string): UpstreamHost[] {
  const v2 = version.startsWith('2.');
  return [
    { scheme: 'https', host: 'mirror.registry', path: '/v2', capabilities: ['pull'], caCerts: ['/etc/certs/mirror.pem'], skipVerify: false, header: { 'x-custom-2': ['value1', 'value2'] } },
    { scheme: 'https', host: 'mirror-bak.registry', path: '/us/v2', capabilities: ['pull'], skipVerify: true },
    { scheme: 'http', host: 'mirror.registry', path: '/v2', capabilities: ['pull'] },
    {
      scheme: 'https',
      host: 'test-1.registry',
      path: '/v2',
      capabilities: ALL_CAPS,
      caCerts: ['/etc/certs/test-1-ca.pem', '/etc/certs/special.pem'],
      clientPairs: [
        ['/etc/certs/client.cert', '/etc/certs/client.key'],
        ['/etc/certs/client.pem', ''],
      ],
    },
    // upstream writes {"/etc/certs/client.pem"}: a [2]string whose key is ""
    { scheme: 'https', host: 'test-2.registry', path: '/v2', capabilities: ALL_CAPS, clientPairs: [['/etc/certs/client.pem', '']] },
    {
      scheme: 'https',
      host: 'test-3.registry',
      path: '/v2',
      capabilities: ALL_CAPS,
      clientPairs: [
        ['/etc/certs/client-1.pem', ''],
        ['/etc/certs/client-2.pem', ''],
      ],
    },
    { scheme: 'https', host: 'noncompliantmirror.registry', path: '/v2/namespaceprefix', capabilities: ['pull'] },
    { scheme: 'https', host: 'noprefixnoncompliant.registry', path: '', capabilities: ALL_CAPS },
    ...(v2
      ? [
          { scheme: 'https', host: 'onlyheader.registry', path: '/v2', capabilities: ALL_CAPS, header: { 'x-custom-1': ['justaheader'] } },
          { scheme: 'https', host: 'dial-timeout.registry', path: '/v2', capabilities: ALL_CAPS, dialTimeout: '3s' },
        ]
      : []),
    { scheme: 'https', host: 'test-default.registry', path: '/v2', capabilities: ALL_CAPS, caCerts: ['/etc/path/default'], header: { 'x-custom-1': ['custom header'] } },
  ];
}

function parseHostFileCase(version: string): NodeCase {
  const files: Record<string, string> = {
    [CONFIG]: criConfigPathToml(version, CERTS_D),
    [`${CERTS_D}/test-default.registry/hosts.toml`]: parseHostFileToml(version),
  };
  for (const f of ['/etc/path/default', '/etc/certs/mirror.pem', '/etc/certs/test-1-ca.pem', '/etc/certs/special.pem', '/etc/certs/client.cert']) files[f] = CERT;
  files['/etc/certs/client.key'] = KEY;
  // a client entry without a key file: cert and key come from the same file
  for (const f of ['/etc/certs/client.pem', '/etc/certs/client-1.pem', '/etc/certs/client-2.pem']) files[f] = CERT + KEY;
  return { files, ref: 'test-default.registry/app:1', version, hostsDir: CERTS_D };
}

/** TestLoadCertFiles: a host folder with certificate files and no hosts.toml. */
const LOAD_CERT_FILES: Array<{ test: string; ca: boolean; pair: boolean }> = [
  { test: 'crt only', ca: true, pair: false },
  { test: 'crt and cert pair', ca: true, pair: true },
  { test: 'cert pair only', ca: false, pair: true },
];

/** TestHTTPFallback with `opts: HostOptions{}` (what ctr without flags and CRI with config_path pass). */
interface FallbackCase {
  host: string;
  defaultScheme?: 'http' | 'https';
  defaultTls?: boolean;
  expectedScheme: 'http' | 'https';
  usesFallback: boolean;
}
function httpFallbackCases(tag: string): FallbackCase[] {
  // 1.6.39 keeps http for a port-less http host with TLS; 1.7.24 and 2.1.9 try HTTPS first
  const portless = tag === 'v1.6.39' ? { expectedScheme: 'http' as const, usesFallback: false } : { expectedScheme: 'https' as const, usesFallback: true };
  return [
    { host: 'localhost:8080', defaultScheme: 'http', defaultTls: true, expectedScheme: 'https', usesFallback: true },
    { host: 'localhost:8080', defaultScheme: 'https', defaultTls: true, expectedScheme: 'https', usesFallback: false },
    { host: 'localhost:8080', expectedScheme: 'https', usesFallback: true },
    { host: 'localhost:80', expectedScheme: 'http', usesFallback: false },
    { host: 'localhost:443', expectedScheme: 'https', usesFallback: false },
    { host: 'localhost:80', defaultScheme: 'http', defaultTls: true, expectedScheme: 'http', usesFallback: false },
    { host: 'localhost', defaultScheme: 'http', defaultTls: true, ...portless },
    { host: 'localhost', defaultScheme: 'https', defaultTls: true, expectedScheme: 'https', usesFallback: false },
    { host: 'localhost', expectedScheme: 'https', usesFallback: false },
    { host: 'localhost:5000', expectedScheme: 'https', usesFallback: true },
    { host: 'example.com', expectedScheme: 'https', usesFallback: false },
    { host: 'example.com', defaultScheme: 'http', defaultTls: true, ...portless },
    { host: 'example.com:5000', defaultScheme: 'http', defaultTls: true, expectedScheme: 'https', usesFallback: true },
    { host: 'example.com:5000', expectedScheme: 'https', usesFallback: false },
    { host: 'example2.com', defaultScheme: 'http', expectedScheme: 'http', usesFallback: false },
    { host: '127.0.0.254:5000', expectedScheme: 'https', usesFallback: true },
    { host: '127.0.0.254', expectedScheme: 'https', usesFallback: false },
    { host: '[::1]:5000', expectedScheme: 'https', usesFallback: true },
    { host: '::1', expectedScheme: 'https', usesFallback: false },
  ];
}
const fallbackName = (c: FallbackCase) => (c.defaultScheme ? `${c.host}-default-${c.defaultScheme}` : c.host);

/**
 * Cases in these tests that no file on a node can express, and why. The HTTPFallback ones are
 * still checked below on configureHosts with the same options.
 */
export const NOT_EXPRESSIBLE: Array<{ test: string; reason: string }> = [
  { test: 'TestHTTPFallback/*-default-http, *-default-https', reason: 'HostOptions.DefaultScheme/DefaultTLS are set by Go callers (ctr --plain-http, --skip-verify/--tlscacert); no config file sets them and explain takes no such flag' },
  { test: 'TestHTTPFallback/::1', reason: 'an unbracketed IPv6 host cannot be the registry host of an image reference (ctr: url.Parse fails; CRI: not a domain)' },
  { test: 'TestParseHostFile (parseHostsFile with base dir "")', reason: 'a hosts.toml on a node always has its folder as base dir; every path in the test is absolute, so the result is the same' },
];

describe.each(HOSTS_TEST_TAGS)('containerd $tag $file', ({ version, tag, file }) => {
  it(`${file}@${tag} TestDefaultHosts/docker.io`, () => {
    const j = explainPure({ files: { [CONFIG]: criConfigPathToml(version, CERTS_D), [`${CERTS_D}/.keep`]: '' }, ref: 'docker.io/library/app:1', version });
    const want = [expected({ scheme: 'https', host: 'registry-1.docker.io', path: '/v2', capabilities: ALL_CAPS })];
    // ctr without --hosts-dir: ConfigureHosts(HostOptions{}), as the test calls it; CRI with config_path and no docker.io folder: the same
    for (const client of ['ctr', 'cri'] as const) {
      const p = plan(j, client);
      expect(p.status).toBe('requests');
      expect(p.endpoints.map((e) => ({ ...asUpstream(e), skipVerify: e.tls.skipVerify ?? undefined }))).toEqual(want);
    }
  });

  it(`${file}@${tag} TestParseHostFile`, () => {
    const j = explainPure(parseHostFileCase(version));
    const dir = `${CERTS_D}/test-default.registry`;
    // Upstream parses with base dir "", where the pair ["/etc/certs/client.pem", ""] keeps its ""
    // key. On a node the base dir is the host folder and makeAbsPath("", dir) = filepath.Join(dir,
    // "") = dir, so the key is the folder and ConfigureHosts fails reading it: the one difference.
    const want = parseHostFileExpected(version).map((h) =>
      expected(h.host === 'test-1.registry' ? { ...h, clientPairs: h.clientPairs!.map(([c, k]) => [c, k === '' ? dir : k] as [string, string]) } : h),
    );
    for (const client of ['ctr-hosts-dir', 'cri'] as const) {
      const p = plan(j, client);
      expect(p.hostDir?.dir).toBe(dir);
      expect(p.endpoints.map((e) => ({ ...asUpstream(e), skipVerify: e.tls.skipVerify ?? undefined }))).toEqual(want);
      // no http host here has TLS settings, so none tries HTTPS first
      expect(p.endpoints.some((e) => e.httpFallback)).toBe(false);
      expect(p.status).toBe('fails-before-request');
      expect(p.error).toContain(`unable to read CERT file ${JSON.stringify(dir)}: read ${dir}: is a directory`);
    }
  });

  it.each(LOAD_CERT_FILES)(`${file}@${tag} TestLoadCertFiles/$test`, ({ ca, pair }) => {
    const dir = `${CERTS_D}/testing.io`;
    const files: Record<string, string> = { [CONFIG]: criConfigPathToml(version, CERTS_D) };
    if (ca) files[`${dir}/ca.crt`] = CERT;
    if (pair) Object.assign(files, { [`${dir}/client.cert`]: CERT, [`${dir}/client.key`]: KEY });
    const j = explainPure({ files, ref: 'testing.io/app:1', version, hostsDir: CERTS_D });
    for (const client of ['ctr-hosts-dir', 'cri'] as const) {
      const p = plan(j, client);
      expect(p.status).toBe('requests');
      expect(p.hostDir?.dir).toBe(dir);
      // upstream: loadHostDir gives one host with these files; ConfigureHosts then fills in the
      // registry itself (TestDefaultHosts' rule for a host that is not docker.io)
      expect(p.endpoints).toHaveLength(1);
      expect({ ...asUpstream(p.endpoints[0]!), skipVerify: p.endpoints[0]!.tls.skipVerify ?? undefined }).toEqual(
        expected({
          scheme: 'https',
          host: 'testing.io',
          path: '/v2',
          capabilities: ALL_CAPS,
          caCerts: ca ? [`${dir}/ca.crt`] : [],
          clientPairs: pair ? [[`${dir}/client.cert`, `${dir}/client.key`]] : [],
        }),
      );
    }
  });

  if (tag === 'v1.6.20') return; // TestHTTPFallback exists from 1.6.25 on

  const cases = httpFallbackCases(tag);
  const fileCases = cases.filter((c) => !c.defaultScheme && !c.defaultTls && c.host !== '::1');
  it.each(fileCases.map((c) => ({ ...c, name: fallbackName(c) })))(`${file}@${tag} TestHTTPFallback/$name (no hosts folder)`, ({ host, expectedScheme, usesFallback }) => {
    const j = explainPure({ files: { [CONFIG]: criConfigPathToml(version, CERTS_D), [`${CERTS_D}/.keep`]: '' }, ref: `${host}/app:1`, version });
    for (const client of ['ctr', 'cri'] as const) {
      const p = plan(j, client);
      expect(p.endpoints).toHaveLength(1);
      expect(p.endpoints[0]).toMatchObject({ kind: 'upstream', host, scheme: expectedScheme, httpFallback: usesFallback });
    }
  });

  const optionCases = cases.filter((c) => c.defaultScheme || c.defaultTls);
  it.each(optionCases.map((c) => ({ ...c, name: fallbackName(c) })))(`${file}@${tag} TestHTTPFallback/$name (Go HostOptions, on configureHosts)`, ({ host, defaultScheme, defaultTls, expectedScheme, usesFallback }) => {
    const r = configureHosts(host, null, snap({}), profile(version), { ...(defaultScheme ? { defaultScheme } : {}), ...(defaultTls ? { defaultTls } : {}) });
    expect(r.error).toBeUndefined();
    expect(r.endpoints).toHaveLength(1);
    expect(r.endpoints[0]).toMatchObject({ host, scheme: expectedScheme, httpFallback: usesFallback });
  });

  it(`${file}@${tag} TestHTTPFallback/::1 (host only, on configureHosts)`, () => {
    const r = configureHosts('::1', null, snap({}), profile(version));
    expect(r.endpoints[0]).toMatchObject({ host: '::1', scheme: 'https', httpFallback: false });
  });
});

// The CLI prints the same JSON as the pure path these tables use (one case of each kind, each tag).
describe.each(HOSTS_TEST_TAGS)('explain --json CLI = pure path ($tag)', ({ version }) => {
  const cases: Array<[string, NodeCase]> = [
    ['TestParseHostFile', parseHostFileCase(version)],
    ['TestLoadCertFiles/crt and cert pair', { files: { [CONFIG]: criConfigPathToml(version, CERTS_D), [`${CERTS_D}/testing.io/ca.crt`]: CERT, [`${CERTS_D}/testing.io/client.cert`]: CERT, [`${CERTS_D}/testing.io/client.key`]: KEY }, ref: 'testing.io/app:1', version, hostsDir: CERTS_D }],
    ['TestHTTPFallback/localhost:8080', { files: { [CONFIG]: criConfigPathToml(version, CERTS_D), [`${CERTS_D}/.keep`]: '' }, ref: 'localhost:8080/app:1', version }],
  ];
  it.each(cases)('%s', async (name, c) => {
    const root = join(tmp, `${version}-${name.replace(/[^a-z0-9]+/gi, '-')}`);
    const { code, json } = await explainCli(c, root, () => cli.out);
    expect(code).toBe(0);
    expect({ ...json, root: '/' }).toEqual(explainPureRedacted(c));
  });
});
