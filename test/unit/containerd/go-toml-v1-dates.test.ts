/**
 * Dates and times containerd 1.x refuses (go-toml v1) where TOML and 2.x accept them, in config.toml
 * and hosts.toml; the rows are the 1.6.20 and 1.7.24 binaries' (test/helpers/go-toml-v1-date-rows.ts).
 */
import { describe, expect, it } from 'vitest';
import { analyzeConfig } from '../../../src/containerd/config-toml.js';
import { parseHostsFile } from '../../../src/containerd/hosts-toml.js';
import { GO_TOML_V1_DATE_ROWS } from '../../helpers/go-toml-v1-date-rows.js';
import { profile, snap } from './helpers.js';

const CFG = '/etc/containerd/config.toml';

describe('config.toml: containerd 1.x stops at a date go-toml v1 cannot read', () => {
  it.each(GO_TOML_V1_DATE_ROWS)('%j', (line, at) => {
    const text = `version = 2\n[x]\n${line}`;
    for (const v of ['1.6.20', '1.7.24']) {
      const a = analyzeConfig(CFG, snap({ [CFG]: text }), profile(v));
      const d = a.decisions.find((x) => x.code === 'config.syntax-error');
      expect(d?.at ? `${d.at.line}:${d.at.column}` : null, v).toBe(at);
      if (d) expect(d.containerdExit, v).toBe('failed to load TOML');
    }
    expect(analyzeConfig(CFG, snap({ [CFG]: text }), profile('2.1.9')).startupError).toBeUndefined();
  });

  it('says what go-toml v1 wanted', () => {
    const a = analyzeConfig(CFG, snap({ [CFG]: 'version = 2\n[x]\nd = 1979-05-27\n' }), profile('1.7.24'));
    expect(a.startupError).toBe(`${CFG}: TOML syntax error: go-toml v1 (containerd 1.x) reads a date only when a space, \`T\` or the end of the file follows it, not the end of the line at 3:15`);
  });
});

describe('hosts.toml: containerd 1.x discards a file with such a date', () => {
  const text = 'server = "https://registry-1.docker.io"\n[host."http://m:5000"]\n  capabilities = ["pull", "resolve"]\n  since = 1979-05-27\n';
  it.each([
    ['1.7.24', false],
    ['2.1.9', true],
  ])('%s: parsed %s', (v, ok) => {
    const r = parseHostsFile({ dir: '/etc/containerd/certs.d/docker.io', text }, profile(v));
    expect(r.ok, v).toBe(ok);
    if (!r.ok) expect(JSON.stringify(r)).toContain('go-toml v1 (containerd 1.x) reads a date only when');
  });
});
