import { describe, expect, it } from 'vitest';
import { normalizeDockerReference, parseCriReference, parseCtrReference } from '../../../src/containerd/reference.js';

const D = 'sha256:' + 'a'.repeat(64);

describe('ctr references: containerd reference.Parse, no normalisation (§1.2, §5.6)', () => {
  it.each([
    ['nginx', 'object required'],
    ['nginx:latest', 'parse "dummy://nginx:latest": invalid port ":latest" after host'],
    ['docker.io/library/nginx', 'object required'],
    ['https://docker.io/library/nginx:latest', 'invalid reference'],
    ['/nginx:latest', 'hostname required'],
    ['docker.io/library/nginx@sha256:abc', 'invalid checksum digest length'],
    ['reg.example.com/a b:1', undefined],
  ])('%s → %s', (ref, error) => {
    const r = parseCtrReference(ref);
    if (error === undefined) expect(r.ok).toBe(true);
    else expect(r).toMatchObject({ ok: false, error });
  });
  it.each([
    ['library/nginx:latest', 'library', 'nginx', 'latest'],
    ['docker.io/library/nginx:latest', 'docker.io', 'library/nginx', 'latest'],
    ['myregistry.io:5000/team/app:1.0', 'myregistry.io:5000', 'team/app', '1.0'],
    ['[::1]:5000/app:1', '[::1]:5000', 'app', '1'],
    ['localhost:5000/app:v2', 'localhost:5000', 'app', 'v2'],
  ])('%s → host %s, repository %s, tag %s', (ref, host, repo, tag) => {
    const r = parseCtrReference(ref);
    expect(r.ok && [r.ref.hostname, r.ref.repository, r.ref.tag]).toEqual([host, repo, tag]);
  });
  it('tag@digest keeps both; the digest wins when resolving', () => {
    const r = parseCtrReference(`docker.io/library/nginx:1.27@${D}`);
    expect(r.ok && [r.ref.tag, r.ref.digest]).toEqual(['1.27', D]);
  });
});

describe('CRI references: ParseDockerRef normalisation (§1.2)', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['bitnami/redis', 'docker.io/bitnami/redis:latest'],
    ['index.docker.io/library/nginx', 'docker.io/library/nginx:latest'],
    ['localhost/app', 'localhost/app:latest'],
    ['myregistry.io:5000/app', 'myregistry.io:5000/app:latest'],
    [`nginx:1.27@${D}`, `docker.io/library/nginx@${D}`],
  ])('%s → %s', (input, name) => {
    expect(normalizeDockerReference(input)).toEqual({ ok: true, name });
  });
  it.each([
    ['Nginx', 'invalid reference format: repository name must be lowercase'],
    ['nginx:lat est', 'invalid reference format'],
    ['a'.repeat(64), `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
  ])('%s → %s', (input, error) => {
    expect(normalizeDockerReference(input)).toEqual({ ok: false, error });
  });
  it('CRI resolves docker.io for a short name, never registry-1.docker.io', () => {
    const r = parseCriReference('nginx');
    expect(r.ok && r.ref.hostname).toBe('docker.io');
    expect(r.ok && r.normalizedFrom).toBe('nginx');
  });
});
