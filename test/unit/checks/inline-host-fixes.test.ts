/**
 * Fixes edit a host where it is written: inside its inline table (the form containerd 1.x reads for
 * an IPv6 host), never a second `[host."…"]` header for the same key.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const run = async (fixture: string, containerdVersion: string) =>
  runChecks(await factsFromFixture(join(FIXTURES, fixture), { ref: 'docker.io/library/nginx:latest', offline: true, containerdVersion }));

describe('the capabilities fix', () => {
  it('for an inline host on 1.x: inside its inline table', async () => {
    const r = await run('nodes/inline-ipv6-host-no-resolve', '1.7.24');
    const f = r.findings.find((x) => x.id === 'mirror-no-resolve');
    expect(f?.fix[0]).toBe('in /etc/containerd/certs.d/docker.io/hosts.toml line 4, inside the inline table of "http://[fd00::1]:5000" under [host]: capabilities = ["pull", "resolve"]');
  });

  it('for a header table: under the header', async () => {
    const r = await run('nodes/misnamed-dir-second-fault', '2.1.9');
    const f = r.findings.find((x) => x.id === 'mirror-no-resolve');
    expect(f?.fix[0]).toBe('in /etc/containerd/certs.d/registry-1.docker.io/hosts.toml: [host."http://mirror.example.com:5000"]\n  capabilities = ["pull", "resolve"]');
  });

  it('the scheme fix for an inline host renames its key', async () => {
    const r = await run('nodes/inline-host-no-scheme', '1.7.24');
    const f = r.findings.find((x) => x.id === 'mirror-missing-scheme');
    expect(f?.fix[0]).toBe('in /etc/containerd/certs.d/docker.io/hosts.toml line 3: "https://mirror.example.com:5000" = { … }');
  });
});
