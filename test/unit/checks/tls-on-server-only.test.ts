/**
 * tls-on-server-only on the fixture (a top-level `ca`, the traced pull failing on the mirror's
 * certificate: tls-no-ca recorded on 2.1) and on copies of it changed one way each: the k3s shape of
 * k3s#13215 (`skip_verify` at the top, `server = "docker.io"`), a private server, the settings under
 * the mirror, a plain-HTTP mirror, and a k3s node that generates the file.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import type { FactsOverlay } from '../../helpers/facts-fixture.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const FIXTURE = join(FIXTURES, 'checks', 'tls-on-server-only');
const tmp = mkdtempSync(join(tmpdir(), 'md-tls-on-server-only-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the fixture whose docker.io/hosts.toml is `text`. */
function variant(name: string, text: string): string {
  const dir = join(tmp, name);
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(join(dir, 'etc/containerd/certs.d/docker.io/hosts.toml'), text);
  return dir;
}

const found = async (dir: string, extra: FactsOverlay = {}) => runChecks(await factsFromFixture(dir, { offline: true, ...extra })).findings.filter((f) => f.id === 'tls-on-server-only');
const K3S = 'server = "docker.io"\ncapabilities = ["pull", "resolve", "push"]\nskip_verify=true\n\n[host]\n\n[host."https://192.168.1.59/v2/proxy-cache"]\n  capabilities = ["pull", "resolve"]\n  override_path = true\n';

describe('tls-on-server-only', () => {
  it('the traced pull failed on the mirror\'s certificate: an error, and the root cause before the fallback it explains', async () => {
    const r = runChecks(await factsFromFixture(FIXTURE));
    expect(r.findings.find((f) => f.id === 'tls-on-server-only')?.severity).toBe('error');
    expect(r.rootCause?.id).toBe('tls-on-server-only');
    expect(r.findings.find((f) => f.id === 'mirror-fallback')?.title).toMatch(/\(tls-unknown-authority\)/);
  });

  it('k3s#13215: skip_verify at the top with server = "docker.io" is meant for the mirror: a warning, and the move', async () => {
    const [f, ...rest] = await found(variant('k3s', K3S));
    expect(rest).toEqual([]);
    expect([f!.severity, f!.title]).toEqual(['warning', 'skip_verify=true applies to the server docker.io only, not to the mirror 192.168.1.59']);
    expect(f!.fix[0]).toBe('in /etc/containerd/certs.d/docker.io/hosts.toml, move them under the mirror\'s table:\n[host."https://192.168.1.59/v2/proxy-cache"]\n  skip_verify=true');
  });

  it('on a k3s node that generates hosts.toml, the fix is in registries.yaml, keyed by the mirror\'s host', async () => {
    const [f] = await found(variant('k3s-generated', K3S), { distribution: { kind: 'k3s', generated: true } });
    expect(f!.fix[0]).toMatch(/^in \/etc\/rancher\/k3s\/registries\.yaml, key the TLS settings by the mirror's host.*\nconfigs:\n  "192\.168\.1\.59":\n    tls:/);
  });

  it('a private server with its own CA: information (the settings may be meant for it)', async () => {
    const [f] = await found(variant('private', 'server = "https://registry.internal"\nca = "ca.crt"\n\n[host."https://127.0.0.1:5104"]\n  capabilities = ["pull", "resolve"]\n'));
    expect(f!.severity).toBe('info');
    expect(f!.detail).toMatch(/If they are meant for registry\.internal, nothing needs to change\.$/);
  });

  it.each([
    ['the mirror has its own settings', 'server = "https://registry-1.docker.io"\nca = "ca.crt"\n\n[host."https://127.0.0.1:5104"]\n  capabilities = ["pull", "resolve"]\n  ca = "ca.crt"\n'],
    ['a plain-HTTP mirror (no certificate to check)', 'server = "https://registry-1.docker.io"\nskip_verify = true\n\n[host."http://127.0.0.1:5104"]\n  capabilities = ["pull", "resolve"]\n'],
    ['no TLS settings at the top', 'server = "https://registry-1.docker.io"\n\n[host."https://127.0.0.1:5104"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n'],
  ])('nothing when %s', async (name, text) => {
    expect(await found(variant(name.replace(/\W+/g, '-'), text))).toEqual([]);
  });
});
