import { describe, expect, it } from 'vitest';
import { parseHostsFile, type HostsFileParse } from '../../../src/containerd/hosts-toml.js';
import { profile } from './helpers.js';

const DIR = '/etc/containerd/certs.d/docker.io';
const V1 = profile('1.7.24');
const V2 = profile('2.1.9');

function parse(text: string, v = V2): HostsFileParse {
  return parseHostsFile({ dir: DIR, text }, v);
}
function hosts(r: HostsFileParse): string[] {
  if (!r.ok) throw new Error(`discarded: ${r.problem}`);
  return r.hosts.map((h) => `${h.kind}:${h.scheme ? `${h.scheme}://` : ''}${h.host}${h.path} [${h.capabilities.join(',')}]`);
}
function codes(r: HostsFileParse): string[] {
  return r.decisions.map((d) => d.code);
}

// §1.5: one row per table row, both parser generations.
describe('§1.5 unknown keys, typos, wrong types', () => {
  const typos = `[host."https://m"]\n  capability = ["pull"]\n  skip-verify = true\n  insecure_skip_verify = true\n  endpoint = "x"\n`;
  it.each([['1.7.24', V1], ['2.1.9', V2]] as const)('typos inside a host are silently ignored; host gets all capabilities, skip_verify nil (%s)', (_v, p) => {
    const r = parse(typos, p);
    expect(hosts(r)).toEqual(['mirror:https://m/v2 [pull,resolve,push]', 'server: [pull,resolve,push]']);
    expect(r.ok && r.hosts[0]!.skipVerify).toBeUndefined();
    expect(r.decisions.filter((d) => d.code === 'hosts-toml.key-ignored').map((d) => d.message)).toEqual([
      'key `host."https://m".capability` at 2:3 is silently ignored by containerd: did you mean `capabilities`?',
      'key `host."https://m".skip-verify` at 3:3 is silently ignored by containerd: did you mean `skip_verify`?',
      'key `host."https://m".insecure_skip_verify` at 4:3 is silently ignored by containerd: the key is `skip_verify`',
      'key `host."https://m".endpoint` at 5:3 is silently ignored by containerd: hosts.toml has no `endpoint`; the mirror URL is the table name `[host."https://…"]`',
    ]);
  });
  it('[hosts."https://m"] (plural) on 1.7.24: invalid `host` tree → discarded', () => {
    const r = parse('[hosts."https://m"]\n  capabilities = ["pull"]\n', V1);
    expect(r).toMatchObject({ ok: false, containerdError: 'invalid `host` tree', at: { line: 1, column: 1 } });
    expect(!r.ok && r.problem).toContain('the key is `host`, singular');
  });
  it('[mirrors."docker.io"] only on 1.7.24: invalid `host` tree', () => {
    expect(parse('[mirrors."docker.io"]\n  endpoint = ["https://m"]\n', V1)).toMatchObject({ ok: false, containerdError: 'invalid `host` tree' });
  });
  it('[hosts."https://m"] on 2.x: silently ignored, no hosts but the server entry', () => {
    const r = parse('[hosts."https://m"]\n  capabilities = ["pull"]\n', V2);
    expect(hosts(r)).toEqual(['server: [pull,resolve,push]']);
    expect(codes(r)).toContain('hosts-toml.key-ignored');
  });
  it('skip_verify = "true" on 1.x: Can\'t convert … to bool, with the key position', () => {
    const r = parse('[host."https://m"]\n  capabilities = ["pull"]\n  skip_verify = "true"\n', V1);
    expect(r).toMatchObject({ ok: false, containerdError: "(3, 3): Can't convert true(string) to bool", at: { line: 3, column: 3 } });
  });
  it('skip_verify = "true" on 2.x: cannot decode TOML string into …SkipVerify of type *bool', () => {
    const r = parse('[host."https://m"]\n  skip_verify = "true"\n', V2);
    expect(r).toMatchObject({ ok: false, containerdError: 'toml: cannot decode TOML string into struct field ....SkipVerify of type *bool' });
  });
  it('capabilities = "pull" on 1.x', () => {
    expect(parse('[host."https://m"]\n  capabilities = "pull"\n', V1)).toMatchObject({ ok: false, containerdError: "Can't convert pull(string) to []string(slice)" });
  });
  it('capabilities = "pull" on 2.x', () => {
    expect(parse('[host."https://m"]\n  capabilities = "pull"\n', V2)).toMatchObject({
      ok: false,
      containerdError: 'toml: cannot decode TOML string into struct field ....Capabilities of type []string',
      at: { line: 2, column: 3 },
    });
  });
  it.each([['1.7.24', V1], ['2.1.9', V2]] as const)('capabilities = ["pull", "Resolve", "fetch"]: unknown capability fetch, position of "fetch" (%s)', (_v, p) => {
    const r = parse('[host."https://m"]\n  capabilities = ["pull", "Resolve", "fetch"]\n', p);
    expect(r).toMatchObject({ ok: false, problem: 'unknown capability "fetch"', containerdError: 'unknown capability fetch', at: { line: 2, column: 38 } });
  });
  it.each([['1.7.24', V1], ['2.1.9', V2]] as const)('capabilities = [] means all capabilities (%s)', (_v, p) => {
    expect(hosts(parse('[host."https://m"]\n  capabilities = []\n', p))[0]).toBe('mirror:https://m/v2 [pull,resolve,push]');
  });
  it('"Resolve" is matched case-insensitively', () => {
    expect(hosts(parse('[host."https://m"]\n  capabilities = ["PULL", "Resolve"]\n'))[0]).toBe('mirror:https://m/v2 [pull,resolve]');
  });
  it('missing ] in a table header on 2.x: toml: expected character ]', () => {
    const r = parse('[host."https://m"\n  capabilities = ["pull"]\n', V2);
    expect(r).toMatchObject({ ok: false, containerdError: 'toml: expected character ]', at: { line: 1 } });
    expect(!r.ok && r.problem).toMatch(/^TOML syntax error: /);
  });
  // as ctr --hosts-dir on containerd 1.6.20, 1.7.24 and 2.1.9 read it (test/integration/check-default.test.ts)
  it('a UTF-8 byte order mark on 2.x: discarded with go-toml v2\'s error at 1:1, and the command that removes it', () => {
    const r = parse('\uFEFFserver = "https://registry-1.docker.io"\n[host."http://m:5000"]\n  capabilities = ["pull", "resolve"]\n', V2);
    expect(r).toMatchObject({ ok: false, containerdError: "toml: invalid character at start of key: U+00EF 'ï'", at: { line: 1, column: 1 } });
    expect(!r.ok && r.hint).toBe(`remove it: sed -i '1s/^\\xEF\\xBB\\xBF//' ${DIR}/hosts.toml`);
  });
  it('a UTF-8 byte order mark on 1.x: read as without it', () => {
    const text = 'server = "https://registry-1.docker.io"\n[host."http://m:5000"]\n  capabilities = ["pull", "resolve"]\n';
    expect(hosts(parse(`\uFEFF${text}`, V1))).toEqual(hosts(parse(text, V1)));
  });
  it('missing ] on 1.x: discarded (go-toml v1 wording not reproduced)', () => {
    const r = parse('[host."https://m"\n', V1);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.containerdError).toBeUndefined();
  });
  it('[[host."https://a"]] on 2.x: cannot decode TOML array table', () => {
    const r = parse('[[host."https://a"]]\n  capabilities = ["pull"]\n', V2);
    expect(r).toMatchObject({ ok: false, containerdError: 'toml: cannot decode TOML array table into struct field …', at: { line: 1, column: 1 } });
  });
  it('[[host."https://a"]] on 1.x: discarded', () => {
    expect(parse('[[host."https://a"]]\n  capabilities = ["pull"]\n', V1).ok).toBe(false);
  });
  const inline = '[host]\n"https://m" = { capabilities = ["pull", "resolve"] }\n';
  it('[host] + inline table on 1.x: works', () => {
    expect(hosts(parse(inline, V1))).toEqual(['mirror:https://m/v2 [pull,resolve]', 'server: [pull,resolve,push]']);
  });
  // as ctr --debug printed it on 1.6.20 and 1.7.24 (six pulls each): inline hosts first, two of them in either order
  it('on 1.x an inline host is tried before a [host."…"] table written above it', () => {
    const r = parse('[host."http://a:5000"]\n  capabilities = ["pull", "resolve"]\n[host]\n  "http://b:5000" = { capabilities = ["pull", "resolve"] }\n', V1);
    expect(hosts(r).map((h) => h.split(' ')[0])).toEqual(['mirror:http://b:5000/v2', 'mirror:http://a:5000/v2', 'server:']);
    expect(codes(r)).not.toContain('hosts-toml.inline-order-random');
  });
  it('on 1.x two inline hosts: a warning that their order changes from pull to pull', () => {
    const r = parse('[host]\n  "http://b:5000" = { capabilities = ["pull"] }\n  "http://c:5000" = { capabilities = ["pull"] }\n', V1);
    expect(codes(r)).toContain('hosts-toml.inline-order-random');
  });
  it('[host] + inline table on 2.x: the mirror is silently dropped', () => {
    const r = parse(inline, V2);
    expect(hosts(r)).toEqual(['server: [pull,resolve,push]']);
    expect(r.decisions.find((d) => d.code === 'hosts-toml.host-dropped')?.message).toBe(
      'mirror "https://m" at 2:1 is written as an inline table, which containerd 2.1.9 silently drops (only [host."…"] table headers count); write it as [host."https://m"]',
    );
  });
  const dotted = 'host."https://m".capabilities = ["pull", "resolve"]\n';
  it('top-level dotted key on 1.x: works', () => {
    expect(hosts(parse(dotted, V1))[0]).toBe('mirror:https://m/v2 [pull,resolve]');
  });
  it('top-level dotted key on 2.x: the mirror is silently dropped', () => {
    const r = parse(dotted, V2);
    expect(hosts(r)).toEqual(['server: [pull,resolve,push]']);
    expect(r.decisions.find((d) => d.code === 'hosts-toml.host-dropped')?.message).toContain('written as dotted keys');
  });
  it.each([V1, V2])("[host.'https://m'] (literal key) and [ host . \"https://n\" ] both work (%s)", (p) => {
    expect(hosts(parse("[host.'https://m']\n[ host . \"https://n\" ]\n", p))).toEqual([
      'mirror:https://m/v2 [pull,resolve,push]',
      'mirror:https://n/v2 [pull,resolve,push]',
      'server: [pull,resolve,push]',
    ]);
  });
  const dup = '[host."https://a"]\n[host."https://b"]\n[host."https://a".header]\n  x = "1"\n';
  it('[host."a"], [host."b"], then [host."a".header] on 1.x: hosts a, b', () => {
    expect(hosts(parse(dup, V1)).map((h) => h.split(' ')[0])).toEqual(['mirror:https://a/v2', 'mirror:https://b/v2', 'server:']);
  });
  it('… on 2.x: hosts a, b, a again (tried twice)', () => {
    const r = parse(dup, V2);
    expect(hosts(r).map((h) => h.split(' ')[0])).toEqual(['mirror:https://a/v2', 'mirror:https://b/v2', 'mirror:https://a/v2', 'server:']);
    expect(codes(r)).toContain('hosts-toml.host-duplicated');
  });
});

