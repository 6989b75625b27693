/**
 * Ctrl-C, SIGTERM and a crashing ctr at random points during a real trace leave no namespace,
 * image or lease behind (real containerd 1.7 and 2.1, the built CLI as a user runs it).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { labDown, labUp, type LabState } from '../../src/lab/lab.js';
import { ContainerdApi } from '../../src/probe/containerd-api.js';
import { testLabOptions, quietLog } from '../helpers/lab.js';

const opts = testLabOptions(5240);
const BIN = resolve(__dirname, '../../bin/mirror-doctor.js');
let state: LabState;
let scratch: string;

/** Small seeded PRNG (mulberry32) so a failing run can be repeated. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const SEED = Number(process.env.MIRROR_DOCTOR_KILL_SEED ?? Date.now() % 100000);

/** Everything a trace could leave: namespaces, and images and leases in every namespace. */
async function inventory(address: string) {
  const api = new ContainerdApi(address);
  try {
    const namespaces = (await api.namespaces()).sort();
    const items: string[] = [];
    for (const ns of namespaces) {
      for (const i of await api.images(ns)) items.push(`${ns} image ${i}`);
      for (const l of await api.leases(ns)) items.push(`${ns} lease ${l}`);
    }
    return { namespaces, items: items.sort() };
  } finally {
    api.close();
  }
}

function runTrace(args: string[], killAfterMs: number | null, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, 'trace', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    if (killAfterMs !== null) setTimeout(() => child.kill(signal), killAfterMs);
    child.on('close', (code, sig) => done({ code, signal: sig, stderr }));
  });
}

describe('trace cleans up whatever stops it', () => {
  beforeAll(async () => {
    state = await labUp(opts, 'mirror-ok', quietLog);
    scratch = mkdtempSync(join(tmpdir(), 'md-kill-'));
    // a blackholed first mirror keeps every trace waiting for ~2 s, so signals land mid-trace
    writeFileSync(
      join(state.hostsDir, 'docker.io', 'hosts.toml'),
      [
        `[host."https://127.0.0.1:${state.ports.blackhole}"]`,
        '  capabilities = ["pull", "resolve"]',
        `[host."http://127.0.0.1:${state.ports.mirror}"]`,
        '  capabilities = ["pull", "resolve"]',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await labDown(opts, quietLog);
    rmSync(dirname(opts.dir), { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  for (const v of ['1.7', '2.1'] as const) {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      it(`${v}: ${sig} at random points (seed ${SEED})`, async () => {
        const d = state.daemons[v]!;
        const random = rng(SEED + (v === '2.1' ? 7 : 0) + (sig === 'SIGTERM' ? 13 : 0));
        const before = await inventory(d.address);
        let interrupted = 0;
        for (let i = 0; i < 4; i++) {
          const at = Math.round(150 + random() * 1500);
          const full = random() < 0.5;
          const r = await runTrace(
            ['mirror-doctor-demo:1.0', '--ctr', d.ctr, '--address', d.address, '--config', d.config, '--hosts-dir', state.hostsDir, '--daemon-log', d.log, ...(full ? ['--full'] : [])],
            at,
            sig,
          );
          const where = `${v} ${sig} after ${at} ms${full ? ' --full' : ''}: exit ${r.code} ${r.signal ?? ''} ${r.stderr.slice(-300)}`;
          // stopped by the signal (130/143), finished before it (0, or 1 when its pulls failed), or killed before the handler existed
          expect([0, 1, 130, 143, null], where).toContain(r.code);
          if (r.code === (sig === 'SIGINT' ? 130 : 143)) interrupted++;
          expect(await inventory(d.address), where).toEqual(before);
        }
        // the signals did land in the middle of traces (the blackholed server keeps them waiting)
        expect(interrupted).toBeGreaterThan(0);
      });
    }

    it(`${v}: a ctr that crashes mid-pull still gets its namespace removed`, async () => {
      const d = state.daemons[v]!;
      const wrapper = join(scratch, `crashing-ctr-${v}`);
      // runs the real ctr, but kills a pull with SIGKILL after 300 ms
      writeFileSync(
        wrapper,
        `#!/bin/sh\ncase " $* " in *" pull "*) "${d.ctr}" "$@" & pid=$!; sleep 0.3; kill -9 $pid; wait $pid; exit $? ;; esac\nexec "${d.ctr}" "$@"\n`,
      );
      chmodSync(wrapper, 0o755);
      const before = await inventory(d.address);
      const r = await runTrace(['mirror-doctor-demo:1.0', '--ctr', wrapper, '--address', d.address, '--config', d.config, '--hosts-dir', state.hostsDir, '--full', '--no-cri'], null, 'SIGINT');
      // the ctr --hosts-dir pull failed (killed): a problem found, not a crash of mirror-doctor
      expect(r.code, r.stderr).toBe(1);
      expect(await inventory(d.address)).toEqual(before);
    });
  }
});
