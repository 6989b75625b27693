/**
 * readSystemdUnit: the k3s and RKE2 units read `EnvironmentFile=-/etc/default/%N`, the unit's name
 * without its suffix, where RKE2's docs put the proxy variables.
 */
import { describe, expect, it } from 'vitest';
import { readSystemdUnit, type UnitFiles } from '../../../src/probe/systemd-unit.js';

function files(map: Record<string, string>): UnitFiles {
  return { readText: async (p) => map[p] ?? null, list: async () => null };
}

describe('readSystemdUnit', () => {
  it.each([
    ['%N', '/etc/default/rke2-server'],
    ['%n', '/etc/default/rke2-server.service'],
  ])('expands %s in EnvironmentFile=', async (spec, path) => {
    const unit = '[Service]\nEnvironmentFile=-/etc/default/' + spec + '\nExecStart=/usr/local/bin/rke2 server\n';
    const f = await readSystemdUnit(files({ '/etc/systemd/system/rke2-server.service': unit, [path]: 'HTTPS_PROXY=http://proxy.corp.example:3128\nCONTAINERD_NO_PROXY=.corp.example\n' }), 'rke2-server.service');
    expect(f?.proxyEnv).toEqual({ HTTPS_PROXY: 'http://proxy.corp.example:3128', CONTAINERD_NO_PROXY: '.corp.example' });
    expect(f?.files.map((x) => x.path)).toContain(path);
  });
});
