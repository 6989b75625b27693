/**
 * mirrorRoles: the registries a host is the mirror (or another registry's server) for, from the
 * hosts folders and from CRI's registry.mirrors. Each row is one node layout.
 */
import { describe, expect, it } from 'vitest';
import { mirrorRoles, type MirrorRole } from '../../../src/containerd/mirror-roles.js';
import { profile, snap, type FakeFile } from './helpers.js';

const R = '/etc/containerd/certs.d';
const MIRROR = 'mirror.lab:5000';
const mirrorToml = (url: string, server = 'https://registry-1.docker.io') => `server = "${server}"\n\n[host."${url}"]\n  capabilities = ["pull", "resolve"]\n`;

const rows: Array<{ name: string; files: Record<string, FakeFile>; legacy?: Record<string, string[]>; want: MirrorRole[] }> = [
  { name: 'a [host] entry of docker.io', files: { [`${R}/docker.io/hosts.toml`]: mirrorToml(`http://${MIRROR}`) }, want: [{ registry: 'docker.io', from: { hostsToml: `${R}/docker.io/hosts.toml` }, scheme: 'http' }] },
  { name: 'the port-form folder of another registry', files: { [`${R}/reg.lab_5443_/hosts.toml`]: mirrorToml(`https://${MIRROR}`, 'https://reg.lab:5443') }, want: [{ registry: 'reg.lab:5443', from: { hostsToml: `${R}/reg.lab_5443_/hosts.toml` }, scheme: 'https' }] },
  { name: 'the server of another registry', files: { [`${R}/quay.io/hosts.toml`]: `server = "https://${MIRROR}"\n` }, want: [{ registry: 'quay.io', from: { hostsToml: `${R}/quay.io/hosts.toml` }, scheme: 'https' }] },
  { name: '_default: every registry without a folder', files: { [`${R}/_default/hosts.toml`]: `[host."http://${MIRROR}"]\n  capabilities = ["pull", "resolve"]\n` }, want: [{ registry: '*', from: { hostsToml: `${R}/_default/hosts.toml` }, scheme: 'http' }] },
  { name: 'its own folder is not a role', files: { [`${R}/mirror.lab_5000_/hosts.toml`]: `server = "http://${MIRROR}"\n` }, want: [] },
  { name: 'another port of the same name is another host', files: { [`${R}/docker.io/hosts.toml`]: mirrorToml('http://mirror.lab:5001') }, want: [] },
  { name: 'a hosts.toml containerd cannot parse names nothing', files: { [`${R}/docker.io/hosts.toml`]: `[host."http://${MIRROR}"\n` }, want: [] },
  { name: 'a folder of certificates only names nothing', files: { [`${R}/${MIRROR}/ca.crt`]: 'x', [`${R}/docker.io/ca.crt`]: 'x' }, want: [] },
  { name: "CRI's registry.mirrors", files: {}, legacy: { 'docker.io': [`http://${MIRROR}`] }, want: [{ registry: 'docker.io', from: { mirrorsKey: 'docker.io' }, scheme: 'http' }] },
  { name: 'registry.mirrors with no scheme (CRI adds one)', files: {}, legacy: { 'docker.io': [MIRROR] }, want: [{ registry: 'docker.io', from: { mirrorsKey: 'docker.io' }, scheme: 'https' }] },
  { name: 'registry.mirrors."*"', files: {}, legacy: { '*': [`http://${MIRROR}`] }, want: [{ registry: '*', from: { mirrorsKey: '*' }, scheme: 'http' }] },
  { name: "registry.mirrors of the host's own registry", files: {}, legacy: { [MIRROR]: [`http://${MIRROR}`] }, want: [] },
  {
    name: 'both places, in order: folders, then registry.mirrors',
    files: { [`${R}/docker.io/hosts.toml`]: mirrorToml(`http://${MIRROR}`), [`${R}/ghcr.io/hosts.toml`]: mirrorToml(`http://${MIRROR}`, 'https://ghcr.io') },
    legacy: { 'quay.io': [`http://${MIRROR}`] },
    want: [
      { registry: 'docker.io', from: { hostsToml: `${R}/docker.io/hosts.toml` }, scheme: 'http' },
      { registry: 'ghcr.io', from: { hostsToml: `${R}/ghcr.io/hosts.toml` }, scheme: 'http' },
      { registry: 'quay.io', from: { mirrorsKey: 'quay.io' }, scheme: 'http' },
    ],
  },
];

describe('mirrorRoles', () => {
  it("docker.io's own API host as its server is no mirror", () => {
    const files = snap({ [`${R}/docker.io/hosts.toml`]: mirrorToml(`http://${MIRROR}`) });
    expect(mirrorRoles('registry-1.docker.io', [R], {}, files, profile('2.1.9'))).toEqual([]);
  });

  it.each(rows)("$name", ({ files, legacy, want }) => {
    expect(mirrorRoles(MIRROR, [R], legacy ?? {}, snap(files), profile("2.1.9"))).toEqual(want);
  });

  it('only the roots given are read', () => {
    const files = snap({ [`/other/docker.io/hosts.toml`]: mirrorToml(`http://${MIRROR}`) });
    expect(mirrorRoles(MIRROR, [R], {}, files, profile('1.7.24'))).toEqual([]);
    expect(mirrorRoles(MIRROR, [R, '/other'], {}, files, profile('1.7.24')).map((r) => r.registry)).toEqual(['docker.io']);
  });
});
