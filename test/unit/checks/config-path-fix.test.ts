/**
 * The config_path fix is a file containerd reads, for the version and the file the node has. Each
 * was applied and checked with `containerd config dump` on 1.6.20, 1.7.24 and 2.1.9: the default
 * file with config_path set; `[plugins.cri.registry]` in a file without `version` on 1.x; in such a
 * file, `version = 2` above the full-id table, which 1.6.20 refuses with a short id elsewhere.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const run = async (fixture: string, containerdVersion: string) =>
  runChecks(await factsFromFixture(join(FIXTURES, fixture), { ref: 'docker.io/library/nginx:latest', offline: true, containerdVersion }));
const fixOf = async (fixture: string, v: string, id: string) => (await run(fixture, v)).findings.find((f) => f.id === id)?.fix ?? [];

describe('the config_path fix', () => {
  it.each([
    ['1.7.24', '[plugins."io.containerd.grpc.v1.cri".registry]'],
    ['2.1.9', "[plugins.'io.containerd.cri.v1.images'.registry]"],
  ])('without config.toml on %s: the default file, then config_path in its registry table', async (v, table) => {
    for (const id of ['config-missing', 'config-path-unset']) {
      const fix = await fixOf('nodes/config-absent', v, id);
      const at = fix.indexOf('containerd config default > /etc/containerd/config.toml');
      expect(fix.slice(at, at + 2), id).toEqual(['containerd config default > /etc/containerd/config.toml', `in /etc/containerd/config.toml, under ${table}, set:\n  config_path = "/etc/containerd/certs.d"`]);
      expect(fix.join('\n'), id).not.toMatch(/version = /);
    }
  });

  it('in a 1.x file without `version`: the version 1 table, no version line (which would make its other short names invalid)', async () => {
    const fix = await fixOf('nodes/config-versionless-1x', '1.7.24', 'config-path-unset');
    expect(fix).toContain('add to /etc/containerd/config.toml:\n[plugins.cri.registry]\n  config_path = "/etc/containerd/certs.d"');
  });

  it('in a 2.x file without `version`: version 3 and the images table (2.x applies no CRI table of a version 1 file)', async () => {
    const fix = await fixOf('nodes/config-versionless-1x', '2.1.9', 'config-path-unset');
    expect(fix).toContain('edit /etc/containerd/config.toml:\nversion = 3   # at the top of the file\n[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "/etc/containerd/certs.d"');
  });

  it('with no hosts folder for the registry either: says so and writes the first hosts.toml', async () => {
    const f = (await run('nodes/config-versionless-1x', '1.7.24')).findings.find((x) => x.id === 'config-path-unset');
    expect(f?.detail).toMatch(/No hosts folder for docker\.io exists either \(\/etc\/containerd\/certs\.d has none\)/);
    expect(f?.detail).not.toMatch(/can still use the mirror/);
    expect(f?.fix[0]).toBe('mkdir -p /etc/containerd/certs.d/docker.io && $EDITOR /etc/containerd/certs.d/docker.io/hosts.toml');
  });

  it('with a hosts folder: only config_path', async () => {
    const f = (await run('checks/config-path-unset', '2.1.9')).findings.find((x) => x.id === 'config-path-unset');
    expect(f?.detail).toMatch(/can still use the mirror/);
    expect(f?.fix.join('\n')).not.toMatch(/mkdir/);
  });

  it('where the file has the table: under its header, never a second one (a TOML error)', async () => {
    const fix = await fixOf('checks/config-path-unset', '2.1.9', 'config-path-unset');
    expect(fix[0]).toBe('in /etc/containerd/config.toml, under [plugins."io.containerd.cri.v1.images".registry] (line 3), set:\n  config_path = "/etc/containerd/certs.d"');
  });

  it.each([
    ['1.6.20', 'config-v2-registry-versionless', 'add `version = 2` as the first line of /etc/containerd/config.toml: [plugins."io.containerd.grpc.v1.cri".registry] is then read as written'],
    [
      '1.7.24',
      'config-v2-registry-versionless-short-ids',
      'move the settings to [plugins.cri.registry] in /etc/containerd/config.toml, without adding a version line: with `version = 2` containerd would refuse to start on [plugins."linux"] (invalid plugin key URI "linux" expect io.containerd.x.vx)',
    ],
  ])('the registry under its full id in a 1.x file without `version` (%s, %s): a version line or the short name, never both (containerd#5236)', async (v, node, text) => {
    const fix = await fixOf(`nodes/${node}`, v, 'config-path-wrong-section');
    expect(fix[0]).toBe(text);
  });
});
