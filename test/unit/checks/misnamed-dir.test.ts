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
});
