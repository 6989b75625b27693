import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { main } from '../../../src/cli/main.js';
import { captureCliOutput } from '../../helpers/capture-output.js';

const FIX = path.resolve(__dirname, '../../fixtures/nodes');
const cli = captureCliOutput();
const run = (...args: string[]) => main(['node', 'mirror-doctor', ...args]);

describe('mirror-doctor explain', () => {
  it('text: plan per client with the mirror URL and the discard reason', async () => {
    const code = await run('explain', 'docker.io/library/busybox:latest', '--root', path.join(FIX, 'bad-capability'), '--containerd-version', '1.7.24', '--hosts-dir', '/etc/containerd/certs.d');
    expect(code).toBe(0);
    expect(cli.out).toContain('x hosts.toml discarded: unknown capability "fetch" at 2:38 — containerd logs \'failed to decode hosts.toml\' and uses the upstream only');
    expect(cli.out).toContain('HEAD https://registry-1.docker.io/v2/library/busybox/manifests/latest');
    expect(cli.out).toMatch(/uses the upstream only \(allowed: pull, resolve, push\) \[containerd hosts\.go loadHostDir\]$/m);
  });
  it.each([
    ['1.7.24', 'https://github.com/containerd/containerd/blob/v1.7.24/remotes/docker/config/hosts.go#L300-L321'],
    ['2.1.9', 'https://github.com/containerd/containerd/blob/v2.1.9/core/remotes/docker/config/hosts.go#L314-L335'],
  ])('json: a decision links the containerd %s source it follows', async (version, url) => {
    expect(await run('explain', 'docker.io/library/busybox:latest', '--root', path.join(FIX, 'bad-capability'), '--containerd-version', version, '--json')).toBe(0);
    const j = JSON.parse(cli.out);
    const cri = j.plans.find((p: { client: string }) => p.client === 'cri');
    const discarded = cri.decisions.find((d: { code: string }) => d.code === 'hosts-toml.discarded');
    expect(discarded.source).toEqual({ label: 'containerd hosts.go loadHostDir', url });
    expect(discarded).not.toHaveProperty('cite');
  });
  it('a reference that names the mirror itself: said at the top, and only then', async () => {
    expect(await run('explain', '127.0.0.1:5101/library/busybox:latest', '--root', path.join(FIX, 'mirror-ok'), '--containerd-version', '1.7.24')).toBe(0);
    expect(cli.out).toMatch(/^ {2}- 127\.0\.0\.1:5101 is the mirror this node uses for docker\.io \(\/etc\/containerd\/certs\.d\/docker\.io\/hosts\.toml\): containerd looks up a hosts folder for the reference's own host only, so this reference is pulled from the mirror directly \[containerd config_unix\.go hostPaths\]$/m);
    cli.out = '';
    expect(await run('explain', 'docker.io/library/busybox:latest', '--root', path.join(FIX, 'mirror-ok'), '--containerd-version', '1.7.24')).toBe(0);
    expect(cli.out).not.toContain('is the mirror this node uses');
  });
  it('json: stable schema, mirror first with ns', async () => {
    const code = await run('explain', 'busybox', '--root', path.join(FIX, 'mirror-ok'), '--containerd-version', '1.7.24', '--json');
    expect(code).toBe(0);
    const j = JSON.parse(cli.out);
    expect(j.schema).toBe('mirror-doctor.explain/v2');
    const cri = j.plans.find((p: { client: string }) => p.client === 'cri');
    expect(cri.resolve.attempts.map((a: { url: string }) => a.url)).toEqual([
      'http://127.0.0.1:5101/v2/library/busybox/manifests/latest?ns=docker.io',
      'https://registry-1.docker.io/v2/library/busybox/manifests/latest',
    ]);
  });
  it('--help lists every option with an example', async () => {
    expect(await run('explain', '--help')).toBe(0);
    for (const o of ['--root', '--config', '--hosts-dir', '--containerd-version', '--json']) expect(cli.out).toContain(o);
    expect(cli.out).toContain('$ mirror-doctor explain');
  });
  it.each([
    [['explain', '-foo'], 'invalid image reference "-foo"'],
    [['explain', '--', '-foo'], 'invalid image reference "-foo"'],
    [['explain', 'nginx', '--jsn'], 'unknown option "--jsn"'],
    [['explain', 'Nginx:lat est'], 'invalid image reference'],
    [['explain', 'nginx', '--containerd-version', 'banana'], 'cannot read a containerd version'],
    [['explain', 'nginx', '--root', '/nonexistent-root-xyz'], '--root /nonexistent-root-xyz does not exist'],
    [['explain', 'nginx', '--root', FIX + '/mirror-ok/etc/containerd/config.toml'], 'config.toml is not a directory'],
    [['explain', 'nginx', '--root', FIX + '/mirror-ok', '--config', '/nope.toml', '--containerd-version', '2.1.9'], 'does not exist'],
    [['explain', 'nginx', '--root', FIX + '/mirror-ok', '--config', '/etc/containerd', '--containerd-version', '2.1.9'], 'is a directory'],
  ])('bad input %j → exit 2, one clear line', async (args, msg) => {
    expect(await run(...args)).toBe(2);
    expect(cli.err).toContain(msg);
    expect(cli.err).not.toMatch(/\n\s+at /);
  });
  it('binary garbage, a 10 MB file, 60,000 tiny tables and a symlink loop as --config → exit 2', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'md-explain-'));
    fs.writeFileSync(path.join(dir, 'bin.toml'), Buffer.from([0x76, 0x00, 0xff, 0xfe]));
    fs.writeFileSync(path.join(dir, 'big.toml'), Buffer.alloc(10 * 1024 * 1024 + 1, 0x61));
    // small in bytes, but each table costs the TOML parser far more than its bytes
    fs.writeFileSync(path.join(dir, 'tables.toml'), Array.from({ length: 60_000 }, (_, i) => `[t${i}]\n`).join(''));
    // a loop under --root (relative), and a link naming this machine's path of itself: under the root that path does not exist
    fs.symlinkSync('loop', path.join(dir, 'loop'));
    fs.symlinkSync(path.join(dir, 'host-path'), path.join(dir, 'host-path'));
    try {
      for (const [f, msg] of [['bin.toml', 'not text'], ['big.toml', 'larger than'], ['tables.toml', 'tables.toml holds more than 50000 TOML tables, keys and values; not a containerd config (not analysed)'], ['loop', 'too many levels of symbolic links'], ['host-path', 'config file /host-path does not exist under']] as const) {
        cli.err = '';
        expect(await run('explain', 'nginx', '--root', dir, '--config', `/${f}`, '--containerd-version', '2.1.9')).toBe(2);
        expect(cli.err).toContain(msg);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
