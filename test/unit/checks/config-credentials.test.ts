/**
 * A mirror that answers 401 while config.toml keys credentials by another host (docker.io):
 * containerd sends them only to that host (recorded live on 1.7.24 and 2.1.9: CRI's pull got
 * 'no basic auth credentials' at the mirror). On the recorded basic-auth traces, with the
 * credentials written for docker.io, then for the mirror.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'md-config-credentials-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const MIRROR = '127.0.0.1:5105';
const TABLE = 'plugins."io.containerd.cri.v1.images".registry';

async function facts(series: string, authHost: string) {
  const dir = join(tmp, `${series}-${authHost}`);
  cpSync(join(FIXTURES, 'checks', 'configs-tls-ignored'), dir, { recursive: true });
  writeFileSync(join(dir, 'etc/containerd/certs.d/docker.io/hosts.toml'), `server = "https://registry-1.docker.io"\n\n[host."http://${MIRROR}"]\n  capabilities = ["pull", "resolve"]\n`);
  writeFileSync(join(dir, 'etc/containerd/config.toml'), `version = 3\n\n[${TABLE}]\n  config_path = "/etc/containerd/certs.d"\n\n[${TABLE}.configs."${authHost}".auth]\n  username = "labuser"\n  password = "labpass"\n`);
  writeFileSync(join(dir, 'facts.json'), JSON.stringify({ ref: 'docker.io/library/mirror-doctor-demo:1.0', trace: { from: `lab/${series}/basic-auth` } }));
  return factsFromFixture(dir, { containerdVersion: series === '2.1' ? '2.1.9' : '1.7.24' });
}

describe('credentials keyed by the registry, not by its mirror', () => {
  it.each(['1.7', '2.1'])('%s: the 401 at the mirror is explained, and the fix keys them by the mirror', async (series) => {
    const f = runChecks(await facts(series, 'docker.io')).findings.find((x) => x.id === 'mirror-fallback')!;
    expect(f.severity).toBe('error');
    expect(f.detail).toContain(`: config.toml has credentials for docker.io (registry.configs."…".auth), and CRI gives credentials only to the host they are keyed by, so ${MIRROR} gets none`);
    expect(f.evidence.at(-1)).toMatchObject({ source: '/etc/containerd/config.toml', line: 6, text: `[${TABLE}.configs."docker.io".auth]  ← credentials for docker.io only` });
    expect(f.fix[0]).toBe(`key the same credentials by the mirror host too: [${TABLE}.configs."${MIRROR}".auth] with the username and password of [${TABLE}.configs."docker.io".auth]`);
    expect(f.fix.join('\n')).not.toContain('give CRI credentials for the mirror host');
  });

  it('credentials for the mirror itself: not this explanation', async () => {
    const f = runChecks(await facts('2.1', MIRROR)).findings.find((x) => x.id === 'mirror-fallback')!;
    expect(f.detail).not.toContain('config.toml has credentials');
  });

  it('only ctr got the 401 and CRI, with the mirror\'s credentials, used the mirror: information, not a problem', async () => {
    const fx = await facts('2.1', MIRROR);
    // the recorded CRI pull had no credentials; with them it used the mirror (live, 1.7 and 2.1)
    const cri = fx.trace!.paths.find((p) => p.path === 'cri')!;
    cri.doc = null;
    cri.pulled = true;
    cri.error = null;
    cri.evidence = { mirrorUsed: true, mirrorTried: true, servedBy: MIRROR, level: 'proven', basis: [`the daemon connected to ${MIRROR}`], collect: null };
    const run = runChecks(fx);
    const f = run.findings.find((x) => x.id === 'mirror-fallback')!;
    expect([f.severity, run.status]).toEqual(['info', 'ok']);
    expect(f.title).toMatch(/for ctr, which has no credentials$/);
    expect(f.detail).toMatch(/^ctr sends no credentials unless given --user, and mirror-doctor gives it none; CRI \(as kubelet\) has credentials for 127\.0\.0\.1:5105 in config\.toml and used the mirror\. For ctr: /);
  });
});
