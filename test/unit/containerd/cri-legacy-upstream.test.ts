/**
 * containerd's own unit tests for CRI's legacy host list (config_path empty), translated case by
 * case and run through `mirror-doctor explain --json` on a node root holding only config.toml.
 * Each case names its upstream file, tag and test; the cases are the same at every tag listed
 * (v1.5.18, v1.6.39, v1.7.24: pkg/cri/server/image_pull_test.go; v2.1.9:
 * internal/cri/server/images/image_pull_test.go).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { captureCliOutput } from '../../helpers/capture-output.js';

const cli = captureCliOutput();
const tmp = mkdtempSync(join(tmpdir(), 'md-cri-legacy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Emulated version → the tag and test file the upstream case comes from. */
const TAGS: Array<{ version: string; tag: string; file: string }> = [
  { version: '1.5.18', tag: 'v1.5.18', file: 'pkg/cri/server/image_pull_test.go' },
  { version: '1.6.39', tag: 'v1.6.39', file: 'pkg/cri/server/image_pull_test.go' },
  { version: '1.7.24', tag: 'v1.7.24', file: 'pkg/cri/server/image_pull_test.go' },
  { version: '2.1.9', tag: 'v2.1.9', file: 'internal/cri/server/images/image_pull_test.go' },
];

const q = (s: string) => JSON.stringify(s);

