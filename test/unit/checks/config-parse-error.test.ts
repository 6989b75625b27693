/**
 * config-parse-error quotes how containerd's exit message starts, per cause and version: the words
 * the 1.6.20, 1.7.24 and 2.1.9 binaries print (test/helpers/config-exit-rows.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { CONFIG_EXIT_ROWS } from '../../helpers/config-exit-rows.js';
import { factsFromFixture } from '../../helpers/facts-fixture.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function detail(config: string, version: string): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'md-parse-error-'));
  dirs.push(root);
  mkdirSync(join(root, 'etc/containerd'), { recursive: true });
  writeFileSync(join(root, 'etc/containerd/config.toml'), config);
  const run = runChecks(await factsFromFixture(root, { offline: true, containerdVersion: version }));
  expect(run.rootCause?.id).toBe('config-parse-error');
  return run.findings.find((f) => f.id === 'config-parse-error')!.detail;
}

describe('config-parse-error: how containerd exits', () => {
  it.each([
    ...CONFIG_EXIT_ROWS,
    // 2.x's `config dump` passes over a missing import: the real start is in config-startup.test.ts
    ['version = 2\nimports = ["/etc/containerd/conf.d/missing.toml"]\n', '1.7.24', 'failed to load TOML'],
    ['version = 2\nimports = ["/etc/containerd/conf.d/missing.toml"]\n', '2.1.9', 'open /etc/containerd/conf.d/missing.toml'],
  ] as ReadonlyArray<readonly [string, string, string]>)('%j on %s: "%s"', async (config, version, exit) => {
    expect(await detail(config, version)).toContain(`"${exit}"`);
  });
});

describe('config-parse-error: a field another minor version refuses', () => {
  const config = 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = 5\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n';
  it.each([
    ['2.1.9', 'error'],
    ['2.2.1', 'warning'],
  ])('on %s: %s', async (version, severity) => {
    const root = mkdtempSync(join(tmpdir(), 'md-parse-error-'));
    dirs.push(root);
    mkdirSync(join(root, 'etc/containerd'), { recursive: true });
    writeFileSync(join(root, 'etc/containerd/config.toml'), config);
    const run = runChecks(await factsFromFixture(root, { offline: true, containerdVersion: version }));
    const f = run.findings.find((x) => x.id === 'config-parse-error')!;
    expect(f.severity).toBe(severity);
    // a warning is no verdict: what was not measured is not the root cause
    expect(run.rootCause?.id === 'config-parse-error').toBe(severity === 'error');
    if (severity === 'warning') expect(f.fix[0]).toMatch(/^containerd config dump >\/dev\/null/);
  });
});
