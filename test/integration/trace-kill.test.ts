/**
 * Ctrl-C, SIGTERM and a crashing ctr at random points during a real trace leave no namespace,
 * image or lease behind; after SIGKILL, which no cleanup can follow, the next run removes what the
 * killed one left and says so, and no ctr outlives its run; parallel runs never lose nor leave
 * kubelet's image (real containerd 1.6, 1.7 and 2.1, the built CLI as a user runs it).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { labDown, labUp, type LabState } from '../../src/lab/lab.js';
import { ContainerdApi } from '../../src/probe/containerd-api.js';
import { CriClient } from '../../src/probe/cri-client.js';
import type { TraceRun } from '../../src/trace/run-schema.js';
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

function runTrace(args: string[], killAfterMs: number | null, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, 'trace', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    if (killAfterMs !== null) setTimeout(() => child.kill(signal), killAfterMs);
    child.on('close', (code, sig) => done({ code, signal: sig, stderr, stdout }));
  });
}

/** Processes whose command line names this daemon's socket and a pull (ctr, and its watchdog shell). */
function pullProcesses(address: string): string[] {
  const out: string[] = [];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ');
      const state = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state !== 'Z' && cmd.includes(address) && / pull /.test(cmd) && !cmd.includes(' trace ')) out.push(`${p}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function noPullProcesses(address: string): Promise<string[]> {
  for (let i = 0; i < 40; i++) {
    const left = pullProcesses(address);
    if (!left.length) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
  return pullProcesses(address);
}

/** Starts a trace and SIGKILLs it as soon as a namespace of its own exists. */
function killOnceNamespaced(args: string[], address: string, before: string[]): Promise<unknown> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, 'trace', ...args], { stdio: 'ignore' });
    const api = new ContainerdApi(address);
    const poll = setInterval(() => {
      void api.namespaces().then((ns) => {
        if (ns.some((n) => n.startsWith('mirror-doctor-') && !before.includes(n))) child.kill('SIGKILL');
      });
    }, 25);
    child.on('close', () => {
      clearInterval(poll);
      api.close();
      done(null);
    });
  });
}

const IMAGE = 'mirror-doctor-demo:1.0';
const IMAGE_REF = 'docker.io/library/mirror-doctor-demo:1.0';

async function withCri<T>(address: string, f: (c: CriClient) => Promise<T>): Promise<T> {
  const c = new CriClient(address);
  try {
    return await f(c);
  } finally {
    c.close();
  }
}

const BLACKHOLED = () => [
  `[host."https://127.0.0.1:${state.ports.blackhole}"]`,
  '  capabilities = ["pull", "resolve"]',
  `[host."http://127.0.0.1:${state.ports.mirror}"]`,
  '  capabilities = ["pull", "resolve"]',
  '',
].join('\n');
let plainHostsToml: string;

describe('trace cleans up whatever stops it', () => {
  beforeAll(async () => {
    state = await labUp(opts, 'mirror-ok', quietLog);
    scratch = mkdtempSync(join(tmpdir(), 'md-kill-'));
    plainHostsToml = readFileSync(join(state.hostsDir, 'docker.io', 'hosts.toml'), 'utf8');
    // a blackholed first mirror keeps every trace waiting for ~2 s, so signals land mid-trace
    writeFileSync(join(state.hostsDir, 'docker.io', 'hosts.toml'), BLACKHOLED());
  });
  afterAll(async () => {
    await labDown(opts, quietLog);
    rmSync(dirname(opts.dir), { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  for (const v of ['1.6', '1.7', '2.1'] as const) {
    it(`${v}: SIGKILL at random points; the next run removes what the killed ones left and says so (seed ${SEED})`, async () => {
      const d = state.daemons[v]!;
      writeFileSync(join(state.hostsDir, 'docker.io', 'hosts.toml'), BLACKHOLED());
      const random = rng(SEED + (v === '2.1' ? 29 : v === '1.6' ? 37 : 0));
      const args = ['mirror-doctor-demo:1.0', '--ctr', d.ctr, '--address', d.address, '--config', d.config, '--hosts-dir', state.hostsDir, '--daemon-log', d.log];
      const before = await inventory(d.address);
      const kills: string[] = [];
      for (let i = 0; i < 3; i++) {
        const at = Math.round(200 + random() * 1800);
        const full = random() < 0.5;
        const r = await runTrace([...args, ...(full ? ['--full'] : [])], at, 'SIGKILL');
        kills.push(`after ${at} ms${full ? ' --full' : ''}: ${r.signal ?? `exit ${r.code}`}`);
        // no ctr outlives the run that started it, even when that run cannot clean up
        expect(await noPullProcesses(d.address), kills.at(-1)).toEqual([]);
      }
      const where = `${v} SIGKILL ${kills.join('; ')}`;
      const left = await inventory(d.address);
      // (k8s.io, when a killed run created it on this fresh daemon, is the next run's to use and remove)
      const leftNamespaces = left.namespaces.filter((n) => !before.namespaces.includes(n) && n !== 'k8s.io');
      const r = await runTrace([...args, '--json'], null, 'SIGINT');
      // 1: a problem found (the blackholed first mirror stalls the pulls with the hosts folder)
      expect(r.code, `${where}: ${r.stderr}`).toBe(1);
      const run = JSON.parse(r.stdout) as TraceRun;
      expect(run.leftovers, where).toEqual([]);
      // every namespace a killed run left is reported as removed, and removed indeed
      for (const ns of leftNamespaces) expect(run.earlierRuns.filter((e) => e.what === `namespace ${ns}` && e.removed), `${where}: ${ns}`).toHaveLength(1);
      expect(run.earlierRuns.filter((e) => !e.removed), where).toEqual([]);
      // a killed run that got far enough left something, which the report names
      if (left.items.length > before.items.length || leftNamespaces.length) expect(run.earlierRuns.length, where).toBeGreaterThan(0);
      expect(await inventory(d.address), where).toEqual(before);
      expect(await withCri(d.address, (c) => c.imageStatus(IMAGE)), where).toBeUndefined();
      // killed mid-pull, once its namespaces exist (the blackholed mirror holds it for ~2 s): the
      // text output names what it removed
      await killOnceNamespaced(args, d.address, before.namespaces);
      expect(await noPullProcesses(d.address)).toEqual([]);
      const leftByOne = (await inventory(d.address)).namespaces.filter((n) => !before.namespaces.includes(n) && n !== 'k8s.io');
      expect(leftByOne.length, `${v}: a run killed mid-pull left its namespaces`).toBeGreaterThan(0);
      const text = await runTrace(args, null, 'SIGINT');
      expect(text.code, text.stderr).toBe(1); // the blackholed mirror is still there: a problem found
      for (const ns of leftByOne) expect(text.stdout).toMatch(new RegExp(`removed namespace ${ns} .*pid \\d+`));
      expect(await inventory(d.address)).toEqual(before);
    });

    it(`${v}: five traces at once never lose nor leave the CRI image, and report no false CRI failure`, async () => {
      const d = state.daemons[v]!;
      writeFileSync(join(state.hostsDir, 'docker.io', 'hosts.toml'), plainHostsToml);
      // --stall 30: five traces on a small machine can starve a pull for 2 s, which the stall
      // heuristics would take for a silent host; this test is about the image, not about those
      const args = ['mirror-doctor-demo:1.0', '--ctr', d.ctr, '--address', d.address, '--config', d.config, '--hosts-dir', state.hostsDir, '--daemon-log', d.log, '--json', '--stall', '30'];
      const parallel = async () => {
        const runs = await Promise.all(Array.from({ length: 5 }, () => runTrace(args, null, 'SIGINT')));
        return runs.map((r) => {
          expect(r.code, r.stderr).toBe(0);
          const run = JSON.parse(r.stdout) as TraceRun;
          const cri = run.paths.find((p) => p.path === 'cri')!;
          expect({ pulled: cri.pulled, error: cri.error, leftovers: run.leftovers }, `${cri.stoppedBy} ${cri.stopReason} ${cri.stalledOn} ${cri.log.slice(-1500)}`).toEqual({ pulled: true, error: null, leftovers: [] });
          return run;
        });
      };
      // kubelet's image, there before: kept
      await withCri(d.address, (c) => c.pullImage(IMAGE, 60_000));
      const held = await inventory(d.address);
      expect(held.items).toContain(`k8s.io image ${IMAGE_REF}`);
      await parallel();
      expect(await inventory(d.address)).toEqual(held);
      // not there before: pulled by the runs, removed by the last one out
      await withCri(d.address, (c) => c.removeImage(IMAGE));
      const before = await inventory(d.address);
      await parallel();
      expect(await withCri(d.address, (c) => c.imageStatus(IMAGE))).toBeUndefined();
      expect(await inventory(d.address)).toEqual(before);
    });
  }

  for (const v of ['1.7', '2.1'] as const) {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      it(`${v}: ${sig} at random points (seed ${SEED})`, async () => {
        const d = state.daemons[v]!;
        writeFileSync(join(state.hostsDir, 'docker.io', 'hosts.toml'), BLACKHOLED());
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
