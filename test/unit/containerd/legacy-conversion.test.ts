/**
 * The legacy-mirrors conversion, as a property: for every version the emulation profiles and a
 * generated corpus of `registry.mirrors` configs, CRI's plan with the generated hosts.toml files
 * (config_path set to their folder) asks the same hosts, in the same order, with the same schemes,
 * URLs and capabilities as CRI's plan with the legacy config — or the conversion names the
 * difference for that registry in a limit. Deterministic (seeded PRNG).
 */
import { describe, expect, it } from 'vitest';
import { explain } from '../../../src/containerd/explain.js';
import type { ClientPlan } from '../../../src/containerd/plan.js';
import { convertLegacyMirrors, limitCovers, type LegacyConversion } from '../../../src/containerd/legacy-mirrors-hosts.js';
import type { BehaviourProfile } from '../../../src/containerd/version.js';
import { rng } from '../../helpers/rng.js';
import { profile, snap } from './helpers.js';

const CFG = '/etc/containerd/config.toml';
const ROOT = '/etc/containerd/certs.d';

// every behaviour boundary of version.ts that touches hosts, schemes, paths or CRI's pull mode
const VERSIONS = [
  '1.5.18', '1.6.0', '1.6.8', '1.6.9', '1.6.16', '1.6.17', '1.6.24', '1.6.25', '1.6.39',
  '1.7.0', '1.7.6', '1.7.7', '1.7.8', '1.7.23', '1.7.24', '1.7.31', '1.7.32',
  '2.0.0', '2.0.7', '2.1.0', '2.1.9', '2.2.0', '2.2.2', '2.3.0',
];

const REGISTRIES = ['docker.io', 'registry.example.com', 'quay.io', '127.0.0.1:5000', 'localhost:5000', 'localhost', '10.0.0.5:5000', '[::1]:5000', '127.0.0.2'];
const HOSTS = [
  'mirror.example.com', 'mirror.example.com:8443', 'cache', '127.0.0.1:5000', 'localhost:5000', 'localhost', 'localhost:80', 'localhost:443',
  '10.0.0.5', '192.168.1.10:5000', '[::1]:5000', 'registry-1.docker.io', 'docker.io', 'quay.io', 'registry.example.com',
];
const PATHS = ['', '', '', '/', '/v2', '/v2/', '/proxy', '/proxy/', '/v2/proxy', '/repository/docker/v2', '/a/b', '//v2'];

function configText(mirrors: Record<string, string[]>, p: BehaviourProfile, configPath?: string): string {
  const table = p.version.major >= 2 ? 'plugins."io.containerd.cri.v1.images".registry' : 'plugins."io.containerd.grpc.v1.cri".registry';
  const lines = [p.version.major >= 2 ? 'version = 3' : 'version = 2'];
  // 2.2.0/2.2.1 ship config_path in their default config, so a legacy setup there clears it
  const path = configPath ?? (p.criDefaultConfigPath.form === 'default-config' ? '' : undefined);
  if (path !== undefined) lines.push(`[${table}]`, `  config_path = ${JSON.stringify(path)}`);
  // as inline tables: 1.x's go-toml v1 refuses a `[` (an IPv6 key) in a table header
  const entries = Object.entries(mirrors);
  if (entries.length) lines.push(`[${table}.mirrors]`);
  for (const [k, eps] of entries) lines.push(`  ${JSON.stringify(k)} = { endpoint = [${eps.map((e) => JSON.stringify(e)).join(', ')}] }`);
  return `${lines.join('\n')}\n`;
}

function criPlan(files: Record<string, string>, p: BehaviourProfile, ref: string): ClientPlan {
  const r = explain({ ref, snapshot: snap(files), profile: p, profileSource: 'option', configFile: CFG });
  return r.plans.find((x) => x.client === 'cri')!;
}

/** What decides the requests of a pull: hosts in order with scheme and capabilities, resolve and fetch URLs. */
function requests(plan: ClientPlan) {
  return {
    status: plan.status,
    error: plan.error?.replace(/^.*?: (?=get registry endpoints|no resolve hosts)/, ''),
    hosts: plan.endpoints.map((e) => ({
      scheme: e.scheme,
      host: e.host,
      httpFallback: e.httpFallback,
      usable: e.usable,
      // the registry filled in for a folder without `server` also gets push (+ referrers on 2.2+), which no pull asks for and
      // CRI never uses; every entry the conversion writes has exactly pull and resolve
      capabilities: e.kind === 'upstream' && plan.legacyMirrorsKey === undefined ? e.capabilities.filter((c) => c === 'pull' || c === 'resolve') : e.capabilities,
    })),
    resolve: plan.resolve?.attempts.map((a) => `${a.method} ${a.url}${a.fallbackUrl ? ` | ${a.fallbackUrl}` : ''}`),
    resolveSkipped: plan.resolve?.skipped.map((s) => s.host),
    fetch: plan.fetch?.attempts.map((a) => `${a.method} ${a.url}${a.fallbackUrl ? ` | ${a.fallbackUrl}` : ''}`),
  };
}

