import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabOptions } from './layout.js';
import { labDown, labUp, readState, type DaemonState, type LabState } from './lab.js';
import { SCENARIOS, atPorts, type Scenario } from './scenarios.js';
import { ctrPull, logOffset, readLogFrom } from './ctr-pull.js';
import { daemonStartLog, kubeletImageName } from './record-fixtures.js';
import { CriClient, CriError } from '../probe/cri-client.js';

/** Where `record-fixtures --log-level info` writes unless told otherwise. */
export const INFO_FIXTURES_DIR = 'test/fixtures/lab-info';

/** The ctr pulls recorded on 2.x at info: through the daemon's transfer service (no --local). */
export const TRANSFER_VARIANTS = [
  { name: 'ctr-transfer-hosts-dir', hostsDir: true },
  { name: 'ctr-transfer-no-hosts-dir', hostsDir: false },
] as const;

/**
 * Ground truth for nodes that run containerd at its default (info) level: for every scenario and
 * version, a CRI pull as kubelet makes it and the daemon log of that period; on 2.x also `ctr
 * images pull` through the transfer service, which resolves in the daemon. The daemons' start
 * lines once per version (<version>/daemon-start.log), and again for the scenarios that change the
 * daemon's own config (<scenario>/daemon-start.log). Needs the lab at info level.
 */
export async function recordInfoFixtures(opts: LabOptions, out: string, only: string[] | undefined, log: (l: string) => void): Promise<number> {
  if (opts.logLevel !== 'info') throw new Error('recordInfoFixtures needs the lab at log level info');
  const wasUp = !!readState(opts.dir);
  let count = 0;
  const startRecorded = new Set<string>();
  try {
    for (const named of SCENARIOS.filter((s) => !only || only.includes(s.name))) {
      const state = await labUp(opts, named.name, log);
      const scenario = atPorts(named, state.ports);
      for (const daemon of Object.values(state.daemons)) {
        if (!daemon) continue;
        const versionDir = join(out, daemon.version);
        const dir = join(versionDir, scenario.name);
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'config.toml'), readFileSync(daemon.config));
        if (!scenario.cri && !startRecorded.has(daemon.version)) {
          writeFileSync(join(versionDir, 'daemon-start.log'), daemonStartLog(daemon));
          startRecorded.add(daemon.version);
        }
        if (scenario.cri) writeFileSync(join(dir, 'daemon-start.log'), daemonStartLog(daemon));
        await recordInfoCri(state, daemon, scenario, join(dir, 'cri'));
        count++;
        if (daemon.version.startsWith('2.')) {
          for (const variant of TRANSFER_VARIANTS) {
            await recordTransferPull(state, daemon, scenario, variant, join(dir, variant.name));
            count++;
          }
        }
        log(`recorded ${daemon.version}/${scenario.name} at info`);
      }
    }
  } finally {
    if (!wasUp) await labDown(opts, log);
  }
  return count;
}

/** What the fixture's meta.json says about the daemon and the period, for every kind of pull. */
function commonMeta(state: LabState, daemon: DaemonState, scenario: Scenario) {
  return {
    schema: 'mirror-doctor.fixture/v1',
    scenario: scenario.name,
    summary: scenario.summary,
    series: daemon.version,
    containerdVersion: daemon.packageVersion,
    logLevel: 'info',
    daemonCommand: (daemon.command ?? []).map((a, i) => (i === 0 ? 'containerd' : a)),
    ref: scenario.ref,
    labPortBase: state.portBase,
  };
}

/** One CRI PullImage as kubelet makes it; the image is removed again when it was not there before. */
async function recordInfoCri(state: LabState, daemon: DaemonState, scenario: Scenario, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const image = kubeletImageName(scenario.ref);
  const client = new CriClient(daemon.address);
  let imageRef: string | null = null;
  let error: { code: string; message: string } | null = null;
  let presentBefore = false;
  const at = logOffset(daemon.log);
  const startedAt = new Date();
  let endedAt = startedAt;
  try {
    presentBefore = !!(await client.imageStatus(image).catch(() => undefined));
    try {
      imageRef = await client.pullImage(image, 90_000);
    } catch (e) {
      error = e instanceof CriError ? { code: e.code, message: e.details } : { code: 'UNKNOWN', message: (e as Error).message };
    }
    endedAt = new Date();
    if (imageRef && !presentBefore) await client.removeImage(image).catch(() => undefined);
  } finally {
    client.close();
  }
  await sleep(300); // let the daemon flush the lines of the pull
  writeFileSync(join(dir, 'daemon.log'), readLogFrom(daemon.log, at));
  const meta = {
    ...commonMeta(state, daemon, scenario),
    variant: 'cri',
    mode: 'cri',
    image,
    imagePresentBefore: presentBefore,
    imageRemovedAfter: !!imageRef && !presentBefore,
    imageRef,
    error,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationMs: endedAt.getTime() - startedAt.getTime(),
    daemonLogCovers: 'from just before ImageStatus to 300 ms after RemoveImage (or the failed pull)',
  };
  writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
}

/** `ctr images pull` without --local on 2.x: the daemon's transfer service resolves and fetches. */
async function recordTransferPull(
  state: LabState,
  daemon: DaemonState,
  scenario: Scenario,
  variant: (typeof TRANSFER_VARIANTS)[number],
  dir: string,
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const at = logOffset(daemon.log);
  const startedAt = new Date();
  const r = await ctrPull(daemon, { ref: scenario.ref, timeoutMs: 90_000, ...(variant.hostsDir ? { hostsDir: state.hostsDir } : {}) });
  await sleep(300);
  writeFileSync(join(dir, 'stdout.txt'), r.stdout);
  writeFileSync(join(dir, 'stderr.txt'), r.stderr);
  writeFileSync(join(dir, 'daemon.log'), readLogFrom(daemon.log, at));
  const meta = {
    ...commonMeta(state, daemon, scenario),
    variant: variant.name,
    mode: 'transfer',
    hostsDir: variant.hostsDir ? state.hostsDir : null,
    ctr: ['ctr', ...r.args],
    exitCode: r.exitCode,
    timedOut: r.timedOut,
    startedAt: startedAt.toISOString(),
    durationMs: r.durationMs,
    daemonLogCovers: 'from just before ctr started to 300 ms after it ended and its namespace was removed',
  };
  writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
}
