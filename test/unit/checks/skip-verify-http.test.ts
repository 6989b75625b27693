/**
 * skip_verify on an http:// host (containerd#11647): http-host-with-tls alone speaks of it, with
 * the fix to remove it; skip-verify-enabled's fix (a CA instead) would contradict it.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'md-skip-verify-http-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it.each([
  ['2.1.9', 'warning'],
  // 1.6.25+: an http:// host without a port stays plain HTTP; before it, TLS options never turn HTTPS on
  ['1.6.25', 'info'],
  ['1.6.20', null],
])('containerd %s: http-host-with-tls (%s), no skip-verify-enabled; an https host keeps it', async (version, severity) => {
  const dir = join(tmp, version);
  cpSync(join(FIXTURES, 'checks', 'skip-verify-enabled'), dir, { recursive: true });
  const hosts = join(dir, 'etc/containerd/certs.d/docker.io/hosts.toml');
  writeFileSync(hosts, 'server = "https://registry-1.docker.io"\n\n[host."http://mirror.example.com"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n');
  const ids = async () => runChecks(await factsFromFixture(dir, { offline: true, containerdVersion: version })).findings.map((f) => `${f.id} ${f.severity}`);
  const http = await ids();
  expect(http.filter((f) => f.startsWith('http-host-with-tls'))).toEqual(severity ? [`http-host-with-tls ${severity}`] : []);
  expect(http.filter((f) => f.startsWith('skip-verify-enabled'))).toEqual([]);
  writeFileSync(hosts, 'server = "https://registry-1.docker.io"\n\n[host."https://mirror.example.com"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n');
  expect(await ids()).toContain('skip-verify-enabled warning');
});
