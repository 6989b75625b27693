/**
 * ca-file-unused on the fixture (a CA in the mirror's own folder, the traced pull failing on the
 * mirror's certificate: tls-no-ca recorded on 2.1) and on copies of it changed one way each: the
 * CA beside hosts.toml, the CA set with `ca`, skip_verify, no trace, a plain-HTTP mirror.
 */
import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import type { FactsOverlay } from '../../helpers/facts-fixture.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const FIXTURE = join(FIXTURES, 'checks', 'ca-file-unused');
const CERTS = '/etc/containerd/certs.d';
const tmp = mkdtempSync(join(tmpdir(), 'md-ca-file-unused-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the fixture, changed by `edit` (given the copy's certs.d). */
function variant(name: string, edit: (certs: string) => void): string {
  const dir = join(tmp, name);
  cpSync(FIXTURE, dir, { recursive: true });
  edit(join(dir, 'etc/containerd/certs.d'));
  return dir;
}

const run = async (dir: string, extra: FactsOverlay = {}) => runChecks(await factsFromFixture(dir, extra));
const hostsToml = (body: string) => `server = "https://registry-1.docker.io"\n\n${body}`;

describe('ca-file-unused', () => {
  it('a CA in the mirror\'s own folder, and the trace failing on its certificate: an error, and the root cause', async () => {
    const r = await run(FIXTURE);
    const f = r.findings.find((x) => x.id === 'ca-file-unused')!;
    expect(f.severity).toBe('error');
    expect(r.rootCause?.id).toBe('ca-file-unused');
    expect(f.evidence.map((e) => e.source)).toEqual([`${CERTS}/docker.io/hosts.toml`, `${CERTS}/127.0.0.1:5104/ca.crt`, 'ctr --hosts-dir output', 'CRI (as kubelet) daemon log']);
    // the symptom is still reported
    expect(r.findings.find((x) => x.id === 'mirror-fallback')?.title).toMatch(/\(tls-unknown-authority\)/);
  });

  it('without a trace: a warning, not a cause', async () => {
    const r = await run(FIXTURE, { offline: true });
    expect(r.findings.find((x) => x.id === 'ca-file-unused')?.severity).toBe('warning');
    expect(r.rootCause).toBeNull();
  });

  it('the folder in the port form (127.0.0.1_5104_) too', async () => {
    const dir = variant('port-form', (c) => renameSync(join(c, '127.0.0.1:5104'), join(c, '127.0.0.1_5104_')));
    expect((await run(dir)).findings.find((x) => x.id === 'ca-file-unused')?.title).toBe(`${CERTS}/127.0.0.1_5104_/ca.crt is not used for 127.0.0.1:5104`);
  });

  it('a CA beside hosts.toml: not read, since the folder has a hosts.toml', async () => {
    const dir = variant('beside', (c) => {
      renameSync(join(c, '127.0.0.1:5104/ca.crt'), join(c, 'docker.io/ca.crt'));
      rmSync(join(c, '127.0.0.1:5104'), { recursive: true });
    });
    const f = (await run(dir)).findings.find((x) => x.id === 'ca-file-unused')!;
    expect(f.title).toBe(`${CERTS}/docker.io/ca.crt is not used for 127.0.0.1:5104`);
    expect(f.detail).toMatch(/it is beside \/etc\/containerd\/certs\.d\/docker\.io\/hosts\.toml, and containerd reads certificate files of a folder only when it has no hosts\.toml/);
    expect(f.fix[0]).toBe(`in ${CERTS}/docker.io/hosts.toml, under [host."https://127.0.0.1:5104"]: ca = "${CERTS}/docker.io/ca.crt"`);
  });

  it('once the mirror\'s ca names the file beside hosts.toml: nothing, not even for the server', async () => {
    const dir = variant('fixed', (c) => {
      renameSync(join(c, '127.0.0.1:5104/ca.crt'), join(c, 'docker.io/ca.crt'));
      rmSync(join(c, '127.0.0.1:5104'), { recursive: true });
      writeFileSync(join(c, 'docker.io/hosts.toml'), hostsToml('[host."https://127.0.0.1:5104"]\n  capabilities = ["pull", "resolve"]\n  ca = "ca.crt"\n'));
    });
    expect((await run(dir, { offline: true })).findings.filter((x) => x.id === 'ca-file-unused')).toEqual([]);
  });

  it('a registry of its own (server only) with its CA beside hosts.toml', async () => {
    const dir = variant('server-only', (c) => {
      renameSync(join(c, '127.0.0.1:5104/ca.crt'), join(c, 'docker.io/ca.crt'));
      writeFileSync(join(c, 'docker.io/hosts.toml'), 'server = "https://registry.example.internal"\n');
    });
    expect((await run(dir, { offline: true })).findings.find((x) => x.id === 'ca-file-unused')?.title).toBe(`${CERTS}/docker.io/ca.crt is not used for registry.example.internal`);
  });

  it.each([
    ['the mirror has a ca', `[host."https://127.0.0.1:5104"]\n  capabilities = ["pull", "resolve"]\n  ca = "${CERTS}/127.0.0.1:5104/ca.crt"\n`],
    ['the mirror skips verification', '[host."https://127.0.0.1:5104"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n'],
    ['the mirror speaks plain HTTP', '[host."http://127.0.0.1:5104"]\n  capabilities = ["pull", "resolve"]\n'],
  ])('not reported when %s', async (_name, body) => {
    const dir = variant(_name.replace(/ /g, '-'), (c) => writeFileSync(join(c, 'docker.io/hosts.toml'), hostsToml(body)));
    expect((await run(dir, { offline: true })).findings.filter((x) => x.id === 'ca-file-unused')).toEqual([]);
  });
});