describe('§1.3/§1.4 other discards', () => {
  it('dial_timeout = 5 on 2.1.9: cannot decode TOML integer', () => {
    expect(parse('[host."https://m"]\n  dial_timeout = 5\n')).toMatchObject({ ok: false, containerdError: 'toml: cannot decode TOML integer into struct field ....DialTimeout of type string' });
  });
  it('dial_timeout = "5 s": Go ParseDuration error', () => {
    expect(parse('[host."https://m"]\n  dial_timeout = "5x"\n')).toMatchObject({ ok: false, containerdError: 'time: unknown unit "x" in duration "5x"' });
  });
  it('dial_timeout on 1.7.24 is an unknown key, ignored', () => {
    const r = parse('[host."https://m"]\n  dial_timeout = "1s"\n', V1);
    expect(r.ok).toBe(true);
    expect(r.decisions[0]?.message).toContain('`dial_timeout` exists from containerd 2.0.7 / 2.1.0');
  });
  it('no [host] table (server only) fails on 1.7.24 with invalid `host` tree', () => {
    expect(parse('server = "https://mirror.local"\n', V1)).toMatchObject({ ok: false, containerdError: 'invalid `host` tree' });
  });
  it('no [host] table (server only) is accepted on 1.7.32 and 2.x', () => {
    expect(hosts(parse('server = "https://mirror.local"\n', profile('1.7.32')))).toEqual(['server:https://mirror.local/v2 [pull,resolve,push]']);
    expect(hosts(parse('server = "https://mirror.local"\n', V2))).toEqual(['server:https://mirror.local/v2 [pull,resolve,push]']);
  });
  it('a comments-only file fails on 1.6.20 but is fine on 2.1.9', () => {
    expect(parse('# nothing here\n', profile('1.6.20')).ok).toBe(false);
    expect(parse('# nothing here\n', V2).ok).toBe(true);
  });
  it.each([
    ['ca = 5', 'invalid type 5 for "ca"'],
    ['ca = ["a.crt", 5]', 'unable to cast 5 to string'],
    ['client = [["c.cert"]]', 'invalid pair [c.cert] for "client"'],
    ['client = [true]', 'invalid type bool for "client"'],
    ['client = 1.5', 'invalid type 1.5 for "client"'],
  ])('%s → %s', (line, err) => {
    expect(parse(`[host."https://m"]\n  ${line}\n`)).toMatchObject({ ok: false, containerdError: err });
  });
  it('header with a non-string value', () => {
    expect(parse('[host."https://m".header]\n  x-a = 1\n')).toMatchObject({ ok: false, containerdError: 'invalid type 1 for header "x-a"' });
  });
  it('referrers is unknown before 2.2.0 and known from 2.2.0 (and in the defaults)', () => {
    expect(parse('[host."https://m"]\n  capabilities = ["referrers"]\n', V2)).toMatchObject({ ok: false, containerdError: 'unknown capability referrers' });
    expect(hosts(parse('[host."https://m"]\n', profile('2.2.0')))[0]).toBe('mirror:https://m/v2 [pull,resolve,push,referrers]');
  });
  it('binary garbage (control characters) is a syntax error with a position', () => {
    expect(parse('[host."https://m"]\n\u0001\u0002')).toMatchObject({ ok: false, at: { line: 2, column: 1 } });
  });
  it('ca/client relative paths are joined to the host directory; absolute stay', () => {
    const r = parse('[host."https://m"]\n  ca = ["ca.crt", "/etc/ssl/x.pem"]\n  client = [["c.cert", "c.key"], "both.pem"]\n');
    expect(r.ok && r.hosts[0]!.caCerts).toEqual([`${DIR}/ca.crt`, '/etc/ssl/x.pem']);
    expect(r.ok && r.hosts[0]!.clientPairs).toEqual([[`${DIR}/c.cert`, `${DIR}/c.key`], [`${DIR}/both.pem`, '']]);
  });
});

