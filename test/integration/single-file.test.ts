/**
 * The single-file build (dist/mirror-doctor.mjs, built by `npm run build`) runs from an empty
 * folder, with no node_modules anywhere near it, against the real lab.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { labDown, labUp, type LabState } from '../../src/lab/lab.js';
import { testLabOptions, quietLog } from '../helpers/lab.js';

const opts = testLabOptions(5250);
const BUNDLE = resolve(__dirname, '../../dist/mirror-doctor.mjs');
let state: LabState;
let empty: string;

describe('single-file build', () => {
  beforeAll(async () => {
    expect(existsSync(BUNDLE), 'run `npm run build` first').toBe(true);
    state = await labUp(opts, 'cri-config-edited-after-start', quietLog);
    empty = mkdtempSync(join(tmpdir(), 'md-single-'));
    copyFileSync(BUNDLE, join(empty, 'mirror-doctor.mjs'));
  });
  afterAll(async () => {
    await labDown(opts, quietLog);
    rmSync(dirname(opts.dir), { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  });

  const run = (...args: string[]) => execa(process.execPath, ['mirror-doctor.mjs', ...args], { cwd: empty, reject: false, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });

  it('is alone in its folder', () => {
    expect(readdirSync(empty)).toEqual(['mirror-doctor.mjs']);
  });

  it('explains the lab node', async () => {
    const d = state.daemons['1.7']!;
    const r = await run('explain', 'docker.io/library/mirror-doctor-demo:1.0', '--config', d.config, '--hosts-dir', state.hostsDir, '--containerd-version', d.packageVersion, '--json');
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { schema: string; plans: Array<{ client: string; endpoints: Array<{ host: string }> }> };
    expect(doc.schema).toBe('mirror-doctor.explain/v2');
    expect(doc.plans.find((p) => p.client === 'ctr-hosts-dir')!.endpoints[0]!.host).toBe(`127.0.0.1:${state.ports.mirror}`);
  });

  it.each(['1.6', '1.7', '2.1'] as const)('traces containerd %s and names the restart', async (v) => {
    const d = state.daemons[v]!;
    const r = await run('trace', 'mirror-doctor-demo:1.0', '--ctr', d.ctr, '--address', d.address, '--config', d.config, '--hosts-dir', state.hostsDir, '--daemon-log', d.log, '--json');
    // 1: a problem found (the CRI pull fails until containerd is restarted)
    expect(r.exitCode, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as { schema: string; comparison: { verdict: string } };
    expect(doc.schema).toBe('mirror-doctor.trace-run/v1');
    expect(doc.comparison.verdict).toMatch(/ctr with --hosts-dir uses the mirror, CRI does not/);
    expect(doc.comparison.verdict).toMatch(/restart containerd/);
  });

  it('parses a log from stdin', async () => {
    const r = await execa(process.execPath, ['mirror-doctor.mjs', 'parse', '-', '--json'], {
      cwd: empty,
      reject: false,
      input: 'time="2026-01-01T00:00:00Z" level=info msg="trying next host - response was http.StatusNotFound" host="127.0.0.1:5102"\n',
    });
    expect(r.exitCode, r.stderr).toBeLessThanOrEqual(1);
    expect(JSON.parse(r.stdout)[0].attempts[0].host).toBe('127.0.0.1:5102');
  });
});