/** config.toml with CRI's legacy mirrors and no config_path, in the table each major reads. */
function configToml(version: string, mirrors: Record<string, string[]>): string {
  const v2 = version.startsWith('2.');
  const table = v2 ? 'plugins."io.containerd.cri.v1.images"' : 'plugins."io.containerd.grpc.v1.cri"';
  const lines = [v2 ? 'version = 3' : 'version = 2'];
  // 2.1 pulls through the transfer service unless told (or forced by mirrors) to pull locally
  if (v2) lines.push(`[${table}]`, '  use_local_image_pull = true');
  for (const [host, endpoints] of Object.entries(mirrors)) {
    lines.push(`[${table}.registry.mirrors.${q(host)}]`, `  endpoint = [${endpoints.map(q).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

let n = 0;
interface Endpoint {
  kind: string;
  written: string;
  scheme: string;
  host: string;
  path: string;
  capabilities: string[];
  httpFallback: boolean;
}
interface CriPlan {
  hostRoots: string[];
  status: string;
  endpoints: Endpoint[];
  resolve: { attempts: Array<{ url: string; fallbackUrl: string | null }> };
}

async function criPlan(version: string, mirrors: Record<string, string[]>, ref: string): Promise<CriPlan> {
  const root = join(tmp, String(n++));
  mkdirSync(join(root, 'etc/containerd'), { recursive: true });
  writeFileSync(join(root, 'etc/containerd/config.toml'), configToml(version, mirrors));
  expect(await main(['node', 'mirror-doctor', 'explain', ref, '--root', root, '--containerd-version', version, '--json'])).toBe(0);
  const j = JSON.parse(cli.out) as { plans: Array<CriPlan & { client: string }> };
  return j.plans.find((p) => p.client === 'cri')!;
}

// TestRegistryEndpoints: mirrors + host → the endpoint list registryEndpoints returns.
const REGISTRY_ENDPOINTS: Array<{ test: string; mirrors: Record<string, string[]>; host: string; expected: string[] }> = [
  { test: 'no mirror configured', mirrors: { 'registry-1.io': ['https://registry-1.io', 'https://registry-2.io'] }, host: 'registry-3.io', expected: ['https://registry-3.io'] },
  { test: 'mirror configured', mirrors: { 'registry-3.io': ['https://registry-1.io', 'https://registry-2.io'] }, host: 'registry-3.io', expected: ['https://registry-1.io', 'https://registry-2.io', 'https://registry-3.io'] },
  { test: 'wildcard mirror configured', mirrors: { '*': ['https://registry-1.io', 'https://registry-2.io'] }, host: 'registry-3.io', expected: ['https://registry-1.io', 'https://registry-2.io', 'https://registry-3.io'] },
  {
    test: 'host should take precedence if both host and wildcard mirrors are configured',
    mirrors: { '*': ['https://registry-1.io'], 'registry-3.io': ['https://registry-2.io'] },
    host: 'registry-3.io',
    expected: ['https://registry-2.io', 'https://registry-3.io'],
  },
  { test: 'default endpoint in list with http', mirrors: { 'registry-3.io': ['https://registry-1.io', 'https://registry-2.io', 'http://registry-3.io'] }, host: 'registry-3.io', expected: ['https://registry-1.io', 'https://registry-2.io', 'http://registry-3.io'] },
  { test: 'default endpoint in list with https', mirrors: { 'registry-3.io': ['https://registry-1.io', 'https://registry-2.io', 'https://registry-3.io'] }, host: 'registry-3.io', expected: ['https://registry-1.io', 'https://registry-2.io', 'https://registry-3.io'] },
  { test: 'default endpoint in list with path', mirrors: { 'registry-3.io': ['https://registry-1.io', 'https://registry-2.io', 'https://registry-3.io/path'] }, host: 'registry-3.io', expected: ['https://registry-1.io', 'https://registry-2.io', 'https://registry-3.io/path'] },
  { test: 'miss scheme endpoint in list with path', mirrors: { 'registry-3.io': ['https://registry-3.io', 'registry-1.io', '127.0.0.1:1234'] }, host: 'registry-3.io', expected: ['https://registry-3.io', 'https://registry-1.io', 'http://127.0.0.1:1234'] },
];

// TestDefaultScheme: host → scheme. `asReference`: the host can also be an image reference's
// registry host as CRI parses it ("remote/app" normalises to docker.io, "::1" is no reference host).
const DEFAULT_SCHEME: Array<{ test: string; host: string; expected: 'http' | 'https'; asReference: boolean }> = [
  { test: 'should use http by default for localhost', host: 'localhost', expected: 'http', asReference: true },
  { test: 'should use http by default for localhost with port', host: 'localhost:8080', expected: 'http', asReference: true },
  { test: 'should use http by default for 127.0.0.1', host: '127.0.0.1', expected: 'http', asReference: true },
  { test: 'should use http by default for 127.0.0.1 with port', host: '127.0.0.1:8080', expected: 'http', asReference: true },
  { test: 'should use http by default for ::1', host: '::1', expected: 'http', asReference: false },
  { test: 'should use http by default for ::1 with port', host: '[::1]:8080', expected: 'http', asReference: false },
  { test: 'should use https by default for remote host', host: 'remote', expected: 'https', asReference: false },
  { test: 'should use https by default for remote host with port', host: 'remote:8080', expected: 'https', asReference: true },
  { test: 'should use https by default for remote ip', host: '8.8.8.8', expected: 'https', asReference: true },
  { test: 'should use https by default for remote ip with port', host: '8.8.8.8:8080', expected: 'https', asReference: true },
];

describe.each(TAGS)('containerd $tag $file', ({ version, tag, file }) => {
  it.each(REGISTRY_ENDPOINTS)(`${file}@${tag} TestRegistryEndpoints/$test`, async ({ mirrors, host, expected }) => {
    const cri = await criPlan(version, mirrors, `${host}/app:1`);
    expect(cri.hostRoots).toEqual([]);
    expect(cri.status).toBe('requests');
    expect(cri.endpoints.map((e) => e.written)).toEqual(expected);
    // registryHosts: pull+resolve on every host (the registry's own too), no push, no HTTPS-first;
    // the path as written, /v2 only for an endpoint without one
    for (const e of cri.endpoints) {
      expect(e.capabilities).toEqual(['pull', 'resolve']);
      expect(e.httpFallback).toBe(false);
      expect(e.path).toBe(/^[a-z]+:\/\/[^/]+(\/.*)$/.exec(e.written)?.[1] ?? '/v2');
    }
    expect(cri.resolve.attempts.map((a) => a.fallbackUrl)).toEqual(expected.map(() => null));
  });

  it.each(DEFAULT_SCHEME)(`${file}@${tag} TestDefaultScheme/$test (an endpoint without scheme)`, async ({ host, expected }) => {
    const cri = await criPlan(version, { 'docker.io': [host] }, 'docker.io/library/app:1');
    expect(cri.endpoints[0]).toMatchObject({ written: `${expected}://${host}`, scheme: expected, httpFallback: false });
  });

  it.each(DEFAULT_SCHEME.filter((c) => c.asReference))(`${file}@${tag} TestDefaultScheme/$test (the registry itself, no mirrors)`, async ({ host, expected }) => {
    const cri = await criPlan(version, {}, `${host}/app:1`);
    expect(cri.endpoints).toHaveLength(1);
    expect(cri.endpoints[0]).toMatchObject({ kind: 'upstream', written: `${expected}://${host}`, scheme: expected, path: '/v2', httpFallback: false });
    expect(cri.resolve.attempts).toEqual([{ endpoint: 0, method: 'HEAD', url: `${expected}://${host}/v2/app/manifests/1`, fallbackUrl: null }]);
  });
});
