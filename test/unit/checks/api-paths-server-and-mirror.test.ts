/**
 * The /v2 path checks when the server and a mirror are written with the same URL (containerd#6634:
 * an ECR project as both): each finding quotes the URL of the entry it is about.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'md-api-paths-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const URL_ = 'https://123456789012.dkr.ecr.us-west-2.amazonaws.com/myproject/';

it('the server\'s /v2 is appended, the mirror\'s override_path has none: two findings, each with its own URL', async () => {
  const dir = join(tmp, 'ecr');
  cpSync(join(FIXTURES, 'checks', 'mirror-path-needs-override'), dir, { recursive: true });
  writeFileSync(join(dir, 'etc/containerd/certs.d/docker.io/hosts.toml'), `server = "${URL_}"\n[host."${URL_}"]\n  capabilities = ["pull", "resolve"]\n  override_path = true\n`);
  const findings = runChecks(await factsFromFixture(dir, { offline: true })).findings;
  const server = findings.find((f) => f.id === 'mirror-path-needs-override')!;
  expect(server.detail).toMatch(/^server "https:\/\/[^"]+\/myproject\/": .*requests go to https:\/\/123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com\/myproject\/v2\/library\/busybox\/manifests\/latest\?ns=docker\.io\./);
  expect(server.fix[0]).toMatch(/\nserver = "https:\/\/[^"]+\/v2\/myproject"\noverride_path = true\n/);
  const mirror = findings.find((f) => f.id === 'mirror-override-path-without-v2')!;
  expect(mirror.detail).toMatch(/containerd requests https:\/\/123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com\/myproject\/library\/busybox\/manifests\/latest\?ns=docker\.io\.$/);
  expect(mirror.fix.join('\n')).toMatch(/\[host\."https:\/\/[^"]+\/v2\/myproject"\]\n  capabilities = \["pull", "resolve"\]\n  override_path = true/);
});

it('a mirror URL of path / with override_path (k3s#9322: a bare endpoint written as https://HOST/): the fix\'s URL gains /v2, the detail names no //', async () => {
  const dir = join(tmp, 'slash');
  cpSync(join(FIXTURES, 'checks', 'mirror-path-needs-override'), dir, { recursive: true });
  writeFileSync(join(dir, 'etc/containerd/certs.d/docker.io/hosts.toml'), `server = "https://registry-1.docker.io"\n[host."https://mirror.example.com/"]\n  capabilities = ["pull", "resolve"]\n  override_path = true\n`);
  const findings = runChecks(await factsFromFixture(dir, { offline: true })).findings;
  const mirror = findings.find((f) => f.id === 'mirror-override-path-without-v2')!;
  expect(mirror.detail).toMatch(/requests go to \/<repository>\/manifests/);
  expect(mirror.detail).toMatch(/containerd requests https:\/\/mirror\.example\.com\/library\/busybox\/manifests\/latest\?ns=docker\.io\.$/);
  expect(mirror.fix[0]).toMatch(/remove override_path .*\n\[host\."https:\/\/mirror\.example\.com\/"\]\n  capabilities = \["pull", "resolve"\]\nrequests then go to https:\/\/mirror\.example\.com\/v2\/library\/busybox\/manifests\/latest\?ns=docker\.io$/);
});

it("the server's path is wrong but the same URL as a mirror with override_path is asked first (containerd#8415): the server finding is the fallback's, a warning", async () => {
  const dir = join(tmp, 'fallback');
  cpSync(join(FIXTURES, 'checks', 'mirror-path-needs-override'), dir, { recursive: true });
  const url = 'https://gcr.io/v2/my-project';
  writeFileSync(join(dir, 'etc/containerd/certs.d/docker.io/hosts.toml'), `server = "${url}"\n\n[host."${url}"]\n  capabilities = ["pull", "resolve"]\n  override_path = true\n`);
  const r = runChecks(await factsFromFixture(dir, { offline: true }));
  const server = r.findings.filter((f) => f.id === 'mirror-path-needs-override');
  expect(server.map((f) => f.severity)).toEqual(['warning']);
  expect(server[0]!.detail).toMatch(/^server "https:\/\/gcr\.io\/v2\/my-project": .* This is the fallback after https:\/\/gcr\.io\/v2\/my-project, which containerd asks first: it matters only when that mirror fails\.$/);
  expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
});
