/**
 * CRI looks registry.configs."<key>".auth up by the host each request goes to (containerd#5855), on
 * real containerd 1.6, 1.7 and 2.1 at info level: the lab's basic-auth mirror, its credentials in
 * config.toml keyed with a scheme (`"http://127.0.0.1:<port>"`), which no request matches. CRI's
 * pull gets 401 at the mirror, and check names the key as the cause of that; keyed by the host, as
 * the fix says, the mirror serves the pull.
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labUp, type LabState } from '../../src/lab/lab.js';
import { LAB_AUTH } from '../../src/lab/layout.js';
import { isAlive, stopProcess, type LabProcess } from '../../src/lab/processes.js';
import { checkDaemon, restartDaemonWith } from '../helpers/lab-daemon-restart.js';
import { quietLog, testLabOptions } from '../helpers/lab.js';

const VERSIONS = ['1.6', '1.7', '2.1'] as const;
const REF = 'docker.io/library/mirror-doctor-demo:1.0';

const opts = testLabOptions(5420);
let state: LabState;
const started: LabProcess[] = [];

beforeAll(async () => {
  state = await labUp(opts, 'basic-auth', quietLog);
}, 600_000);
afterAll(async () => {
  for (const p of started) if (isAlive(p)) await stopProcess(p);
  await labDown(opts, quietLog);
  rmSync(dirname(opts.dir), { recursive: true, force: true });
});

const restartWith = async (v: (typeof VERSIONS)[number], original: string, extra: string) => restartDaemonWith(state, started, v, `${original}\n${extra}`);
const check = (v: (typeof VERSIONS)[number]) => checkDaemon(state, v, REF);

describe('credentials for the basic-auth mirror keyed with a scheme', () => {
  it.each(VERSIONS)('containerd %s: never sent (401), named as the cause; keyed by the host, the mirror serves', async (v) => {
    const d = state.daemons[v]!;
    const original = readFileSync(d.config, 'utf8');
    const table = /^\[(plugins\."[^"]+"\.registry)\]$/m.exec(original)![1]!;
    const mirror = new URL(state.registries.auth!.url).host;
    const auth = (key: string) => `[${table}.configs."${key}".auth]\n  username = "${LAB_AUTH.user}"\n  password = "${LAB_AUTH.password}"\n`;

    await restartWith(v, original, auth(`http://${mirror}`));
    const r = await check(v);
    expect(r.verdict.rootCause, r.verdict.summary).toBe('configs-key-not-a-host');
    const f = r.findings.find((x) => x.id === 'configs-key-not-a-host')!;
    expect(f.severity).toBe('error');
    expect(f.fix[0]).toBe(`rename the table to [${table}.configs."${mirror}".auth] in ${d.config}`);
    expect(JSON.stringify(r)).not.toContain(LAB_AUTH.password);

    await restartWith(v, original, auth(mirror));
    const fixed = await check(v);
    expect(fixed.verdict.rootCause, fixed.verdict.summary).toBeNull();
    expect(fixed.findings.some((x) => x.id === 'mirror-used'), fixed.verdict.summary).toBe(true);
    expect(fixed.findings.some((x) => x.id === 'configs-key-not-a-host')).toBe(false);
  });
});
