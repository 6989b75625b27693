/**
 * registry-key-unknown on config.toml files with one misspelt key each, as real configs have them
 * (`endpoints`, `mirror`, `user`, dashes for underscores). Whether the key costs the reference's
 * registry its mirrors decides error or warning; 2.x names the log line containerd 2.1.9 wrote.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { factsFromFixture } from '../../helpers/facts-fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'md-registry-key-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

async function run(config: string, version = '1.7.24', ref = 'docker.io/library/mirror-doctor-demo:1.0') {
  const dir = join(tmp, String(n++));
  mkdirSync(join(dir, 'etc/containerd'), { recursive: true });
  writeFileSync(join(dir, 'etc/containerd/config.toml'), config);
  writeFileSync(join(dir, 'facts.json'), JSON.stringify({ ref, containerdVersion: version }));
  return runChecks(await factsFromFixture(dir, { offline: true }));
}
const V2 = 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".registry';
const V3 = 'version = 3\n\n[plugins."io.containerd.cri.v1.images".registry';

describe('registry-key-unknown', () => {
  it.each([
    ['mirror for mirrors, the reference\'s registry', `${V2}.mirror."docker.io"]\n  endpoint = ["https://m.example"]\n`, 'error', 'registry.mirror', 'mirrors'],
    ['endpoints for endpoint under "*"', `${V2}.mirrors."*"]\n  endpoints = ["https://m.example"]\n`, 'error', 'registry.mirrors."*".endpoints', 'endpoint'],
    ['another registry\'s mirrors', `${V2}.mirror."quay.io"]\n  endpoint = ["https://m.example"]\n`, 'warning', 'registry.mirror', 'mirrors'],
    ['user for username', `${V2}.configs."m.example".auth]\n  user = "u"\n  password = "p"\n`, 'warning', 'registry.configs."m.example".auth.user', 'username'],
    ['1.x tls with dashes', `${V2}.configs."m.example".tls]\n  insecure-skip-verify = true\n`, 'warning', 'registry.configs."m.example".tls.insecure-skip-verify', 'insecure_skip_verify'],
    ['a key like nothing known', `${V2}]\n  config_path = "/etc/containerd/certs.d"\n  flavour = "x"\n`, 'warning', 'registry.flavour', null],
  ])('%s', async (_name, config, severity, key, like) => {
    const r = await run(config);
    const f = r.findings.filter((x) => x.id === 'registry-key-unknown');
    expect(f.map((x) => [x.severity, x.title])).toEqual([[severity, `${key} is not a key containerd knows: it is ignored`]]);
    expect(f[0]!.fix[0]).toMatch(like ? new RegExp(`^rename \\S+ to ${like} in /etc/containerd/config\\.toml line \\d+, then: `) : /^remove flavour in /);
    if (severity === 'error') expect(r.rootCause?.id).toBe('registry-key-unknown');
  });

  it('the cause before config-path-unset, which the lost mirrors table also brings', async () => {
    const r = await run(`${V2}.mirror."docker.io"]\n  endpoint = ["https://m.example"]\n`);
    expect(r.findings.some((x) => x.id === 'config-path-unset' && x.severity === 'error')).toBe(true);
    expect(r.rootCause?.id).toBe('registry-key-unknown');
  });

  it('2.x: the log line containerd writes at start; tls is configs-tls-ignored\'s, config_path lookalikes config-path-unset\'s', async () => {
    const r = await run(`${V3}.mirrors."docker.io"]\n  endpoints = ["https://m.example"]\n[plugins."io.containerd.cri.v1.images".registry.configs."m.example".tls]\n  ca_file = "/ca.crt"\n`, '2.1.9');
    const f = r.findings.filter((x) => x.id === 'registry-key-unknown');
    expect(f.map((x) => x.title)).toEqual(['registry.mirrors."docker.io".endpoints is not a key containerd knows: it is ignored']);
    expect(f[0]!.evidence.at(-1)!.text).toBe('level=warning msg="Ignoring unknown key in TOML for plugin" error="strict mode: fields in the document are missing in the target struct" key="registry mirrors docker.io endpoints" plugin=io.containerd.cri.v1.images');
    expect(r.findings.some((x) => x.id === 'configs-tls-ignored')).toBe(true);
    const lookalike = await run(`${V3}]\n  config-path = "/etc/containerd/certs.d"\n`, '2.1.9');
    expect(lookalike.findings.filter((x) => x.id === 'registry-key-unknown')).toEqual([]);
    expect(lookalike.rootCause?.id).toBe('config-path-unset');
  });

  it('nothing for the keys containerd knows', async () => {
    const r = await run(`${V2}]\n  config_path = ""\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["https://m.example"]\n[plugins."io.containerd.grpc.v1.cri".registry.configs."m.example".auth]\n  username = "u"\n  password = "p"\n[plugins."io.containerd.grpc.v1.cri".registry.configs."m.example".tls]\n  insecure_skip_verify = true\n[plugins."io.containerd.grpc.v1.cri".registry.headers]\n  X-Anything = ["1"]\n`);
    expect(r.findings.filter((x) => x.id === 'registry-key-unknown')).toEqual([]);
  });
});
