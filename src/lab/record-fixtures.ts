import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabOptions, LabVersion } from './layout.js';
import { labDown, labUp, readState, type DaemonState, type LabState } from './lab.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { ctrPull, logOffset, readLogFrom, type CtrPullOptions } from './ctr-pull.js';
import { LAB_AUTH } from './layout.js';

/** One way of running ctr that a fixture records. */
export interface PullVariant {
  name: string;
  hostsDir: boolean;
  local?: boolean;
  user?: boolean;
}

/** ctr with and without --hosts-dir; on 2.x also with and without --local. */
export function variantsFor(version: LabVersion, scenario: Scenario): PullVariant[] {
  const v: PullVariant[] = version.startsWith('2.')
    ? [
        { name: 'ctr-no-hosts-dir', hostsDir: false },
        { name: 'ctr-hosts-dir', hostsDir: true },
        { name: 'ctr-no-hosts-dir-local', hostsDir: false, local: true },
        { name: 'ctr-hosts-dir-local', hostsDir: true, local: true },
      ]
    : [
        { name: 'ctr-no-hosts-dir', hostsDir: false },
        { name: 'ctr-hosts-dir', hostsDir: true },
      ];
  if (scenario.name === 'basic-auth') {
    v.push({ name: 'ctr-hosts-dir-user', hostsDir: true, user: true, ...(version.startsWith('2.') ? { local: true } : {}) });
  }
  return v;
}

function modeOf(version: LabVersion, variant: PullVariant): 'local' | 'transfer' {
  return version.startsWith('2.') && !variant.local ? 'transfer' : 'local';
}

/**
 * Records, for every scenario and containerd version, `ctr --debug images pull --http-trace
 * --http-dump` with each variant, and the daemon log of the same period, into `out`.
 */
export async function recordFixtures(opts: LabOptions, out: string, only: string[] | undefined, log: (l: string) => void): Promise<number> {
  const wasUp = !!readState(opts.dir);
  let count = 0;
  try {
    for (const scenario of SCENARIOS.filter((s) => !only || only.includes(s.name))) {
      const state = await labUp(opts, scenario.name, log);
      for (const daemon of Object.values(state.daemons)) {
        if (!daemon) continue;
        const dir = join(out, daemon.version, scenario.name);
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        cpSync(state.hostsDir, join(dir, 'hosts'), { recursive: true });
        writeFileSync(join(dir, 'config.toml'), readFileSync(daemon.config));
        writeFileSync(join(dir, 'daemon-start.log'), daemonStartLog(daemon));
        for (const variant of variantsFor(daemon.version, scenario)) {
          await recordOne(state, daemon, scenario, variant, join(dir, variant.name));
          count++;
        }
        log(`recorded ${daemon.version}/${scenario.name}`);
      }
    }
  } finally {
    if (!wasUp) await labDown(opts, log);
  }
  return count;
}

/** The daemon log from its last start (the lab writes a marker line before each start). */
function daemonStartLog(daemon: DaemonState): string {
  const text = readFileSync(daemon.log, 'utf8');
  const at = text.lastIndexOf('--- mirror-doctor lab: starting containerd');
  const fromStart = at >= 0 ? text.slice(at) : text;
  // up to the end of start-up: the line saying containerd is serving / booted
  const lines = fromStart.split('\n');
  const end = lines.findIndex((l) => /containerd successfully booted/.test(l));
  return `${lines.slice(0, end >= 0 ? end + 1 : lines.length).join('\n')}\n`;
}

async function recordOne(state: LabState, daemon: DaemonState, scenario: Scenario, variant: PullVariant, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const o: CtrPullOptions = {
    ref: scenario.ref,
    debug: true,
    httpTrace: true,
    httpDump: true,
    timeoutMs: 90_000,
    ...(variant.hostsDir ? { hostsDir: state.hostsDir } : {}),
    ...(variant.local ? { local: true } : {}),
    ...(variant.user ? { user: `${LAB_AUTH.user}:${LAB_AUTH.password}` } : {}),
  };
  const at = logOffset(daemon.log);
  const r = await ctrPull(daemon, o);
  await sleep(300); // let the daemon flush the lines of the pull
  writeFileSync(join(dir, 'stdout.txt'), r.stdout);
  writeFileSync(join(dir, 'stderr.txt'), r.stderr);
  writeFileSync(join(dir, 'daemon.log'), readLogFrom(daemon.log, at));
  const meta = {
    schema: 'mirror-doctor.fixture/v1',
    scenario: scenario.name,
    summary: scenario.summary,
    series: daemon.version,
    containerdVersion: daemon.packageVersion,
    variant: variant.name,
    mode: modeOf(daemon.version, variant),
    ref: scenario.ref,
    hostsDir: variant.hostsDir ? state.hostsDir : null,
    ctr: ['ctr', ...r.args],
    exitCode: r.exitCode,
    timedOut: r.timedOut,
    durationMs: r.durationMs,
    labPortBase: state.portBase,
    recordedAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
}

export function fixturesExist(out: string): boolean {
  return existsSync(out);
}
