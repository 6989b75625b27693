/**
 * readSystemdUnit: the k3s and RKE2 units read `EnvironmentFile=-/etc/default/%N`, the unit's name
 * without its suffix, where RKE2's docs put the proxy variables.
 */
import { describe, expect, it } from 'vitest';
import { execStartArgv, readSystemdUnit, type UnitFiles } from '../../../src/probe/systemd-unit.js';

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

describe('ExecStart=', () => {
  it.each([
    ['/usr/bin/containerd', {}, ['/usr/bin/containerd']],
    ['-/usr/local/bin/containerd --config /etc/k8s-containerd/config.toml', {}, ['/usr/local/bin/containerd', '--config', '/etc/k8s-containerd/config.toml']],
    ['/usr/bin/containerd $CONTAINERD_OPTS', { CONTAINERD_OPTS: '-c /srv/c.toml  --address /run/c.sock' }, ['/usr/bin/containerd', '-c', '/srv/c.toml', '--address', '/run/c.sock']],
    ['/usr/bin/containerd --config=${CONF}', { CONF: '/srv/c.toml' }, ['/usr/bin/containerd', '--config=/srv/c.toml']],
    ['/usr/bin/containerd "--config" \'/srv/my conf.toml\'', {}, ['/usr/bin/containerd', '--config', '/srv/my conf.toml']],
    ['/usr/bin/containerd $UNSET', {}, ['/usr/bin/containerd']],
  ])('%s runs %j', (value, env, argv) => {
    expect(execStartArgv(value, env)).toEqual(argv);
  });

  it('a drop-in that clears ExecStart= and sets another replaces the command line; the unit\'s environment expands it', async () => {
    const withList: UnitFiles = {
      readText: async (p) =>
        ({
          '/lib/systemd/system/containerd.service': '[Service]\nExecStart=/usr/bin/containerd\n',
          '/etc/default/containerd': 'OPTS=--config /srv/containerd.toml\n',
          '/etc/systemd/system/containerd.service.d/override.conf': '[Service]\nEnvironmentFile=/etc/default/containerd\nExecStart=\nExecStart=/usr/bin/containerd $OPTS\n',
        })[p] ?? null,
      list: async (d) => (d === '/etc/systemd/system/containerd.service.d' ? ['override.conf'] : null),
    };
    expect((await readSystemdUnit(withList, 'containerd.service'))?.execStart).toEqual(['/usr/bin/containerd', '--config', '/srv/containerd.toml']);
  });
});
