/**
 * config-path-unset names a key that looks like config_path (config-path, configPath, ConfigPath):
 * containerd 1.7.24 and 2.1.9 ignore all three (recorded: their CRI pulls did not read the hosts
 * folder; 2.1 logs 'Ignoring unknown key in TOML for plugin … key="registry config-path"'), and the
 * fix is the rename.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'md-config-path-lookalike-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function finding(key: string, version: string, table = 'plugins."io.containerd.cri.v1.images".registry', fileVersion = 3) {
  const dir = join(tmp, `${key}-${version}`);
  cpSync(join(FIXTURES, 'checks', 'config-path-unset'), dir, { recursive: true });
  writeFileSync(join(dir, 'etc/containerd/config.toml'), `version = ${fileVersion}\n\n[${table}]\n  ${key} = "/etc/containerd/certs.d"\n`);
  return runChecks(await factsFromFixture(dir, { offline: true, containerdVersion: version })).findings.find((f) => f.id === 'config-path-unset');
}

describe('config-path-unset with a key that looks like config_path', () => {
  it.each(['config-path', 'configPath', 'ConfigPath', 'config_paths'])('2.1.9, %s: named, with the line 2.x logs, and renamed in the fix', async (key) => {
    const f = (await finding(key, '2.1.9'))!;
    expect(f.detail).toContain(`The registry table has "${key}" (/etc/containerd/config.toml line 4), a key containerd does not know: the name is config_path.`);
    expect(f.evidence.map((e) => e.text)).toContain(`level=warning msg="Ignoring unknown key in TOML for plugin" error="strict mode: fields in the document are missing in the target struct" key="registry ${key}" plugin=io.containerd.cri.v1.images`);
    expect(f.fix).toHaveLength(1);
    expect(f.fix[0]!.startsWith(`rename ${key} to config_path in /etc/containerd/config.toml line 4, then: restart containerd`)).toBe(true);
  });

  it('1.7.24 (version 2 file): named and renamed; 1.x logs nothing for it', async () => {
    const f = (await finding('configPath', '1.7.24', 'plugins."io.containerd.grpc.v1.cri".registry', 2))!;
    expect(f.fix[0]!.startsWith('rename configPath to config_path in /etc/containerd/config.toml line 4, then: restart containerd')).toBe(true);
    expect(f.evidence.some((e) => e.kind === 'log')).toBe(false);
  });

  it('an unrelated unknown key is not taken for it: the usual fix', async () => {
    const f = (await finding('insecure', '2.1.9'))!;
    expect(f.detail).not.toContain('a key containerd does not know');
    expect(f.fix[0]).toMatch(/^in \/etc\/containerd\/config\.toml, under \[plugins\."io\.containerd\.cri\.v1\.images"\.registry\] \(line \d+\), set:\n {2}config_path = /);
  });
});
