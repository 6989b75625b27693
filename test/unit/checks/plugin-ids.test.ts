/**
 * A version 1 table name (`[plugins."cri"]`) in a version 2 file: containerd 1.x does not start
 * (`invalid plugin key URI`), which is the cause, not that the table is not read; 2.x migrates it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const fixture = join(FIXTURES, 'checks', '_v1-tables-in-v2-file');
const run = async (v: string) => runChecks(await factsFromFixture(fixture, { offline: true, containerdVersion: v }));

describe('plugin ids in config.toml', () => {
  it.each(['1.6.20', '1.7.24'])('containerd %s: the short table name stops containerd, and is the root cause', async (v) => {
    const r = await run(v);
    expect(r.rootCause?.id).toBe('disabled-plugin-invalid');
    const f = r.findings.find((x) => x.id === 'disabled-plugin-invalid')!;
    expect(f.detail).toMatch(/the table \[plugins\."cri"\] is not a full plugin id in a version 2 file/);
    expect(f.evidence.some((e) => e.kind === 'file' && e.line === 2 && /\[plugins\."cri"\.registry\]/.test(e.text))).toBe(true);
    expect(f.evidence.some((e) => /invalid plugin key URI "cri" expect io\.containerd\.x\.vx/.test(e.text))).toBe(true);
    expect(f.fix.join('\n')).toMatch(/\[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\]/);
  });

  it('containerd 2.1.9 starts with it: no such finding', async () => {
    const r = await run('2.1.9');
    expect(r.findings.some((x) => x.id === 'disabled-plugin-invalid')).toBe(false);
  });
});

describe('a CRI registry field of the wrong type', () => {
  const fixture = join(FIXTURES, 'checks', '_cri-config-path-integer');
  it.each(['1.6.20', '1.7.24', '2.1.9'])('containerd %s does not start: the root cause, not "config_path is not set"', async (v) => {
    const r = await runChecks(await factsFromFixture(fixture, { offline: true, containerdVersion: v }));
    expect(r.rootCause?.id).toBe('config-parse-error');
    const f = r.findings.find((x) => x.id === 'config-parse-error')!;
    expect(f.detail).toMatch(/config_path is an integer, where the CRI plugin wants a string: containerd .* exits while loading the CRI plugin/);
    expect(f.detail).toContain(v.startsWith('2.') ? 'toml: cannot decode' : "Can't convert");
    expect(f.evidence.some((e) => e.kind === 'file' && e.line === 4 && e.column === 3)).toBe(true);
    expect(r.findings.some((x) => x.id === 'config-path-unset')).toBe(false);
  });
});
