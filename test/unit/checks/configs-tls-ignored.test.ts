/**
 * configs-tls-ignored on the fixture (2.1, config_path with a hosts.toml mirror without ca, and the
 * mirror's CA in registry.configs."<mirror>".tls; the traced pull failing on the mirror's certificate:
 * tls-no-ca recorded on 2.1), without the trace, on 1.7 (where the table exists), and with the
 * legacy registry.mirrors of a node upgraded from 1.x.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { FIXTURES, factsFromFixture, type FactsOverlay } from '../../helpers/facts-fixture.js';

const FIXTURE = join(FIXTURES, 'checks', 'configs-tls-ignored');
const tmp = mkdtempSync(join(tmpdir(), 'md-configs-tls-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const run = async (dir: string, extra: FactsOverlay = {}) => runChecks(await factsFromFixture(dir, extra));

describe('configs-tls-ignored', () => {
  it('2.1, and the mirror failing on its certificate: an error, the root cause, with the line containerd logs for it', async () => {
    const r = await run(FIXTURE);
    const f = r.findings.find((x) => x.id === 'configs-tls-ignored')!;
    expect([f.severity, r.rootCause?.id]).toEqual(['error', 'configs-tls-ignored']);
    expect(f.evidence.map((e) => e.text)).toContain('level=warning msg="Ignoring unknown key in TOML for plugin" error="strict mode: fields in the document are missing in the target struct" key="registry configs 127.0.0.1:5104 tls" plugin=io.containerd.cri.v1.images');
    expect(f.fix[0]).toBe('in the hosts.toml of each registry that uses 127.0.0.1:5104, under [host."https://127.0.0.1:5104"]:\n  ca = "/etc/containerd/certs.d/mirror-ca.crt"');
    expect(f.fix[1]).toBe('delete [plugins."io.containerd.cri.v1.images".registry.configs."127.0.0.1:5104".tls] from config.toml');
  });

  it('without a trace: a warning', async () => {
    const r = await run(FIXTURE, { offline: true });
    expect(r.findings.find((x) => x.id === 'configs-tls-ignored')?.severity).toBe('warning');
  });

  it('1.7 has the table: not reported (there, with config_path, the CRI plugin fails to load instead)', async () => {
    const r = await run(FIXTURE, { offline: true, containerdVersion: '1.7.24' });
    expect(r.findings.filter((x) => x.id === 'configs-tls-ignored')).toEqual([]);
  });

  it('a version 2 file from a 1.x node, with registry.mirrors: the table as written, and the mirrors to move too', async () => {
    const dir = join(tmp, 'legacy');
    cpSync(FIXTURE, dir, { recursive: true });
    rmSync(join(dir, 'etc/containerd/certs.d'), { recursive: true });
    writeFileSync(
      join(dir, 'etc/containerd/config.toml'),
      'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["https://127.0.0.1:5104"]\n\n[plugins."io.containerd.grpc.v1.cri".registry.configs."127.0.0.1:5104".tls]\n  ca_file = "/etc/containerd/mirror-ca.crt"\n',
    );
    const f = (await run(dir, { offline: true })).findings.find((x) => x.id === 'configs-tls-ignored')!;
    expect(f.evidence[0]).toMatchObject({ source: '/etc/containerd/config.toml', line: 6 });
    expect(f.fix[1]).toMatch(/^delete \[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\.configs\."127\.0\.0\.1:5104"\.tls\] from config\.toml; the mirrors themselves must move to hosts\.toml too \(see legacy-mirrors\)/);
  });
});
