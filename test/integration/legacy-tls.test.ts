/**
 * CRI's legacy registry.mirrors with `registry.configs."docker.io".tls` (the CA of the mirror keyed
 * by the registry, as kubespray#9192 wrote it), on real containerd 1.6, 1.7 and 2.1 at info level:
 * the lab's `cri-legacy-mirrors` daemons restarted with the mirror on the lab's TLS registry and
 * its CA under docker.io's key. 1.x uses a table only for the host it is keyed by, 2.x ignores it:
 * the mirror fails on its certificate either way, and check names that table as the cause. With the
 * table keyed by the mirror host, as the fix says, 1.x pulls through the mirror; keyed by the mirror
 * with a scheme (kubespray#9371), it applies to no host on 1.x either.
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labUp, type LabState } from '../../src/lab/lab.js';
import { isAlive, stopProcess, type LabProcess } from '../../src/lab/processes.js';
import { checkDaemon, restartDaemonWith } from '../helpers/lab-daemon-restart.js';
import { quietLog, testLabOptions } from '../helpers/lab.js';

const VERSIONS = ['1.6', '1.7', '2.1'] as const;
const REF = 'docker.io/library/mirror-doctor-demo:1.0';

const opts = testLabOptions(5360);
let state: LabState;
const started: LabProcess[] = [];

/** each daemon's config.toml as the lab wrote it */
const pristine = new Map<string, string>();

beforeAll(async () => {
  state = await labUp(opts, 'cri-legacy-mirrors', quietLog);
  for (const v of VERSIONS) pristine.set(v, readFileSync(state.daemons[v]!.config, 'utf8'));
}, 600_000);
afterAll(async () => {
  for (const p of started) if (isAlive(p)) await stopProcess(p);
  await labDown(opts, quietLog);
  rmSync(dirname(opts.dir), { recursive: true, force: true });
});

const restartWith = async (v: (typeof VERSIONS)[number], edit: (text: string) => string) => restartDaemonWith(state, started, v, edit(readFileSync(state.daemons[v]!.config, 'utf8')));
const check = (v: (typeof VERSIONS)[number]) => checkDaemon(state, v, REF);

describe('registry.configs."docker.io".tls beside a legacy mirror on the TLS registry', () => {
  const tls = () => new URL(state.registries.tls!.url).host;
  /** the lab's legacy mirror moved to the TLS registry, and a tls table with the lab CA keyed by `key` */
  const legacyTls = (key: string) => (text: string) => {
    const table = /\[(plugins\."[^"]+"\.registry)\.mirrors\."docker\.io"\]/.exec(text)![1]!;
    return `${text.replace(/endpoint = \["http:\/\/127\.0\.0\.1:\d+"\]/, `endpoint = ["https://${tls()}"]`)}\n[${table}.configs."${key}".tls]\n  ca_file = "${state.caCert}"\n`;
  };

  it.each(VERSIONS)('containerd %s: the table is the root cause; keyed by the mirror host (1.x), the mirror serves', async (v) => {
    const original = readFileSync(state.daemons[v]!.config, 'utf8');
    await restartWith(v, legacyTls('docker.io'));
    const r = await check(v);
    const want = v === '2.1' ? 'configs-tls-ignored' : 'configs-tls-not-for-mirror';
    expect(r.verdict.rootCause, r.verdict.summary).toBe(want);
    const f = r.findings.find((x) => x.id === want)!;
    expect(f.severity).toBe('error');
    // the fix moves the settings to the mirror, never to docker.io
    expect(f.fix.join('\n')).toContain(tls());
    expect(f.fix.join('\n')).not.toContain('[host."https://docker.io"]');
    if (v !== '2.1') {
      await restartWith(v, () => legacyTls(tls())(original));
      const fixed = await check(v);
      expect(fixed.verdict.rootCause, fixed.verdict.summary).toBeNull();
      expect(fixed.findings.some((x) => x.id === 'mirror-used'), fixed.verdict.summary).toBe(true);
    }
  });

  it.each(['1.6', '1.7'] as const)('containerd %s: the table keyed by the mirror with a scheme (kubespray#9371) is the root cause', async (v) => {
    const original = pristine.get(v)!;
    await restartWith(v, () => legacyTls(`https://${tls()}`)(original));
    const r = await check(v);
    expect(r.verdict.rootCause, r.verdict.summary).toBe('configs-key-not-a-host');
    const f = r.findings.find((x) => x.id === 'configs-key-not-a-host')!;
    expect(f.severity).toBe('error');
    expect(f.fix[0]).toMatch(new RegExp(`^rename the table to \\[plugins\\."io\\.containerd\\.grpc\\.v1\\.cri"\\.registry\\.configs\\."${tls().replace(/\./g, '\\.')}"\\.tls\\]`));
    await restartWith(v, () => original);
  });
});
