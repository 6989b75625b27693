/**
 * A `[` inside a table header: containerd 1.x refuses it (go-toml v1) where TOML and 2.x accept it,
 * in config.toml and hosts.toml; the rows are the 1.6.20 and 1.7.24 binaries'
 * (test/helpers/go-toml-v1-table-key-rows.ts). The fix proposed for it is read by every version.
 */
import { describe, expect, it } from 'vitest';
import { analyzeConfig } from '../../../src/containerd/config-toml.js';
import { parseHostsFile } from '../../../src/containerd/hosts-toml.js';
import { tableKeyFix } from '../../../src/containerd/go-toml-v1-inline-table.js';
import { GO_TOML_V1_TABLE_KEY_ROWS } from '../../helpers/go-toml-v1-table-key-rows.js';
import { profile, snap } from './helpers.js';

const CFG = '/etc/containerd/config.toml';
const DIR = '/etc/containerd/certs.d/docker.io';

describe('config.toml: containerd 1.x stops at a table header holding a `[`', () => {
  it.each(GO_TOML_V1_TABLE_KEY_ROWS)('%j', (line, at) => {
    const text = `version = 2\n[x]\n${line}`;
    for (const v of ['1.6.20', '1.7.24']) {
      const d = analyzeConfig(CFG, snap({ [CFG]: text }), profile(v)).decisions.find((x) => x.code === 'config.syntax-error');
      expect(d?.at ? `${d.at.line}:${d.at.column}` : null, v).toBe(at);
      if (d) expect(d.containerdExit, v).toBe('failed to load TOML');
    }
    expect(analyzeConfig(CFG, snap({ [CFG]: text }), profile('2.1.9')).startupError).toBeUndefined();
  });

  it('the first of a date and a header go-toml v1 refuses is the one reported', () => {
    const text = 'version = 2\n[x]\nd = 1979-05-27\n[x."[::1]"]\n';
    const d = analyzeConfig(CFG, snap({ [CFG]: text }), profile('1.7.24')).decisions.find((x) => x.code === 'config.syntax-error');
    expect(d?.at).toMatchObject({ line: 3, column: 15 });
    const swapped = 'version = 2\n[x."[::1]"]\nd = 1979-05-27\n';
    expect(analyzeConfig(CFG, snap({ [CFG]: swapped }), profile('1.7.24')).decisions.find((x) => x.code === 'config.syntax-error')?.at).toMatchObject({ line: 2, column: 2 });
  });

  it('the fix is an inline table under the nearest parent without `[`, which 1.x then reads with the same values', () => {
    const text = 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["http://[fd00::1]:5000"]\n[plugins."io.containerd.grpc.v1.cri".registry.configs."[fd00::1]:5000".tls]\n  insecure_skip_verify = true\n';
    const fix = tableKeyFix(text)!;
    expect(fix).toContain('[plugins."io.containerd.grpc.v1.cri".registry.configs]\n  "[fd00::1]:5000" = { tls = { insecure_skip_verify = true } }');
    const fixed = `${text.split('\n').slice(0, 3).join('\n')}\n${fix.slice(fix.indexOf('[plugins'))}\n`;
    const a = analyzeConfig(CFG, snap({ [CFG]: fixed }), profile('1.7.24'));
    expect(a.startupError).toBeUndefined();
  });
});

describe('hosts.toml: containerd 1.x discards a file whose [host."…"] header holds an IPv6 address', () => {
  const text = 'server = "https://registry-1.docker.io"\n[host."http://[fd00::1]:5000"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n';
  it.each([
    ['1.6.20', false],
    ['1.7.24', false],
    ['2.1.9', true],
  ])('%s: parsed %s', (v, ok) => {
    const r = parseHostsFile({ dir: DIR, text }, profile(v));
    expect(r.ok, v).toBe(ok);
    // as ctr --hosts-dir printed it on 1.6.20 and 1.7.24
    if (!r.ok) expect(r.containerdError).toBe("failed to parse TOML: (2, 2): unexpected token table key cannot contain ']', was expecting a table key");
  });
  it('the 1.x-only inline form the fix shows is read by 1.x as the same host', () => {
    const fix = tableKeyFix(text)!;
    expect(fix).toMatch(/^name the host by a DNS name/);
    const inline = fix.slice(fix.indexOf('\n[host]\n') + 1);
    const r = parseHostsFile({ dir: DIR, text: `server = "https://registry-1.docker.io"\n${inline}\n` }, profile('1.7.24'));
    expect(r.ok && r.hosts.map((h) => [h.kind, h.host, h.capabilities, h.skipVerify ?? null])).toEqual([
      ['mirror', '[fd00::1]:5000', ['pull', 'resolve'], true],
      ['server', 'registry-1.docker.io', ['pull', 'resolve', 'push'], null],
    ]);
  });
});
