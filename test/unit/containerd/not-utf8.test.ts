/**
 * A config.toml or hosts.toml with a byte that is not UTF-8 (latin-1): read as text by the probe,
 * accepted by 1.x, refused by 2.x at the byte's row and byte column with go-toml v2's words
 * (test/integration/config-startup.test.ts holds the positions and words to the binaries).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeConfig } from '../../../src/containerd/config-toml.js';
import { parseHostsFile } from '../../../src/containerd/hosts-toml.js';
import { goTomlV2NotUtf8Error } from '../../../src/containerd/not-utf8.js';
import { NodeFileReader } from '../../../src/probe/node-files.js';
import { profile } from './helpers.js';

const CFG = '/etc/containerd/config.toml';
const root = mkdtempSync(join(tmpdir(), 'md-not-utf8-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function read(bytes: Buffer) {
  mkdirSync(join(root, 'etc/containerd'), { recursive: true });
  writeFileSync(join(root, CFG), bytes);
  const reader = new NodeFileReader({ root });
  await reader.read(CFG, true);
  return reader.snapshot;
}

describe('the probe reads a latin-1 file as text and says where the first such byte is', () => {
  it('a latin-1 comment: text, with line and byte column', async () => {
    const s = await read(Buffer.from('version = 2\n# caf\u00e9 \u00fc\n', 'latin1'));
    expect(s.entries[CFG]).toMatchObject({ kind: 'file', content: { kind: 'text', notUtf8: { line: 2, column: 6 } } });
  });
  it('the byte column counts the bytes of valid UTF-8 before it', async () => {
    const s = await read(Buffer.concat([Buffer.from('a = "\u00e9', 'utf8'), Buffer.from([0xe9]), Buffer.from('"\n')]));
    expect(s.entries[CFG]).toMatchObject({ content: { kind: 'text', notUtf8: { line: 1, column: 8 } } });
  });
  it('UTF-8 throughout: no notUtf8; a NUL: binary', async () => {
    expect((await read(Buffer.from('# caf\u00e9\n', 'utf8'))).entries[CFG]).toMatchObject({ content: { kind: 'text' } });
    expect(JSON.stringify((await read(Buffer.from('# caf\u00e9\n', 'utf8'))).entries[CFG])).not.toContain('notUtf8');
    expect((await read(Buffer.from('a = 1\0\n'))).entries[CFG]).toMatchObject({ content: { kind: 'binary', offset: 5 } });
  });
  it('overlong, surrogate and cut sequences are not UTF-8', async () => {
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      const s = await read(Buffer.concat([Buffer.from('# x'), Buffer.from(bad), Buffer.from('\n')]));
      expect(s.entries[CFG], JSON.stringify(bad)).toMatchObject({ content: { kind: 'text', notUtf8: { line: 1, column: 4 } } });
    }
  });
});

describe('containerd 2.x refuses it, 1.x reads it', () => {
  it('config.toml: 2.x does not start, at the byte; 1.x starts', async () => {
    const s = await read(Buffer.from('version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d" # caf\u00e9\n', 'latin1'));
    expect(analyzeConfig(CFG, s, profile('1.7.24')).startupError).toBeUndefined();
    const d = analyzeConfig(CFG, s, profile('2.1.9')).decisions.find((x) => x.code === 'config.syntax-error');
    expect(d?.at).toMatchObject({ line: 3, column: 48 });
  });
  it('hosts.toml: discarded by 2.x with go-toml v2\'s words, read by 1.x', () => {
    const text = 'server = "https://registry-1.docker.io"\n# caf\uFFFD\n[host."http://m:5000"]\n  capabilities = ["pull", "resolve"]\n';
    const input = { dir: '/etc/containerd/certs.d/docker.io', text, notUtf8: { line: 2, column: 6 } };
    expect(parseHostsFile(input, profile('1.7.24')).ok).toBe(true);
    expect(parseHostsFile(input, profile('2.1.9'))).toMatchObject({ ok: false, containerdError: 'toml: invalid UTF-8 character in comment', at: { line: 2, column: 6 } });
  });
  it.each([
    ['# caf\uFFFD', 'toml: invalid UTF-8 character in comment'],
    ['a = "caf\uFFFD"', 'toml: invalid UTF-8 character in basic string'],
    ['a = "x#\\"caf\uFFFD"', 'toml: invalid UTF-8 character in basic string'],
    ['a = "x" # caf\uFFFD', 'toml: invalid UTF-8 character in comment'],
    ["a = 'x#caf\uFFFD'", 'toml: invalid UTF-8 character in literal string'],
    ['a = """caf\uFFFD"""', 'toml: invalid UTF-8 character in multiline basic string'],
    ['"caf\uFFFD" = 1', 'toml: invalid UTF-8 character in basic string'],
    ['a = ["x", "caf\uFFFD"]', 'toml: invalid UTF-8 character in basic string'],
    ["a = '''caf\uFFFD'''", undefined],
  ])('%j: %s', (line, want) => {
    expect(goTomlV2NotUtf8Error(`version = 2\n${line}\n`, { line: 2, column: 1 })).toBe(want);
  });
});
