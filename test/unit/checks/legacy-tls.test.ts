/**
 * legacy-mirrors' hosts.toml files keep the TLS settings of registry.configs."<host>".tls: the
 * converted mirror gets its ca, client pair and skip_verify in its own table (https hosts only).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { legacyTlsLines, withLegacyTls } from '../../../src/checks/legacy-tls.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'md-legacy-tls-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The hosts.toml text legacy-mirrors proposes for docker.io on this config.toml (1.7 and 2.1). */
async function proposed(config: string, version: string): Promise<string> {
  const dir = join(tmp, version);
  cpSync(join(FIXTURES, 'checks', 'configs-tls-ignored'), dir, { recursive: true });
  rmSync(join(dir, 'etc/containerd/certs.d'), { recursive: true });
  writeFileSync(join(dir, 'etc/containerd/config.toml'), config);
  const f = runChecks(await factsFromFixture(dir, { offline: true, containerdVersion: version })).findings.find((x) => x.id === 'legacy-mirrors')!;
  const step = f.fix.find((s) => s.includes('/docker.io/hosts.toml'))!;
  return /<<'EOF'\n([\s\S]*)EOF$/.exec(step)![1]!;
}

const CONFIG = [
  'version = 2',
  '',
  '[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]',
  '  endpoint = ["https://mirror.example:5000", "http://cache.example"]',
  '',
  '[plugins."io.containerd.grpc.v1.cri".registry.configs."mirror.example:5000".tls]',
  '  ca_file = "/etc/containerd/mirror-ca.crt"',
  '  cert_file = "/etc/containerd/client.crt"',
  '  key_file = "/etc/containerd/client.key"',
  '',
  '[plugins."io.containerd.grpc.v1.cri".registry.configs."cache.example".tls]',
  '  insecure_skip_verify = true',
  '',
].join('\n');

describe('legacy-mirrors with registry.configs TLS', () => {
  it.each(['1.7.24', '2.1.9'])('%s: the https mirror keeps its CA and client pair; the http one gets nothing (it would try HTTPS first)', async (version) => {
    const text = await proposed(CONFIG, version);
    const hosts = (parse(text) as { host: Record<string, Record<string, unknown>> }).host;
    expect(hosts['https://mirror.example:5000']).toMatchObject({ ca: '/etc/containerd/mirror-ca.crt', client: [['/etc/containerd/client.crt', '/etc/containerd/client.key']] });
    expect(Object.entries(hosts).filter(([k]) => k.startsWith('http://')).map(([, v]) => v.skip_verify)).toEqual([undefined]);
  });

  it('the tables are deleted too: next to config_path 1.x refuses them', async () => {
    const dir = join(tmp, 'delete');
    cpSync(join(FIXTURES, 'checks', 'configs-tls-ignored'), dir, { recursive: true });
    rmSync(join(dir, 'etc/containerd/certs.d'), { recursive: true });
    writeFileSync(join(dir, 'etc/containerd/config.toml'), CONFIG);
    const f = runChecks(await factsFromFixture(dir, { offline: true, containerdVersion: '1.7.24' })).findings.find((x) => x.id === 'legacy-mirrors')!;
    expect(f.fix).toContain('delete the registry.configs.*.tls tables ("mirror.example:5000", "cache.example") from /etc/containerd/config.toml: the files above carry their settings');
  });

  it('a table keyed by the registry (kubespray#9192) is not said to be carried: no converted file names docker.io', async () => {
    const dir = join(tmp, 'registry-key');
    cpSync(join(FIXTURES, 'checks', 'configs-tls-ignored'), dir, { recursive: true });
    rmSync(join(dir, 'etc/containerd/certs.d'), { recursive: true });
    writeFileSync(join(dir, 'etc/containerd/config.toml'), 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["https://mirror.example:5000"]\n[plugins."io.containerd.grpc.v1.cri".registry.configs."docker.io".tls]\n  insecure_skip_verify = true\n');
    const f = runChecks(await factsFromFixture(dir, { offline: true, containerdVersion: '1.7.24' })).findings.find((x) => x.id === 'legacy-mirrors')!;
    expect(f.fix.join('\n')).not.toContain('the files above carry their settings');
    expect(f.fix).toContain('registry.configs.*.tls for "docker.io" reaches no host the files above name (CRI used each table only for the host it is keyed by): put its settings under the [host."…"] of the mirror it was meant for (see configs-tls-not-for-mirror), then delete it');
  });

  it('an inline [host] entry (1.x, an IPv6 host) gets its lines inside the braces', () => {
    const tls = new Map([['[fd00::1]:5000', ['skip_verify = true']]]);
    expect(withLegacyTls('[host]\n  "https://[fd00::1]:5000" = { capabilities = ["pull", "resolve"] }\n', tls)).toBe('[host]\n  "https://[fd00::1]:5000" = { capabilities = ["pull", "resolve"], skip_verify = true }\n');
  });

  it('the lines per host, and where they go', () => {
    const tls = new Map([['r.example', ['ca = "/c.crt"']]]);
    expect(withLegacyTls('server = "https://r.example"\n\n[host."https://m.example"]\n  capabilities = ["pull"]\n', tls)).toBe('server = "https://r.example"\nca = "/c.crt"\n\n[host."https://m.example"]\n  capabilities = ["pull"]\n');
    expect(legacyTlsLines([{ path: '/c.toml', text: '', data: { plugins: { 'io.containerd.cri.v1.images': { registry: { configs: { h: { tls: { insecure_skip_verify: true } }, a: { auth: { username: 'u' } } } } } } } }])).toEqual(new Map([['h', ['skip_verify = true']]]));
  });
});

describe('a tls table for a host the mirrors ask over plain HTTP only (containerd#9886)', () => {
  const root = join(FIXTURES, 'threads', 'containerd-9886-v2-beta-registry-table-not-migrated', 'root');
  it.each(['1.7.24', '2.1.9'])('changes nothing on %s: legacy-mirrors says so, configs-tls-ignored is info', async (v) => {
    const r = runChecks(await factsFromFixture(root, { offline: true, containerdVersion: v, ref: 'example.com/pause:3.9' }));
    const fix = r.findings.find((f) => f.id === 'legacy-mirrors')!.fix.join('\n');
    expect(fix).toContain('delete the registry.configs.*.tls tables ("example.com") from /etc/containerd/config.toml: they change nothing, as that host is asked over plain HTTP only');
    expect(fix).not.toMatch(/carry their settings/);
    const ignored = r.findings.find((f) => f.id === 'configs-tls-ignored');
    if (v.startsWith('2.')) expect(ignored).toMatchObject({ severity: 'info', fix: [expect.stringMatching(/^delete \[/)] });
    else expect(ignored).toBeUndefined();
  });
});
