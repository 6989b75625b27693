import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { labDown, labStatus, labUp, readState, type LabState } from '../../src/lab/lab.js';
import { labPaths } from '../../src/lab/layout.js';
import { ctrPull, logOffset, readLogFrom } from '../../src/lab/ctr-pull.js';
import { registryRequests } from '../../src/lab/pull.js';
import { DOCKER_REF } from '../../src/lab/scenarios.js';
import { isAlive } from '../../src/lab/processes.js';
import { testLabOptions, quietLog } from '../helpers/lab.js';

const opts = testLabOptions(5200);
let state: LabState;

/** PIDs of every process the lab recorded. */
function recordedProcesses(s: LabState) {
  return [...Object.values(s.registries), s.blackhole, s.silentHosts, s.redirectMirror, s.tokenServer, s.statusMirrors, ...Object.values(s.daemons).map((d) => d!.process)].filter((p) => !!p);
}

describe('the lab (real containerd 1.6, 1.7, 2.1 and real registries)', () => {
  beforeAll(async () => {
    state = await labUp(opts, 'mirror-ok', quietLog);
  });
  afterAll(async () => {
    await labDown(opts, quietLog);
    rmSync(dirname(opts.dir), { recursive: true, force: true });
  });

  it('runs one containerd per version, each the version its package says', () => {
    const versions = Object.values(state.daemons).map((d) => d!.packageVersion);
    expect(versions).toHaveLength(3);
    expect(versions[0]).toMatch(/^1\.6\./);
    expect(versions[1]).toMatch(/^1\.7\./);
    expect(versions[2]).toMatch(/^2\.1\./);
    expect(labStatus(opts).up).toBe(true);
  });

  it.each(['1.6', '1.7', '2.1'] as const)('containerd %s pulls the test image through the mirror with ?ns=docker.io', async (v) => {
    const daemon = state.daemons[v]!;
    const mirrorLog = labPaths(state.dir).registry('mirror').log;
    const at = logOffset(mirrorLog);
    const r = await ctrPull(daemon, { ref: DOCKER_REF, hostsDir: state.hostsDir });
    expect(r.exitCode, r.stderr).toBe(0);
    const requests = registryRequests(readLogFrom(mirrorLog, at));
    expect(requests.some((l) => /"HEAD \/v2\/library\/mirror-doctor-demo\/manifests\/1\.0\?ns=docker\.io HTTP\/1\.1" 200/.test(l))).toBe(true);
    expect(requests.some((l) => /"GET \/v2\/library\/mirror-doctor-demo\/blobs\/sha256:[0-9a-f]{64}\?ns=docker\.io HTTP\/1\.1" 200/.test(l))).toBe(true);
    // the user agent proves which containerd made the request
    expect(requests.every((l) => l.includes(`containerd/${daemon.packageVersion.startsWith('2.') ? '2.1' : daemon.packageVersion.split('~')[0]}`))).toBe(true);
  });

  it('without --hosts-dir, ctr never asks the mirror', async () => {
    const daemon = state.daemons['1.7']!;
    const mirrorLog = labPaths(state.dir).registry('mirror').log;
    const at = logOffset(mirrorLog);
    const r = await ctrPull(daemon, { ref: DOCKER_REF });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('registry-1.docker.io');
    expect(registryRequests(readLogFrom(mirrorLog, at))).toEqual([]);
  });

  it('`up` a second time is a no-op: same processes, same PIDs', async () => {
    const before = recordedProcesses(state).map((p) => p.pid).sort();
    const again = await labUp(opts, undefined, quietLog);
    expect(recordedProcesses(again).map((p) => p.pid).sort()).toEqual(before);
    expect(recordedProcesses(again).every((p) => isAlive(p))).toBe(true);
  });

  it('`down` twice stops every process by PID and leaves no process, socket, mount or folder', async () => {
    const s = readState(opts.dir)!;
    const procs = recordedProcesses(s);
    const sockets = Object.values(s.daemons).map((d) => d!.address);
    await labDown(opts, quietLog);
    await labDown(opts, quietLog);
    expect(procs.filter((p) => isAlive(p))).toEqual([]);
    expect(sockets.filter((sock) => existsSync(sock))).toEqual([]);
    expect(existsSync(opts.dir)).toBe(false);
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(opts.dir));
    expect(mounts).toEqual([]);
    expect(readdirSync(dirname(opts.dir))).toEqual([]);
    // and up again after down works (the afterAll brings it down once more)
    state = await labUp(opts, 'mirror-ok', quietLog);
    expect(labStatus(opts).up).toBe(true);
  });
});
