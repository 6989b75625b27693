/**
 * `--root` confines every read to the copied tree, as the node itself would resolve its paths:
 * links to this machine's files (absolute, or relative with `..` past the root) name the copy's
 * path, which is missing there; links inside the copy resolve; loops are ELOOP. For config.toml,
 * its imports, the hosts folders (a linked certs.d, a linked hosts.toml) and the ca/client files,
 * and with every file system call of the gathering recorded: none leaves the root.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Facts } from '../../../src/checks/facts.js';
import { runChecks } from '../../../src/checks/run.js';
import { main } from '../../../src/cli/main.js';
import { lookupEntry } from '../../../src/containerd/node-snapshot.js';
import { gatherFacts, type GatherDeps } from '../../../src/probe/facts.js';
import type { FsLike } from '../../../src/probe/node-files.js';
import type { TraceOptions } from '../../../src/probe/tracer.js';
import type { TraceRun } from '../../../src/trace/run-schema.js';
import { captureCliOutput } from '../../helpers/capture-output.js';

const cli = captureCliOutput();

let base: string;
/** the copied node */
let root: string;
/** this machine's files the copy must never reach */
let host: string;
const MARKER = 'HOST-ONLY-a1b2c3';

beforeEach(() => {
  base = fs.mkdtempSync(join(tmpdir(), 'md-confine-'));
  root = join(base, 'node');
  host = join(base, 'host');
  fs.mkdirSync(root);
  write(host, '/secret.toml', `# ${MARKER}\nversion = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/${MARKER}"\n`);
  write(host, '/certs.d/docker.io/hosts.toml', `# ${MARKER}\n[host."http://${MARKER}.example:5000"]\n  capabilities = ["pull", "resolve"]\n`);
  write(host, '/ca.crt', `-----BEGIN CERTIFICATE-----\n${MARKER}\n-----END CERTIFICATE-----\n`);
});
afterEach(() => {
  fs.rmSync(base, { recursive: true, force: true });
});

function write(dir: string, p: string, text: string): void {
  fs.mkdirSync(dirname(join(dir, p)), { recursive: true });
  fs.writeFileSync(join(dir, p), text);
}
function link(target: string, p: string): void {
  fs.mkdirSync(dirname(join(root, p)), { recursive: true });
  fs.symlinkSync(target, join(root, p));
}

const V2 = (configPath: string) => `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "${configPath}"\n`;
const HOSTS = (mirror: string, extra = '') => `server = "https://registry-1.docker.io"\n\n[host."${mirror}"]\n  capabilities = ["pull", "resolve"]\n${extra}`;

/** fs/promises, recording every path any call is given. */
function recordingFs(): { fs: FsLike; seen: string[] } {
  const seen: string[] = [];
  const rec =
    <A extends unknown[], R>(f: (p: string, ...a: A) => Promise<R>) =>
    (p: string, ...a: A) => {
      seen.push(p);
      return f(p, ...a);
    };
  return {
    seen,
    fs: {
      stat: rec((p) => fsp.stat(p)),
      lstat: rec((p) => fsp.lstat(p)),
      readlink: rec((p) => fsp.readlink(p)),
      readdir: rec((p, o: { withFileTypes: true }) => fsp.readdir(p, o)),
      readFile: rec((p) => fsp.readFile(p)),
    },
  };
}

const noDaemon: GatherDeps = {
  daemon: () => {
    throw new Error('the daemon must not be contacted');
  },
  socketProblem: async () => {
    throw new Error('the socket must not be touched');
  },
  exec: async () => {
    throw new Error('no command may run');
  },
  findDaemon: () => {
    throw new Error('/proc must not be read');
  },
  user: { uid: 0, gid: 0, groups: [0], name: 'root' },
};

/** gatherFacts offline under the root; fails the test when any file system call left the root. */
async function gather(ref = 'docker.io/library/nginx:latest'): Promise<Facts> {
  const r = recordingFs();
  const facts = await gatherFacts({ root, ref, offline: true }, { ...noDaemon, fs: r.fs, statFs: r.fs });
  expect(r.seen.length).toBeGreaterThan(0);
  const outside = r.seen.filter((p) => p !== root && !p.startsWith(`${root}/`));
  expect(outside).toEqual([]);
  expect(JSON.stringify(facts)).not.toContain(MARKER);
  return facts;
}