function refFor(host: string, digest: boolean): string {
  const repo = host === 'docker.io' ? 'docker.io/library/busybox' : `${host}/team/app`;
  return digest ? `${repo}@sha256:${'a'.repeat(64)}` : `${repo}:1.0`;
}

function hostOf(endpoint: string): string {
  return /^(?:[a-z]+:\/\/)?([^/]*)/.exec(endpoint)![1]!;
}

function generate(r: () => number): Record<string, string[]> {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const mirrors: Record<string, string[]> = {};
  const keys = new Set<string>();
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) keys.add(pick(REGISTRIES));
  if (r() < 0.4) keys.add('*');
  for (const k of keys) {
    const eps: string[] = [];
    const m = Math.floor(r() * 4);
    for (let j = 0; j < m; j++) {
      const host = r() < 0.15 && k !== '*' ? k : pick(HOSTS);
      const scheme = pick(['', '', 'http://', 'https://']);
      eps.push(`${scheme}${host}${pick(PATHS)}`);
    }
    mirrors[k] = eps;
  }
  return mirrors;
}

interface Outcome {
  /** the converted files ask the same */
  same: number;
  /** a loopback registry without a folder, the same once it has the folder the limit advises */
  advised: number;
  /** a limit names the difference */
  limited: number;
}

function checkConfig(mirrors: Record<string, string[]>, v: string, p: BehaviourProfile, r: () => number, out: Outcome): void {
  const conversion: LegacyConversion = convertLegacyMirrors(mirrors, p);
  const legacyFiles = { [CFG]: configText(mirrors, p) };
  const hostsFiles: Record<string, string> = { [CFG]: configText({}, p, ROOT), [`${ROOT}/README`]: 'the folder exists even when no file is written\n' };
  for (const f of conversion.files) hostsFiles[`${ROOT}/${f.folder}/hosts.toml`] = f.text;

  const registries = new Set([...Object.keys(mirrors).filter((k) => k !== '*'), ...Object.values(mirrors).flat().map(hostOf), 'docker.io', 'localhost:5000', 'other.example.com']);
  for (const reg of registries) {
    if (reg === '') continue;
    const ref = refFor(reg, r() < 0.3);
    const legacy = criPlan(legacyFiles, p, ref);
    if (!legacy.reference) {
      // a reference CRI cannot parse fails the same way before any host is chosen
      expect(criPlan(hostsFiles, p, ref).error).toBe(legacy.error);
      continue;
    }
    expect(legacy.legacyMirrorsKey, `${v} legacy plan for ${ref}`).not.toBeUndefined();
    const converted = criPlan(hostsFiles, p, ref);
    expect(converted.legacyMirrorsKey, `${v} hosts.toml plan for ${ref}`).toBeUndefined();
    const a = requests(legacy);
    const b = requests(converted);
    if (JSON.stringify(a) === JSON.stringify(b)) {
      out.same++;
      continue;
    }
    const host = converted.reference?.hostname ?? reg;
    const covering = conversion.limits.filter((l) => limitCovers(conversion, l, host, p));
    const files = () => conversion.files.map((f) => `--- ${f.folder}/hosts.toml\n${f.text}`).join('\n');
    if (covering.length === 0) {
      expect.soft(b, `containerd ${v}, mirrors ${JSON.stringify(mirrors)}, pull ${ref}: the converted files ask differently and no limit says so\n${files()}`).toEqual(a);
      return;
    }
    if (covering.every((l) => l.withoutFolder === 'loopback' && !l.registries.includes(host))) {
      // the advice of the loopback limit: a folder for the registry, written like the others, makes the requests the same
      const own = convertLegacyMirrors({ [host]: mirrors['*'] ?? [] }, p).files.find((f) => f.registry === host)!;
      const advised = requests(criPlan({ ...hostsFiles, [`${ROOT}/${own.folder}/hosts.toml`]: own.text }, p, ref));
      expect.soft(advised, `containerd ${v}, mirrors ${JSON.stringify(mirrors)}, pull ${ref} with ${own.folder}/hosts.toml added as the limit advises\n${own.text}`).toEqual(a);
      out.advised++;
      continue;
    }
    out.limited++;
  }
}

