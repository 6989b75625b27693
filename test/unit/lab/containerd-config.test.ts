import { describe, it, expect } from 'vitest';
import { parse } from 'smol-toml';
import { daemonConfigToml, type DaemonConfigInput } from '../../../src/lab/containerd-config.js';

const base = (version: DaemonConfigInput['version'], cri: DaemonConfigInput['cri'], logLevel: DaemonConfigInput['logLevel'] = 'debug'): DaemonConfigInput => ({
  version,
  root: '/lab/c/root',
  state: '/lab/c/state',
  address: '/lab/c/containerd.sock',
  opt: '/lab/c/opt',
  cniConfDir: '/lab/c/cni/net.d',
  hostsDir: '/lab/certs.d',
  cri,
  logLevel,
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks the parsed TOML document
type Toml = Record<string, any>;

describe('daemonConfigToml', () => {
  it.each(['1.6', '1.7'] as const)('%s: version 2 schema, CRI registry under io.containerd.grpc.v1.cri', (v) => {
    const t = parse(daemonConfigToml(base(v, { configPath: 'set' }))) as Toml;
    expect(t.version).toBe(2);
    expect(t.plugins['io.containerd.grpc.v1.cri'].registry).toEqual({ config_path: '/lab/certs.d' });
    expect(t.plugins['io.containerd.grpc.v1.cri'].cni).toEqual({ conf_dir: '/lab/c/cni/net.d' });
    expect(t.plugins['io.containerd.cri.v1.images']).toBeUndefined();
  });

  it('2.1: version 3 schema, CRI registry under io.containerd.cri.v1.images', () => {
    const t = parse(daemonConfigToml(base('2.1', { configPath: 'set' }))) as Toml;
    expect(t.version).toBe(3);
    expect(t.plugins['io.containerd.cri.v1.images'].registry).toEqual({ config_path: '/lab/certs.d' });
    expect(t.plugins['io.containerd.cri.v1.runtime'].cni).toEqual({ conf_dir: '/lab/c/cni/net.d' });
  });

  it('keeps every daemon path inside the lab and disables NRI (which would create /var/run/nri)', () => {
    const t = parse(daemonConfigToml(base('2.1', { configPath: 'set' }))) as Toml;
    expect(t.root).toBe('/lab/c/root');
    expect(t.state).toBe('/lab/c/state');
    expect(t.grpc.address).toBe('/lab/c/containerd.sock');
    expect(t.ttrpc.address).toBe('/lab/c/containerd.sock.ttrpc');
    expect(t.plugins['io.containerd.internal.v1.opt'].path).toBe('/lab/c/opt');
    expect(t.disabled_plugins).toEqual(['io.containerd.nri.v1.nri']);
    expect(t.debug.level).toBe('debug');
  });

  it('config_path unset leaves the registry table empty', () => {
    const t = parse(daemonConfigToml(base('1.7', { configPath: 'unset' }))) as Toml;
    expect(t.plugins['io.containerd.grpc.v1.cri'].registry).toEqual({});
  });

  it('legacy mirrors next to config_path (the fatal combination)', () => {
    const t = parse(daemonConfigToml(base('1.6', { configPath: 'set', legacyMirrorEndpoint: 'http://127.0.0.1:5101' }))) as Toml;
    expect(t.plugins['io.containerd.grpc.v1.cri'].registry).toEqual({
      config_path: '/lab/certs.d',
      mirrors: { 'docker.io': { endpoint: ['http://127.0.0.1:5101'] } },
    });
  });

  it.each(['1.6', '1.7', '2.1'] as const)('%s at debug: a [debug] table with level "debug"', (v) => {
    const text = daemonConfigToml(base(v, { configPath: 'set' }, 'debug'));
    expect(text).toContain('\n[debug]\n  level = "debug"\n');
    expect((parse(text) as Toml).debug).toEqual({ level: 'debug' });
  });

  it.each(['1.6', '1.7', '2.1'] as const)('%s at info: no [debug] table at all (containerd\'s default level, as on nodes), the rest the same', (v) => {
    const info = daemonConfigToml(base(v, { configPath: 'set' }, 'info'));
    const debug = daemonConfigToml(base(v, { configPath: 'set' }, 'debug'));
    expect(info).not.toMatch(/debug/);
    const t = parse(info) as Toml;
    expect(t.debug).toBeUndefined();
    // root, state and the sockets are in the file: `--config` alone starts the daemon in the lab
    expect([t.root, t.state, t.grpc.address]).toEqual(['/lab/c/root', '/lab/c/state', '/lab/c/containerd.sock']);
    expect(info).toBe(debug.replace('[debug]\n  level = "debug"\n\n', ''));
  });
  it('image_pull_progress_timeout, when asked for: in the CRI plugin table (1.x) or the CRI images table (2.x)', () => {
    const t17 = parse(daemonConfigToml({ ...base('1.7', { configPath: 'set' }), imagePullProgressTimeout: '15s' })) as Toml;
    expect(t17.plugins['io.containerd.grpc.v1.cri'].image_pull_progress_timeout).toBe('15s');
    expect(t17.plugins['io.containerd.grpc.v1.cri'].registry).toEqual({ config_path: '/lab/certs.d' });
    const t21 = parse(daemonConfigToml({ ...base('2.1', { configPath: 'set' }), imagePullProgressTimeout: '15s' })) as Toml;
    expect(t21.plugins['io.containerd.cri.v1.images'].image_pull_progress_timeout).toBe('15s');
    expect(daemonConfigToml(base('1.7', { configPath: 'set' }))).not.toContain('image_pull_progress_timeout');
  });
});