const ids = (facts: Facts) => runChecks(facts).findings.filter((f) => f.severity !== 'ok').map((f) => f.id);

describe('--root: config.toml', () => {
  it('a link to this machine\'s /etc/shadow: `check` prints nothing of the host file', async () => {
    link('/etc/shadow', '/etc/containerd/config.toml');
    let shadow: string[] = [];
    try {
      shadow = fs.readFileSync('/etc/shadow', 'utf8').split('\n').filter((l) => l.length > 4);
    } catch {
      /* not readable here: the marker file below proves the same */
    }
    for (const args of [[], ['--json']]) {
      cli.out = '';
      cli.err = '';
      const code = await main(['node', 'mirror-doctor', 'check', 'docker.io/library/nginx:latest', '--root', root, '--offline', ...args]);
      expect(code).not.toBe(2);
      const printed = cli.out + cli.err;
      for (const line of shadow) expect(printed).not.toContain(line);
      expect(printed).not.toMatch(/^\S+:[^:\s]*:\d+:\d*:\d*:/m);
      expect(printed).toContain('config-missing');
    }
    const facts = await gather();
    expect(lookupEntry(facts.snapshot, '/etc/containerd/config.toml')).toEqual({ kind: 'missing' });
  });

  it.each([
    ['absolute, to this machine', () => join(host, 'secret.toml')],
    ['relative, `..` past the root', () => `../../../../../../../../../..${join(host, 'secret.toml')}`],
  ])('a link out of the copy (%s) is the copy\'s path: missing there, never the host file', async (_what, target) => {
    link(target(), '/etc/containerd/config.toml');
    const facts = await gather();
    expect(lookupEntry(facts.snapshot, '/etc/containerd/config.toml')).toEqual({ kind: 'missing' });
    expect(ids(facts)).toContain('config-missing');
  });

  it('the same link finds the copy\'s own file at that path', async () => {
    link(join(host, 'secret.toml'), '/etc/containerd/config.toml');
    write(root, join(host, 'secret.toml'), V2('/etc/containerd/certs.d'));
    write(root, '/etc/containerd/certs.d/docker.io/hosts.toml', HOSTS('http://10.0.0.1:5000'));
    const facts = await gather();
    const e = lookupEntry(facts.snapshot, '/etc/containerd/config.toml');
    expect(e.kind === 'file' && e.content?.kind === 'text' && e.content.text).toBe(V2('/etc/containerd/certs.d'));
    expect(ids(facts)).not.toContain('config-missing');
  });

  it.each([
    ['absolute', '/opt/k8s/containerd.toml'],
    ['relative', '../../opt/k8s/containerd.toml'],
  ])('a link inside the copy (%s) resolves: no false config-missing', async (_what, target) => {
    write(root, '/opt/k8s/containerd.toml', V2('/etc/containerd/certs.d'));
    link(target, '/etc/containerd/config.toml');
    write(root, '/etc/containerd/certs.d/docker.io/hosts.toml', HOSTS('http://10.0.0.1:5000'));
    const facts = await gather();
    expect(ids(facts)).not.toContain('config-missing');
    expect(ids(facts)).not.toContain('config-path-unset');
    expect(facts.hostRoots[0]).toEqual({ root: '/etc/containerd/certs.d', reason: 'config_path' });
    expect(runChecks(facts).status).toBe('ok');
  });

  it('a symlinked /etc/containerd folder (absolute link inside the copy)', async () => {
    write(root, '/srv/containerd/config.toml', V2('/etc/containerd/certs.d'));
    write(root, '/srv/containerd/certs.d/docker.io/hosts.toml', HOSTS('http://10.0.0.1:5000'));
    link('/srv/containerd', '/etc/containerd');
    const facts = await gather();
    expect(runChecks(facts).status).toBe('ok');
  });

  it('a loop is ELOOP, as the node would get it', async () => {
    link('/etc/containerd/other.toml', '/etc/containerd/config.toml');
    link('config.toml', '/etc/containerd/other.toml');
    const facts = await gather();
    expect(lookupEntry(facts.snapshot, '/etc/containerd/config.toml')).toEqual({ kind: 'stat-error', error: { code: 'ELOOP' } });
    const unreadable = runChecks(facts).findings.find((f) => f.id === 'config-unreadable');
    expect(unreadable?.detail).toContain('too many levels of symbolic links');
  });

  it('--config with `..` stops at the root', async () => {
    write(root, '/etc/containerd/config.toml', V2('/etc/containerd/certs.d'));
    const r = recordingFs();
    const facts = await gatherFacts({ root, config: '/../../../etc/containerd/config.toml', offline: true }, { ...noDaemon, fs: r.fs, statFs: r.fs });
    expect(facts.configFile).toBe('/etc/containerd/config.toml');
    expect(lookupEntry(facts.snapshot, '/etc/containerd/config.toml').kind).toBe('file');
  });
});

