/**
 * `--client`: the root cause follows what the client the user pulled with reads.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { runCheck } from '../../../src/cli/check.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const fixture = (id: string) => join(FIXTURES, 'checks', id);

describe('--client', () => {
  it('without --client, a config_path that is not set is the cause (CRI as kubelet)', async () => {
    const run = runChecks(await factsFromFixture(fixture('config-path-unset'), { offline: true }));
    expect(run.rootCause?.id).toBe('config-path-unset');
    expect(run.findings.find((f) => f.id === 'ctr-ignores-config-path')?.severity).not.toBe('error');
  });

  it('--client ctr: ctr read no hosts.toml; the CRI-only config_path finding is not the cause', async () => {
    const run = runChecks(await factsFromFixture(fixture('config-path-unset'), { offline: true, client: 'ctr' }));
    expect(run.rootCause?.id).toBe('ctr-ignores-config-path');
    expect(run.rootCause?.severity).toBe('error');
    expect(run.findings.some((f) => f.id === 'config-path-unset')).toBe(true);
  });

  it('--client ctr with --hosts-dir: ctr did read the folder, so ctr-ignores-config-path stays info', async () => {
    const run = runChecks(await factsFromFixture(fixture('config-path-unset'), { offline: true, client: 'ctr', extraRoots: ['/etc/containerd/certs.d'] }));
    expect(run.findings.find((f) => f.id === 'ctr-ignores-config-path')?.severity).toBe('info');
    expect(run.rootCause?.id).not.toBe('config-path-unset');
  });

  it('--client nerdctl: a mirror only under a config_path root nerdctl does not read is the cause', async () => {
    const run = runChecks(await factsFromFixture(fixture('nerdctl-ignores-cri-config')));
    expect(run.rootCause?.id).toBe('nerdctl-ignores-cri-config');
  });

  it('--client cri on the same node: CRI reads that root, no error', async () => {
    const run = runChecks(await factsFromFixture(fixture('nerdctl-ignores-cri-config'), { client: 'cri' }));
    expect(run.findings.some((f) => f.id === 'nerdctl-ignores-cri-config')).toBe(false);
    expect(run.rootCause).toBeNull();
  });

  it('--client nerdctl on containerd 2.x (transfer service): still not the config_path root', async () => {
    const run = runChecks(await factsFromFixture(fixture('nerdctl-ignores-cri-config'), { containerdVersion: '2.1.9' }));
    expect(run.rootCause?.id).toBe('nerdctl-ignores-cri-config');
    expect(run.rootCause?.evidence.some((e) => /only the first hosts dir/.test(e.text ?? ''))).toBe(true);
  });
});

describe('--client nerdctl reads its own hosts dir (nerdctl.toml hosts_dir)', () => {
  const root = join(FIXTURES, 'nodes', 'nerdctl-own-hosts-dir');
  const check = async (client?: 'nerdctl') => {
    let out = '';
    await runCheck('docker.io/library/busybox:latest', { root, offline: true, json: true, containerdVersion: '1.7.24', ...(client ? { client } : {}) }, [], { stdout: (t) => void (out += t), stderr: () => {}, progress: false, argv: ['check'] });
    return JSON.parse(out) as { findings: Array<{ id: string; severity: string; evidence: Array<{ source: string }> }>; verdict: { rootCause: string | null } };
  };

  it('the hosts.toml in /srv/certs.d is judged, and the CRI-only missing config_path folder is not the cause', async () => {
    const r = await check('nerdctl');
    expect(r.verdict.rootCause).toBe('hosts-toml-invalid');
    expect(r.findings.find((f) => f.id === 'hosts-toml-invalid')?.evidence.some((e) => e.source.startsWith('/srv/certs.d/docker.io'))).toBe(true);
    expect(r.findings.some((f) => f.id === 'nerdctl-ignores-cri-config')).toBe(false);
  });

  it('without --client, CRI reads config_path and never /srv/certs.d', async () => {
    const r = await check();
    expect(r.findings.some((f) => f.id === 'hosts-toml-invalid')).toBe(false);
    expect(r.verdict.rootCause).toBe('config-path-missing-dir');
  });
});

describe('--client ctr --hosts-dir naming the config_path folder (containerd#7896)', () => {
  const root = join(FIXTURES, 'threads', 'containerd-7896-ctr-without-hosts-dir-client-certs', 'root');
  const check = async (hostsDir?: string) => {
    let out = '';
    await runCheck('docker.redacted.com/library/app:latest', { root, offline: true, json: true, containerdVersion: '1.6.14', client: 'ctr', ...(hostsDir ? { hostsDir } : {}) }, [], { stdout: (t) => void (out += t), stderr: () => {}, progress: false, argv: ['check'] });
    return JSON.parse(out) as { findings: Array<{ id: string; severity: string; detail: string }>; verdict: { rootCause: string | null } };
  };

  it('counts as --hosts-dir given: ctr read the folder', async () => {
    const r = await check('/etc/containerd/certs.d');
    expect(r.findings.find((f) => f.id === 'ctr-ignores-config-path')?.severity).toBe('info');
    expect(r.verdict.rootCause).toBeNull();
  });

  it('a misnamed host.toml that names no mirror beside the certificate files it asks for is a warning', async () => {
    const f = (await check('/etc/containerd/certs.d')).findings.find((x) => x.id === 'hosts-toml-missing');
    expect(f?.severity).toBe('warning');
    expect(f?.detail).toMatch(/host\.toml names no mirror either\.$/);
  });

  it('without --hosts-dir, ctr read no hosts folder', async () => {
    const r = await check();
    expect(r.verdict.rootCause).toBe('ctr-ignores-config-path');
  });
});
