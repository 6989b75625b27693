/**
 * proxy-env-mismatch compares the daemon's proxy variables with this shell's only when the node is
 * this machine: a copy under --root, or a fleet pod, runs in another environment (nerdctl#282).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const fixture = join(FIXTURES, 'checks', 'proxy-env-mismatch');

describe('proxy-env-mismatch', () => {
  it('on the node itself: the shell without the daemon proxy is named, with the variables to export', async () => {
    const facts = { ...(await factsFromFixture(fixture)), root: '/' };
    const f = runChecks(facts).findings.find((x) => x.id === 'proxy-env-mismatch')!;
    expect(f.detail).toMatch(/different proxy settings/);
    expect(f.evidence.map((e) => e.source)).toContain('mirror-doctor shell environment');
    expect(f.fix).toContain("to pull with ctr or nerdctl as the daemon does, export the daemon's HTTPS_PROXY, NO_PROXY in the shell first (the first command shows their values)");
  });

  it('under --root: no shell comparison (this shell is not the node’s)', async () => {
    const f = runChecks(await factsFromFixture(fixture)).findings.find((x) => x.id === 'proxy-env-mismatch')!;
    expect(f.detail).not.toMatch(/different proxy settings/);
    expect(f.evidence.map((e) => e.source)).not.toContain('mirror-doctor shell environment');
  });

  it('the drop-in folder of a unit named with its .service suffix', async () => {
    const facts = await factsFromFixture(fixture, { daemon: { process: false, systemd: { unit: 'containerd.service', files: [], proxyEnv: { HTTPS_PROXY: 'http://proxy.corp.example:3128' } } } });
    const f = runChecks(facts).findings.find((x) => x.id === 'proxy-env-mismatch')!;
    expect(f.fix.join('\n')).toContain('/etc/systemd/system/containerd.service.d/http-proxy.conf');
    expect(f.fix.join('\n')).not.toContain('.service.service.d');
  });

  const systemd = (proxyEnv: Record<string, string>) => ({ process: false as const, systemd: { unit: 'k3s.service', files: [], proxyEnv } });

  it('k3s: CONTAINERD_NO_PROXY in its unit wins over NO_PROXY (k3s passes it to containerd without the prefix)', async () => {
    const env = { HTTPS_PROXY: 'http://proxy.corp.example:3128', NO_PROXY: 'localhost', CONTAINERD_NO_PROXY: 'mirror.example.com' };
    const on = (kind: 'k3s' | 'containerd') => factsFromFixture(fixture, { daemon: systemd(env), distribution: { kind } });
    expect(runChecks(await on('k3s')).findings.find((x) => x.id === 'proxy-env-mismatch')).toBeUndefined();
    expect(runChecks(await on('containerd')).findings.find((x) => x.id === 'proxy-env-mismatch')?.detail).toMatch(/mirror\.example\.com \(via http:\/\/proxy/);
  });

  it('CRI legacy registry.mirrors endpoints go through the proxy too; the upstream alone is no finding', async () => {
    const facts = await factsFromFixture(join(FIXTURES, 'nodes', 'legacy-mirrors-proxied'), {
      ref: 'quay.io/coreos/etcd:v3.4.14',
      containerdVersion: '1.7.24',
      daemon: { process: { proxyEnv: { HTTP_PROXY: 'http://proxy.corp.example:3128', HTTPS_PROXY: 'http://proxy.corp.example:3128', NO_PROXY: '10.0.0.0/8' } } },
    });
    const f = runChecks(facts).findings.find((x) => x.id === 'proxy-env-mismatch');
    expect(f?.detail).toMatch(/quay\.registry\.corp\.example \(via http:\/\/proxy\.corp\.example:3128\)/);
    expect(f?.detail).not.toMatch(/quay\.io \(via/);
  });
});
