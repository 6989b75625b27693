import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { labDown, labUp, type LabState } from '../../src/lab/lab.js';
import { CriClient } from '../../src/probe/cri-client.js';
import { sampleDaemonConnections } from '../../src/probe/daemon-connections.js';
import { logOffset, readLogFrom } from '../../src/probe/log-file.js';
import { testLabOptions, quietLog } from '../helpers/lab.js';

// the lab as nodes run containerd: default (info) log level, started with --config alone
const opts = { ...testLabOptions(5230), logLevel: 'info' as const };
let state: LabState;
const IMAGE = 'mirror-doctor-demo:1.0';

describe('the daemon\'s sockets during a CRI pull, at info level', () => {
  beforeAll(async () => {
    state = await labUp(opts, 'mirror-ok', quietLog);
  });
  afterAll(async () => {
    await labDown(opts, quietLog);
    rmSync(dirname(opts.dir), { recursive: true, force: true });
  });

  it.each(['1.6', '1.7', '2.1'] as const)('containerd %s runs with --config alone and no [debug] table', (v) => {
    const d = state.daemons[v]!;
    const argv = readFileSync(`/proc/${d.process.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(argv.slice(1)).toEqual(['--config', d.config]);
    expect(readFileSync(d.config, 'utf8')).not.toContain('[debug]');
  });

  it.each(['1.6', '1.7', '2.1'] as const)('containerd %s: a new connection to the mirror shows while the CRI pull runs', async (v) => {
    const d = state.daemons[v]!;
    const mirror = `127.0.0.1:${state.ports.mirror}`;
    const ac = new AbortController();
    const sampling = sampleDaemonConnections(d.process.pid, { intervalMs: 10, signal: ac.signal });
    const at = logOffset(d.log);
    const client = new CriClient(d.address);
    let pullEnded: number;
    try {
      expect(await client.pullImage(IMAGE, 60_000)).toMatch(/^sha256:/);
      pullEnded = Date.now();
      await client.removeImage(IMAGE);
    } finally {
      client.close();
      ac.abort();
    }
    const s = await sampling;
    const fresh = s.connections.filter((c) => c.endpoint === mirror && !c.presentAtStart);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh[0]!.states).toContain('ESTABLISHED');
    // the pull's connections stay open as idle keep-alives (containerd's transport keeps them 30 s)
    expect(fresh.some((c) => c.lastSeen >= pullEnded)).toBe(true);
    // no other remote host: the lab's upstream does not resolve, and the mirror served the pull
    expect(s.endpoints.filter((e) => !e.presentAtStart).map((e) => e.endpoint)).toEqual([mirror]);
    // and at info level the daemon said nothing about which host served it
    const lines = readLogFrom(d.log, at);
    expect(lines).toContain(`PullImage \\"${IMAGE}\\" returns image reference`);
    expect(lines).not.toContain('level=debug');
    expect(lines).not.toContain(mirror);
  });
});
