/**
 * TLS fix texts name only what the hosts.toml has: an http:// host's own TLS settings, nothing to
 * remove for a localhost registry that containerd itself gives skip_verify, and "replace the CA"
 * when a `ca` is already set.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { factsFromFixture, type FactsOverlay } from '../../helpers/facts-fixture.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A placeholder the emulation reads as a PEM certificate (it checks the markers, not the key). */
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBfixture\n-----END CERTIFICATE-----\n';
const CONFIG = 'version = 3\n[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "/etc/containerd/certs.d"\n';

async function findings(files: Record<string, string>, overlay: FactsOverlay) {
  const root = mkdtempSync(join(tmpdir(), 'md-tls-fix-'));
  dirs.push(root);
  for (const [p, text] of Object.entries({ 'etc/containerd/config.toml': CONFIG, ...files })) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return runChecks(await factsFromFixture(root, overlay)).findings;
}

describe('http-host-with-tls names the settings the file has', () => {
  const D = 'etc/containerd/certs.d/docker.io';
  const L = 'etc/containerd/certs.d/localhost:5000';
  const I = 'etc/containerd/certs.d/127.0.0.1:5000';
  it.each([
    // [case, files, reference, version, severity, fix must match, fix must not match]
    ['skip_verify only', { [`${D}/hosts.toml`]: '[host."http://mirror.example.com:5000"]\n  skip_verify = true\n' }, 'docker.io/library/busybox:latest', '2.1.9', 'warning', /^remove skip_verify from the http:\/\/mirror\.example\.com:5000 host .* \(line 1\), or change it to https:\/\/mirror\.example\.com:5000$/, /\bca\b|client/],
    ['skip_verify = false is still a setting', { [`${D}/hosts.toml`]: '[host."http://mirror.example.com:5000"]\n  skip_verify = false\n' }, 'docker.io/library/busybox:latest', '2.1.9', 'warning', /^remove skip_verify from/, /\bca\b|client/],
    ['ca only', { [`${D}/hosts.toml`]: '[host."http://mirror.example.com:5000"]\n  ca = "ca.crt"\n', [`${D}/ca.crt`]: PEM }, 'docker.io/library/busybox:latest', '2.1.9', 'warning', /^remove ca from/, /skip_verify|client/],
    ['ca and client', { [`${D}/hosts.toml`]: '[host."http://mirror.example.com:5000"]\n  ca = "ca.crt"\n  client = [["c.cert", "c.key"]]\n', [`${D}/ca.crt`]: PEM, [`${D}/c.cert`]: PEM, [`${D}/c.key`]: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n' }, 'docker.io/library/busybox:latest', '2.1.9', 'warning', /^remove ca and client from/, /skip_verify/],
    ['without a port on 1.7.23: stays http (info)', { [`${D}/hosts.toml`]: '[host."http://mirror.example.com"]\n  skip_verify = true\n' }, 'docker.io/library/busybox:latest', '1.7.23', 'info', /^remove skip_verify from/, /\bca\b|client/],
    ['localhost:5000, no TLS in the file', { [`${L}/hosts.toml`]: '[host."http://mirror.example.com"]\n  capabilities = ["pull", "resolve"]\n' }, 'localhost:5000/app:1', '2.1.9', 'info', /^nothing to remove; .* server = "http:\/\/localhost:5000"$/, /^remove/],
    ['127.0.0.1:5000 on 1.7.24, no TLS in the file', { [`${I}/hosts.toml`]: '[host."http://mirror.example.com"]\n  capabilities = ["pull", "resolve"]\n' }, '127.0.0.1:5000/app:1', '1.7.24', 'info', /^nothing to remove; .* server = "http:\/\/127\.0\.0\.1:5000"$/, /^remove/],
    ['localhost:5000 with a top-level skip_verify the file has', { [`${L}/hosts.toml`]: 'skip_verify = true\n' }, 'localhost:5000/app:1', '2.1.9', 'warning', /^remove skip_verify from the http:\/\/localhost:5000 host/, /nothing to remove/],
  ] as const)('%s', async (_case, files, ref, version, severity, want, notWant) => {
    const found = (await findings(files, { ref, containerdVersion: version, offline: true })).filter((f) => f.id === 'http-host-with-tls');
    expect(found.map((f) => f.severity)).toEqual([severity]);
    expect(found[0]!.fix).toHaveLength(1);
    expect(found[0]!.fix[0]).toMatch(want);
    expect(found[0]!.fix[0]).not.toMatch(notWant);
  });
  it('no finding for a localhost registry on 80 (plain HTTP, no skip_verify) or for an https:// host', async () => {
    expect((await findings({ [`etc/containerd/certs.d/localhost/hosts.toml`]: '[host."http://mirror.example.com"]\n' }, { ref: 'localhost:80/app:1', containerdVersion: '2.1.9', offline: true })).filter((f) => f.id === 'http-host-with-tls')).toEqual([]);
    expect((await findings({ [`${D}/hosts.toml`]: '[host."https://mirror.example.com:5000"]\n  skip_verify = true\n' }, { containerdVersion: '2.1.9', offline: true })).filter((f) => f.id === 'http-host-with-tls')).toEqual([]);
  });
});

// The recorded 2.1 tls-no-ca pull (the lab mirror's certificate, unknown authority) against a
// hosts.toml for the same mirror: without `ca` the fix adds one, with a `ca` it replaces it.
describe('mirror-fallback tls-unknown-authority fix follows the ca the file has', () => {
  const D = 'etc/containerd/certs.d/docker.io';
  it.each([
    ['no ca', '', /^add the CA to the host table: ca = "ca\.crt"/],
    ['a ca already set', '  ca = "other-ca.crt"\n', /^the CA set for 127\.0\.0\.1:5104 \(ca = ".*other-ca\.crt"\) did not sign its certificate: replace it/],
  ])('%s', async (_case, caLine, want) => {
    const hosts = `server = "https://registry-1.docker.io"\n\n[host."https://127.0.0.1:5104"]\n  capabilities = ["pull", "resolve"]\n${caLine}`;
    const found = (await findings({ [`${D}/hosts.toml`]: hosts, [`${D}/other-ca.crt`]: PEM }, { ref: 'docker.io/library/mirror-doctor-demo:1.0', trace: { from: 'lab/2.1/tls-no-ca' } })).filter(
      (f) => f.id === 'mirror-fallback',
    );
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.title).toMatch(/tls-unknown-authority/);
    expect(found[0]!.fix[0]).toMatch(want);
  });
});
