import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabOptions, LabVersion } from './layout.js';
import { labDown, labUp, readState, type DaemonState, type LabState } from './lab.js';
import { REDIRECT_SCENARIOS, SCENARIOS, atPorts, type Scenario } from './scenarios.js';
import { ctrPull, logOffset, readLogFrom, type CtrPullOptions } from './ctr-pull.js';
import { LAB_AUTH } from './layout.js';
import { CriClient, CriError, liveRegistryConfig } from '../probe/cri-client.js';

/** One way of running ctr that a fixture records. */
export interface PullVariant {
  name: string;
  hostsDir: boolean;
  local?: boolean;
  /** pull with the lab's credentials (`wrong`: with a wrong password) */
  user?: boolean | 'wrong';
}

/** ctr with and without --hosts-dir; on 2.x also with and without --local. */
export function variantsFor(version: LabVersion, scenario: Scenario): PullVariant[] {
  // a redirecting mirror is only reached through the hosts folder: the pulls without it go upstream only
  if (scenario.name.startsWith('redirect-')) {
    return version.startsWith('2.')
      ? [
          { name: 'ctr-hosts-dir', hostsDir: true },
          { name: 'ctr-hosts-dir-local', hostsDir: true, local: true },
        ]
      : [{ name: 'ctr-hosts-dir', hostsDir: true }];
  }
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
  if (scenario.name === 'basic-auth' || scenario.name === 'token-auth') {
    v.push({ name: 'ctr-hosts-dir-user', hostsDir: true, user: true, ...(version.startsWith('2.') ? { local: true } : {}) });
    // a token server refuses wrong credentials (401): containerd then names the token request
    if (scenario.name === 'token-auth') v.push({ name: 'ctr-hosts-dir-wrong-user', hostsDir: true, user: 'wrong', ...(version.startsWith('2.') ? { local: true } : {}) });
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
    // the redirect scenarios only when named (they record into a folder of their own)
    for (const named of only ? [...SCENARIOS, ...REDIRECT_SCENARIOS].filter((s) => only.includes(s.name)) : SCENARIOS) {
      const state = await labUp(opts, named.name, log);
      const scenario = atPorts(named, state.ports);
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
        await recordCri(daemon, scenario, join(dir, 'cri'));
        count++;
        if (CONCURRENT_SCENARIOS.includes(scenario.name)) {
          await recordCriConcurrent(daemon, scenario, join(dir, 'cri-concurrent'));
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
export function daemonStartLog(daemon: DaemonState): string {
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
    timeoutMs: scenario.hangsForMs ?? 90_000,
    ...(variant.hostsDir ? { hostsDir: state.hostsDir } : {}),
    ...(variant.local ? { local: true } : {}),
    ...(variant.user ? { user: `${LAB_AUTH.user}:${variant.user === 'wrong' ? 'not-the-password' : LAB_AUTH.password}` } : {}),
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

/** The reference as a pod spec would name it: docker.io images in their short form (CRI normalises). */
export function kubeletImageName(ref: string): string {
  return ref.startsWith('docker.io/library/') ? ref.slice('docker.io/library/'.length) : ref;
}

/**
 * A CRI pull exactly as kubelet makes it (runtime.v1 PullImage over the socket), with the daemon
 * log of the same period and the daemon's live config from Status(verbose).
 */
async function recordCri(daemon: DaemonState, scenario: Scenario, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const image = kubeletImageName(scenario.ref);
  const client = new CriClient(daemon.address);
  const at = logOffset(daemon.log);
  const started = Date.now();
  let status: unknown = null;
  let statusError: string | null = null;
  let imageRef: string | null = null;
  let error: { code: string; message: string } | null = null;
  try {
    try {
      const st = await client.status(true);
      const live = liveRegistryConfig(st);
      // registry: null when the daemon does not expose its registry config (containerd 2.x)
      status = { conditions: st.conditions, registry: live ?? null, infoKeys: Object.keys(st.info) };
    } catch (e) {
      statusError = e instanceof CriError ? `${e.code}: ${e.details}` : (e as Error).message;
    }
    const before = await client.imageStatus(image).catch(() => undefined);
    try {
      imageRef = await client.pullImage(image, scenario.hangsForMs ?? 90_000);
    } catch (e) {
      error = e instanceof CriError ? { code: e.code, message: e.details } : { code: 'UNKNOWN', message: (e as Error).message };
    }
    if (imageRef && !before) await client.removeImage(image).catch(() => undefined);
  } finally {
    client.close();
  }
  const durationMs = Date.now() - started;
  await sleep(300);
  const daemonLog = readLogFrom(daemon.log, at);
  writeFileSync(join(dir, 'daemon.log'), daemonLog);
  writeFileSync(join(dir, 'status.json'), `${JSON.stringify({ status, statusError }, null, 2)}\n`);
  // 1.x CRI always pulls in the daemon's own resolver (client.Pull); 2.1+ logs which path it takes
  const pullMode = daemon.version.startsWith('1.')
    ? 'local'
    : /using transfer service|Calling cri transfer service/.test(daemonLog)
    ? 'transfer'
    : /PullImage .* with snapshotter|using client\.Pull\(\)/.test(daemonLog)
      ? 'local'
      : 'unknown';
  const meta = {
    schema: 'mirror-doctor.fixture/v1',
    scenario: scenario.name,
    summary: scenario.summary,
    series: daemon.version,
    containerdVersion: daemon.packageVersion,
    variant: 'cri',
    mode: 'cri',
    criPullMode: pullMode,
    ref: scenario.ref,
    image,
    imageRef,
    error,
    durationMs,
    recordedAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
}

export function fixturesExist(out: string): boolean {
  return existsSync(out);
}

/**
 * The scenarios in which two CRI pulls also run at once (cri-concurrent/), the second always of
 * MISSING_IMAGE: beside a pull the mirror serves (mirror-ok), beside one that fails the same way
 * at the same hosts (mirror-404), and beside a pull of another registry, with a hosts folder of its
 * own (host-port-registry: docker.io has none there).
 */
export const CONCURRENT_SCENARIOS = ['mirror-ok', 'mirror-404', 'host-port-registry'];
/** Not on the mirror (404 there) and the upstream is unreachable: a failure beside the success. */
export const MISSING_IMAGE = 'mirror-doctor-missing:1.0';

/**
 * Two CRI pulls at the same time, as kubelet makes them with serializeImagePulls: false: the
 * scenario's image and MISSING_IMAGE, whose lines interleave in the daemon log. Records the daemon log of the period and both results, and before that each
 * pull alone (alone-1.log, alone-2.log).
 */
async function recordCriConcurrent(daemon: DaemonState, scenario: Scenario, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const images = [kubeletImageName(scenario.ref), MISSING_IMAGE];
  const client = new CriClient(daemon.address);
  // set when both pulls start together
  let at: number;
  let started: number;
  let results: { image: string; imageRef: string | null; error: { code: string; message: string } | null }[];
  const pull = async (image: string) => {
    try {
      return { image, imageRef: await client.pullImage(image, 90_000), error: null };
    } catch (e) {
      return { image, imageRef: null, error: e instanceof CriError ? { code: e.code, message: e.details } : { code: 'UNKNOWN', message: (e as Error).message } };
    }
  };
  try {
    const before = await Promise.all(images.map((i) => client.imageStatus(i).catch(() => undefined)));
    // first each image alone (alone-1.log, alone-2.log: what each pull logs by itself), then both at once
    for (const [i, image] of images.entries()) {
      const from = logOffset(daemon.log);
      const r = await pull(image);
      if (r.imageRef && !before[i]) await client.removeImage(image).catch(() => undefined);
      await sleep(300);
      writeFileSync(join(dir, `alone-${i + 1}.log`), readLogFrom(daemon.log, from));
    }
    at = logOffset(daemon.log);
    started = Date.now();
    results = await Promise.all(images.map(pull));
    for (const [i, r] of results.entries()) if (r.imageRef && !before[i]) await client.removeImage(r.image).catch(() => undefined);
  } finally {
    client.close();
  }
  const durationMs = Date.now() - started;
  await sleep(300);
  writeFileSync(join(dir, 'daemon.log'), readLogFrom(daemon.log, at));
  const meta = {
    schema: 'mirror-doctor.fixture/v1',
    scenario: scenario.name,
    summary: `${scenario.summary}; two CRI pulls at once, ${images.join(' and ')}`,
    series: daemon.version,
    containerdVersion: daemon.packageVersion,
    variant: 'cri-concurrent',
    mode: 'cri',
    results,
    durationMs,
    recordedAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
}
