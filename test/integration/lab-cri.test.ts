import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { labDown, labUp, type LabState } from '../../src/lab/lab.js';
import { CriClient, CriError, liveRegistryConfig } from '../../src/probe/cri-client.js';
import { testLabOptions, quietLog } from '../helpers/lab.js';

const opts = { ...testLabOptions(5210), logLevel: 'debug' as const };
let state: LabState;
const IMAGE = 'mirror-doctor-demo:1.0';

async function withCri<T>(v: '1.6' | '1.7' | '2.1', f: (c: CriClient) => Promise<T>): Promise<T> {
  const c = new CriClient(state.daemons[v]!.address);
  try {
    return await f(c);
  } finally {
    c.close();
  }
}

describe('CRI side of the lab, through our own CRI client (as kubelet)', () => {
  beforeAll(async () => {
    state = await labUp(opts, 'mirror-ok', quietLog);
  });
  afterAll(async () => {
    await labDown(opts, quietLog);
    rmSync(dirname(opts.dir), { recursive: true, force: true });
  });

  it.each(['1.6', '1.7', '2.1'] as const)('containerd %s: PullImage goes through the mirror, RemoveImage cleans up', async (v) => {
    await withCri(v, async (c) => {
      const version = await c.version();
      expect(version.runtimeName).toBe('containerd');
      expect(version.runtimeVersion).toBe(state.daemons[v]!.packageVersion.startsWith('2.') ? '2.1.9+unknown' : state.daemons[v]!.packageVersion.replace(/-.*$/, ''));
      expect(await c.imageStatus(IMAGE)).toBeUndefined();
      const ref = await c.pullImage(IMAGE, 60_000);
      expect(ref).toMatch(/^sha256:[0-9a-f]{64}$/);
      const img = await c.imageStatus(IMAGE);
      expect(img?.repoTags).toEqual(['docker.io/library/mirror-doctor-demo:1.0']);
      await c.removeImage(IMAGE);
      expect(await c.imageStatus(IMAGE)).toBeUndefined();
    });
    const mirrorLog = readFileSync(`${state.dir}/registry/mirror/registry.log`, 'utf8');
    expect(mirrorLog).toMatch(/"HEAD \/v2\/library\/mirror-doctor-demo\/manifests\/1\.0\?ns=docker\.io HTTP\/1\.1" 200/);
  });

  it('1.x exposes the live config_path in Status(verbose); 2.1 does not expose registry config at all', async () => {
    for (const v of ['1.6', '1.7'] as const) {
      const live = await withCri(v, async (c) => liveRegistryConfig(await c.status(true)));
      expect(live?.configPath).toBe(state.hostsDir);
    }
    const live21 = await withCri('2.1', async (c) => liveRegistryConfig(await c.status(true)));
    expect(live21).toBeUndefined();
  });

  it('cri-config-edited-after-start: the file says config_path, the running 1.7 daemon has none', async () => {
    state = await labUp(opts, 'cri-config-edited-after-start', quietLog);
    expect(readFileSync(state.daemons['1.7']!.config, 'utf8')).toContain(`config_path = "${state.hostsDir}"`);
    const live = await withCri('1.7', async (c) => liveRegistryConfig(await c.status(true)));
    expect(live?.configPath).toBe('');
    const err = await withCri('1.7', (c) => c.pullImage(IMAGE, 60_000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CriError);
    expect((err as CriError).details).toContain('registry-1.docker.io');
  });

  it('cri-mirrors-and-config-path: the CRI plugin does not load (every version)', async () => {
    state = await labUp(opts, 'cri-mirrors-and-config-path', quietLog);
    for (const v of ['1.6', '1.7', '2.1'] as const) {
      const err = await withCri(v, (c) => c.pullImage(IMAGE, 10_000)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CriError);
      expect((err as CriError).code).toBe('UNIMPLEMENTED');
      expect(readFileSync(state.daemons[v]!.log, 'utf8')).toContain('`mirrors` cannot be set when `config_path` is provided');
    }
  });
});
