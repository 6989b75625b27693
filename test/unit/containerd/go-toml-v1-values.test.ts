/**
 * TOML 1.1 escapes and a comma before an inline table's `}`: containerd 1.x refuses them (go-toml
 * v1) where 2.x accepts them, in config.toml and hosts.toml; the rows are the 1.6.20 and 1.7.24
 * binaries' (test/helpers/go-toml-v1-value-rows.ts).
 */
import { describe, expect, it } from 'vitest';
import { analyzeConfig } from '../../../src/containerd/config-toml.js';
import { parseHostsFile } from '../../../src/containerd/hosts-toml.js';
import { GO_TOML_V1_VALUE_ROWS } from '../../helpers/go-toml-v1-value-rows.js';
import { profile, snap } from './helpers.js';

const CFG = '/etc/containerd/config.toml';

describe('config.toml: containerd 1.x stops at a TOML 1.1 escape or an inline table comma', () => {
  it.each(GO_TOML_V1_VALUE_ROWS)('%j', (line, at) => {
    const text = `version = 2\n[x]\n${line}`;
    for (const v of ['1.6.20', '1.7.24']) {
      const d = analyzeConfig(CFG, snap({ [CFG]: text }), profile(v)).decisions.find((x) => x.code === 'config.syntax-error');
      expect(d?.at ? `${d.at.line}:${d.at.column}` : null, v).toBe(at);
    }
    expect(analyzeConfig(CFG, snap({ [CFG]: text }), profile('2.1.9')).startupError).toBeUndefined();
  });
});

describe('hosts.toml: 1.x discards it with go-toml v1\'s words, as ctr --hosts-dir printed them on 1.6.20 and 1.7.24', () => {
  const DIR = '/etc/containerd/certs.d/docker.io';
  it.each([
    ['  header = { x = "a\\eb" }\n', 'failed to parse TOML: (3, 19): invalid escape sequence: \\e'],
    ['  header = { x = "a", }\n', 'failed to parse TOML: (3, 21): trailing comma at the end of inline table'],
  ])('%j', (line, want) => {
    const text = `[host."http://127.0.0.1:5701"]\n  capabilities = ["pull", "resolve"]\n${line}`;
    expect(parseHostsFile({ dir: DIR, text }, profile('1.7.24'))).toMatchObject({ ok: false, containerdError: want });
    expect(parseHostsFile({ dir: DIR, text }, profile('2.1.9')).ok).toBe(true);
  });
});