describe('--root: config imports', () => {
  it('a linked conf.d inside the copy is read; an import linked out of the copy is missing', async () => {
    write(root, '/etc/containerd/config.toml', 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml", "extra.toml"]\n');
    write(root, '/opt/conf.d/10-registry.toml', V2('/etc/containerd/certs.d'));
    link('/opt/conf.d', '/etc/containerd/conf.d');
    link(join(host, 'secret.toml'), '/etc/containerd/extra.toml');
    write(root, '/etc/containerd/certs.d/docker.io/hosts.toml', HOSTS('http://10.0.0.1:5000'));
    const facts = await gather();
    expect(facts.snapshot.globs?.['/etc/containerd/conf.d/*.toml']).toEqual(['/etc/containerd/conf.d/10-registry.toml']);
    expect(lookupEntry(facts.snapshot, '/etc/containerd/extra.toml')).toEqual({ kind: 'missing' });
    expect(facts.hostRoots[0]).toEqual({ root: '/etc/containerd/certs.d', reason: 'config_path' });
    expect(ids(facts)).not.toContain('config-path-unset');
  });

  it('a conf.d linked out of the copy matches nothing', async () => {
    write(root, '/etc/containerd/config.toml', 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n');
    link(host, '/etc/containerd/conf.d');
    const facts = await gather();
    expect(facts.snapshot.globs?.['/etc/containerd/conf.d/*.toml']).toEqual([]);
  });
});

describe('--root: hosts folders', () => {
  beforeEach(() => {
    write(root, '/etc/containerd/config.toml', V2('/etc/containerd/certs.d'));
  });

  it.each([
    ['absolute', '/srv/registries'],
    ['relative', '../../srv/registries'],
  ])('a certs.d linked inside the copy (%s) is listed and read', async (_what, target) => {
    write(root, '/srv/registries/docker.io/hosts.toml', HOSTS('http://10.0.0.1:5000'));
    link(target, '/etc/containerd/certs.d');
    const facts = await gather();
    const e = lookupEntry(facts.snapshot, '/etc/containerd/certs.d');
    expect(e.kind === 'directory' && e.entries?.map((d) => d.name)).toEqual(['docker.io']);
    expect(lookupEntry(facts.snapshot, '/etc/containerd/certs.d/docker.io/hosts.toml').kind).toBe('file');
    expect(runChecks(facts).status).toBe('ok');
    // the root as containerd sees it: a link to a folder anyone may read
    const d = facts.hostDirEntries.find((h) => h.path === '/etc/containerd/certs.d');
    expect(d).toMatchObject({ kind: 'symlink', readableByRoot: true });
  });

  it('a certs.d linked to this machine\'s folder is missing under the root: nothing of it is read or described', async () => {
    link(join(host, 'certs.d'), '/etc/containerd/certs.d');
    const facts = await gather();
    expect(lookupEntry(facts.snapshot, '/etc/containerd/certs.d')).toEqual({ kind: 'missing' });
    // what a dangling link on the node itself gives
    expect(ids(facts)).toContain('hosts-path-unreadable');
    // lstat finds the link in the copy; following it leads nowhere: nobody can read it
    const d = facts.hostDirEntries.find((h) => h.path === '/etc/containerd/certs.d');
    expect(d).toMatchObject({ kind: 'symlink', readableByRoot: false, readableByUser: false });
    const st = fs.lstatSync(join(root, 'etc/containerd/certs.d'));
    expect(d?.owner).toBe(st.uid);
  });

  it.each([
    ['absolute', '/srv/hosts/docker.toml'],
    ['relative', '../../../../srv/hosts/docker.toml'],
  ])('a hosts.toml linked inside the copy (%s) is read', async (_what, target) => {
    write(root, '/srv/hosts/docker.toml', HOSTS('http://10.0.0.1:5000'));
    link(target, '/etc/containerd/certs.d/docker.io/hosts.toml');
    const facts = await gather();
    const e = lookupEntry(facts.snapshot, '/etc/containerd/certs.d/docker.io/hosts.toml');
    expect(e.kind === 'file' && e.content?.kind === 'text' && e.content.text).toContain('http://10.0.0.1:5000');
    expect(runChecks(facts).status).toBe('ok');
  });

  it('a hosts.toml linked out of the copy is missing; a looping one is ELOOP', async () => {
    link(join(host, 'certs.d/docker.io/hosts.toml'), '/etc/containerd/certs.d/docker.io/hosts.toml');
    link('hosts.toml', '/etc/containerd/certs.d/quay.io/hosts.toml');
    const facts = await gather();
    expect(lookupEntry(facts.snapshot, '/etc/containerd/certs.d/docker.io/hosts.toml')).toEqual({ kind: 'missing' });
    expect(lookupEntry(facts.snapshot, '/etc/containerd/certs.d/quay.io/hosts.toml')).toEqual({ kind: 'stat-error', error: { code: 'ELOOP' } });
    expect(ids(facts)).toContain('hosts-toml-missing');
  });

  it('a certs.d that loops is ELOOP', async () => {
    link('/etc/containerd/certs.d', '/etc/containerd/certs.d');
    const facts = await gather();
    expect(lookupEntry(facts.snapshot, '/etc/containerd/certs.d')).toEqual({ kind: 'stat-error', error: { code: 'ELOOP' } });
  });
});

describe('--root: ca and client files', () => {
  it('a ca linked inside the copy is read; a ca and a client pair linked out of it are missing', async () => {
    write(root, '/etc/containerd/config.toml', V2('/etc/containerd/certs.d'));
    const pem = fs.readFileSync(join(__dirname, '../../fixtures/lab/2.1/tls-with-ca/hosts/docker.io/lab-ca.crt'), 'utf8');
    write(root, '/opt/pki/ca.crt', pem);
    link('/opt/pki/ca.crt', '/etc/pki/registry-ca.crt');
    link(join(host, 'ca.crt'), '/etc/pki/host-ca.crt');
    link(join(host, 'ca.crt'), '/etc/pki/client.crt');
    link(`../../../../../..${join(host, 'ca.crt')}`, '/etc/pki/client.key');
    write(root, '/etc/containerd/certs.d/docker.io/hosts.toml', HOSTS('https://10.0.0.1:5000', '  ca = "/etc/pki/registry-ca.crt"\n'));
    write(root, '/etc/containerd/certs.d/quay.io/hosts.toml', HOSTS('https://10.0.0.2:5000', '  ca = "/etc/pki/host-ca.crt"\n  client = [["/etc/pki/client.crt", "/etc/pki/client.key"]]\n'));
    const facts = await gather();
    const ca = lookupEntry(facts.snapshot, '/etc/pki/registry-ca.crt');
    expect(ca.kind === 'file' && ca.content?.kind === 'text' && ca.content.text).toBe(pem);
    for (const p of ['/etc/pki/host-ca.crt', '/etc/pki/client.crt', '/etc/pki/client.key']) expect(lookupEntry(facts.snapshot, p)).toEqual({ kind: 'missing' });
    expect(ids(facts)).not.toContain('ca-file-missing');
    const quay = await gather('quay.io/app:1');
    expect(ids(quay)).toContain('ca-file-missing');
  });
});

describe('--root: the node\'s other files', () => {
  it('distribution markers and /etc/hostname linked out of the copy are not this machine\'s', async () => {
    write(root, '/etc/containerd/config.toml', V2('/etc/containerd/certs.d'));
    // k3s's marker folder exists on this machine only
    write(host, '/k3s/data/x', '');
    link(join(host, 'k3s'), '/var/lib/rancher/k3s');
    write(host, '/hostname', `${MARKER}\n`);
    link(join(host, 'hostname'), '/etc/hostname');
    const facts = await gather();
    expect(facts.distribution.kind).toBe('containerd');
    expect(facts.nodeName).toBeNull();
  });
});

describe('--root with a daemon (the fleet pod): the paths handed to ctr and the tracer', () => {
  const online = (got: { options?: TraceOptions }): GatherDeps => ({
    socketProblem: async () => null,
    daemon: () => ({
      version: async () => '1.7.24',
      plugins: async () => [],
      criStatus: async () => ({ conditions: [], info: {} }),
      close: () => undefined,
    }),
    findDaemon: () => null,
    exec: async () => ({ exitCode: 0, stdout: 'ctr github.com/containerd/containerd v1.7.24\n', stderr: '', error: null }),
    runTrace: async (o) => {
      got.options = o;
      return { schema: 'mirror-doctor.trace-run/v1' } as unknown as TraceRun;
    },
    user: { uid: 0, gid: 0, groups: [0], name: 'root' },
  });

  it('a linked config.toml and certs.d are given as their targets under the root', async () => {
    write(root, '/opt/k8s/containerd.toml', V2('/etc/containerd/certs.d'));
    link('/opt/k8s/containerd.toml', '/etc/containerd/config.toml');
    write(root, '/srv/registries/docker.io/hosts.toml', HOSTS('http://10.0.0.1:5000'));
    link('/srv/registries', '/etc/containerd/certs.d');
    const got: { options?: TraceOptions } = {};
    const f = await gatherFacts({ root, ref: 'docker.io/library/nginx:latest', address: '/run/x.sock', ctr: '/bin/ctr' }, online(got));
    expect(f.traceError).toBeNull();
    expect(got.options?.hostsDir).toBe(join(root, 'srv/registries'));
    expect(got.options?.configFile).toBe(join(root, 'opt/k8s/containerd.toml'));
  });

  it('links out of the root: ctr gets the path under the root (missing there), the tracer no config file', async () => {
    link(join(host, 'secret.toml'), '/etc/containerd/config.toml');
    link(join(host, 'certs.d'), '/etc/containerd/certs.d');
    const got: { options?: TraceOptions } = {};
    const f = await gatherFacts({ root, ref: 'docker.io/library/nginx:latest', address: '/run/x.sock', ctr: '/bin/ctr', hostsDir: '/etc/containerd/certs.d' }, online(got));
    expect(f.traceError).toBeNull();
    // the first folder of the link's target that the copy does not have
    expect(got.options?.hostsDir).toBe(join(root, host.split('/')[1]!));
    expect(fs.existsSync(got.options!.hostsDir)).toBe(false);
    expect(got.options?.configFile).toBeUndefined();
  });

  it('a hosts folder that loops is not handed to ctr (it would follow it out of the root)', async () => {
    link('/etc/containerd/certs.d', '/etc/containerd/certs.d');
    const got: { options?: TraceOptions } = {};
    const f = await gatherFacts({ root, ref: 'docker.io/library/nginx:latest', address: '/run/x.sock', ctr: '/bin/ctr', hostsDir: '/etc/containerd/certs.d' }, online(got));
    expect(got.options).toBeUndefined();
    expect(f.traceError).toBe(`not run: stat /etc/containerd/certs.d: too many levels of symbolic links (the hosts folder for ctr --hosts-dir, under ${root})`);
  });
});