describe('legacy registry.mirrors → hosts.toml: the same requests, or a stated limit', () => {
  it.each(VERSIONS)('containerd %s', (v) => {
    const p = profile(v);
    const r = rng(0x5eed ^ Number(v.replace(/\./g, '')));
    const out: Outcome = { same: 0, advised: 0, limited: 0 };
    for (let i = 0; i < 120; i++) checkConfig(generate(r), v, p, r, out);
    expect(out.same).toBeGreaterThan(out.advised + out.limited);
  });
});

describe('convertLegacyMirrors, examples', () => {
  it('1.7.24: scheme-less loopback endpoint → http, a path → override_path, the registry itself as server', () => {
    const c = convertLegacyMirrors({ 'docker.io': ['127.0.0.1:5000', 'https://nexus.example.com/repository/hub/'] }, profile('1.7.24'));
    expect(c.files).toEqual([
      {
        registry: 'docker.io',
        folder: 'docker.io',
        text:
          'server = "https://registry-1.docker.io"\ncapabilities = ["pull", "resolve"]\n\n' +
          '[host."http://127.0.0.1:5000"]\n  capabilities = ["pull", "resolve"]\n\n' +
          '[host."https://nexus.example.com/repository/hub/"]\n  capabilities = ["pull", "resolve"]\n  override_path = true\n',
      },
      // pulled directly, the loopback mirror keeps plain http (without a folder 1.7.24 would try HTTPS first)
      {
        registry: '127.0.0.1:5000',
        folder: '127.0.0.1_5000_',
        text: 'server = "http://127.0.0.1:5000"\ncapabilities = ["pull", "resolve"]\n\n[host]   # containerd 1.x before 1.7.32 rejects a hosts.toml without a [host] table\n',
      },
    ]);
  });

  it('an endpoint naming the registry: nothing appended, the last endpoint is server; an empty [host] table where the file has no mirror', () => {
    const c = convertLegacyMirrors({ 'localhost:5000': ['localhost:5000'] }, profile('1.6.20'));
    expect(c.files).toEqual([{ registry: 'localhost:5000', folder: 'localhost_5000_', text: 'server = "http://localhost:5000"\ncapabilities = ["pull", "resolve"]\n\n[host]   # containerd 1.x before 1.7.32 rejects a hosts.toml without a [host] table\n' }]);
  });

  it('"*": _default from 1.6.17, plus a folder for a registry a "*" endpoint names; before 1.6.17 a stated limit', () => {
    const c = convertLegacyMirrors({ '*': ['https://cache.example.com'] }, profile('1.6.17'));
    expect(c.files.map((f) => f.folder)).toEqual(['cache.example.com', '_default']);
    const old = convertLegacyMirrors({ '*': ['https://cache.example.com'] }, profile('1.6.16'));
    expect(old.files.map((f) => f.folder)).toEqual(['cache.example.com']);
    expect(old.limits.map((l) => l.message).join('\n')).toMatch(/does not read a _default folder/);
  });

  it('a loopback registry without its own folder: plain http in the old config, HTTPS first through hosts.toml on 1.7.24; the same on 1.7.0', () => {
    expect(convertLegacyMirrors({ 'docker.io': [] }, profile('1.7.24')).limits.map((l) => l.message)).toEqual([
      expect.stringMatching(
        /^a loopback registry without its own folder is asked by containerd 1\.7\.24 through hosts\.toml as the registry itself \(localhost:5000, 127\.0\.0\.1:5000 with HTTPS first, then plain HTTP on a TLS or connection error; localhost, localhost:443 with HTTPS only\), where the old config asked plain HTTP only/,
      ),
    ]);
    expect(convertLegacyMirrors({ 'docker.io': [] }, profile('1.7.0')).limits).toEqual([]);
  });

  it('1.5: no override_path, so a path without /v2 is a stated limit', () => {
    const c = convertLegacyMirrors({ 'docker.io': ['https://m.example.com/proxy', 'https://n.example.com/v2'] }, profile('1.5.18'));
    expect(c.limits.map((l) => [l.registries, l.message])).toContainEqual([['docker.io'], expect.stringMatching(/^https:\/\/m\.example\.com\/proxy: CRI uses the path \/proxy as written/)]);
    expect(c.limits.some((l) => l.message.includes('n.example.com'))).toBe(false);
  });
});