// §1.6 Host URLs: scheme and path (both parsers).
describe('§1.6 host URLs', () => {
  it.each([
    ['mirror.example.com:5000', false, 'https', 'mirror.example.com:5000', '/v2'],
    ['192.168.1.10:5000', false, 'https', '192.168.1.10:5000', '/v2'],
    ['http-cache.example.com:5000', false, 'http-cache.example.com', '', '/v2'],
    ['https://mirror-a.example.com/v2/sub', false, 'https', 'mirror-a.example.com', '/v2/sub/v2'],
    ['https://harbor.example.com/proxy', false, 'https', 'harbor.example.com', '/proxy/v2'],
    ['https://harbor.example.com/v2/proxy/', false, 'https', 'harbor.example.com', '/v2/proxy/v2'],
    ['https://artifactory.example.com/artifactory/api/docker/remote/v2', true, 'https', 'artifactory.example.com', '/artifactory/api/docker/remote/v2'],
    ['https://harbor.example.com/nopath', true, 'https', 'harbor.example.com', '/nopath'],
    ['https://harbor.example.com', true, 'https', 'harbor.example.com', ''],
    ['http://127.0.0.1:5101', false, 'http', '127.0.0.1:5101', '/v2'],
    ['https://[::1]:5000', false, 'https', '[::1]:5000', '/v2'],
  ])('%s (override_path %s) → %s %s %s', (url, override, scheme, host, path) => {
    for (const p of [V1, V2]) {
      // 1.x's go-toml v1 reads an IPv6 host only inline (go-toml-v1-table-keys.test.ts)
      const text = url.includes('[') && p === V1 ? `[host]\n  "${url}" = { ${override ? 'override_path = true' : ''} }\n` : `[host."${url}"]\n${override ? '  override_path = true\n' : ''}`;
      const r = parse(text, p);
      expect(r.ok && [r.hosts[0]!.scheme, r.hosts[0]!.host, r.hosts[0]!.path]).toEqual([scheme, host, path]);
    }
  });
  it.each([V1, V2])('a bare trailing slash (https://m.example/) is no path prefix: requests go to /v2, and nothing is said about /v2 being appended (%#)', (p) => {
    const r = parse('[host."https://m.example/"]\n  capabilities = ["pull", "resolve"]\n', p);
    expect(r.ok && r.decisions.map((x) => x.code)).not.toContain('hosts-toml.v2-appended');
  });
  it('server = "docker.io" → https docker.io /v2', () => {
    const r = parse('server = "docker.io"\n[host]\n', V1);
    expect(hosts(r)).toEqual(['server:https://docker.io/v2 [pull,resolve,push]']);
  });
  it('the http- trap is flagged as an error decision', () => {
    const r = parse('[host."http-cache.example.com:5000"]\n');
    expect(r.decisions.find((d) => d.code === 'hosts-toml.http-prefix-trap')?.severity).toBe('error');
  });
  it('an unparsable URL discards the file: unable to parse server', () => {
    expect(parse('[host."https://m:port"]\n')).toMatchObject({ ok: false, containerdError: 'unable to parse server https://m:port: parse "https://m:port": invalid port ":port" after host' });
  });
  it('override_path on 1.5 is an unknown key: /v2 is appended', () => {
    const r = parse('[host."https://h/nopath"]\n  override_path = true\n', profile('1.5.18'));
    expect(r.ok && r.hosts[0]!.path).toBe('/nopath/v2');
  });
});

describe('§1.7 order and the server entry', () => {
  it.each([['1.7.24', V1], ['2.1.9', V2]] as const)('hosts in file order, server last even when written first (%s)', (_v, p) => {
    const r = parse('server = "https://registry-1.docker.io"\n[host."https://b"]\n[host."https://a"]\n', p);
    expect(hosts(r).map((h) => h.split(' ')[0])).toEqual(['mirror:https://b/v2', 'mirror:https://a/v2', 'server:https://registry-1.docker.io/v2']);
  });
});
