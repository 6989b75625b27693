/**
 * A hosts folder named the wrong way (registry-1.docker.io for docker.io) is never read, yet its
 * hosts.toml can hold a second fault: it is reported at once, with a note that containerd reads the
 * file only after the rename, and the misnamed folder stays the root cause.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runChecks } from '../../../src/checks/run.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const run = async (fixture: string) => runChecks(await factsFromFixture(join(FIXTURES, fixture), { ref: 'docker.io/library/nginx:latest', offline: true }));

describe('a misnamed hosts folder', () => {
  it("shows the faults of its hosts.toml now, not after the rename", async () => {
    const r = await run('nodes/misnamed-dir-second-fault');
    expect(r.rootCause?.id).toBe('host-dir-misnamed');
    const noResolve = r.findings.find((f) => f.id === 'mirror-no-resolve');
    expect(noResolve?.severity).toBe('warning');
    expect(noResolve?.evidence[0]?.source).toBe('/etc/containerd/certs.d/registry-1.docker.io/hosts.toml');
    expect(noResolve?.detail).toMatch(/\(\/etc\/containerd\/certs\.d\/registry-1\.docker\.io is never read as it is named; containerd reads it once it is renamed to \/etc\/containerd\/certs\.d\/docker\.io\)$/);
  });

  it('adds nothing when its hosts.toml is fine', async () => {
    const r = await run('checks/host-dir-misnamed');
    expect(r.findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => f.id)).toEqual(['host-dir-misnamed']);
  });

  it('a folder one level down (certs.d/_backup/docker.io) is reported with its faults and the tool that may have moved it', async () => {
    const r = await run('nodes/nested-dir-in-backup');
    expect(r.rootCause?.id).toBe('host-dir-misnamed');
    const misnamed = r.findings.find((f) => f.id === 'host-dir-misnamed');
    expect(misnamed?.title).toBe("the registry's hosts folder is inside _backup/, where containerd does not look");
    expect(misnamed?.fix[0]).toBe('mv /etc/containerd/certs.d/_backup/docker.io /etc/containerd/certs.d/docker.io');
    expect(misnamed?.fix[1]).toMatch(/^if a tool moved it into _backup\/ when it started/);
    expect(r.findings.find((f) => f.id === 'mirror-no-resolve')?.evidence[0]?.source).toBe('/etc/containerd/certs.d/_backup/docker.io/hosts.toml');
    expect(r.findings.some((f) => f.id === 'host-dir-missing' && f.severity !== 'ok' && f.severity !== 'info')).toBe(false);
  });

  it('a copy one level down is not reported when the registry has its own folder', async () => {
    const r = await runChecks(await factsFromFixture(join(FIXTURES, 'nodes/nested-dir-in-backup'), { ref: 'quay.io/app/x:1', offline: true }));
    expect(r.findings.filter((f) => f.id === 'host-dir-misnamed')).toEqual([]);
  });
});
