/**
 * A plugin field of the wrong type stops containerd; the rows (test/helpers/config-field-rows.ts) are
 * what the 1.6.20, 1.7.24 and 2.1.9 binaries do with each file.
 */
import { describe, expect, it } from 'vitest';
import { analyzeConfig } from '../../../src/containerd/config-toml.js';
import { PLUGIN_FIELD_ROWS, SERVER_TABLE_ROWS } from '../../helpers/config-field-rows.js';
import { profile, snap } from './helpers.js';

const CFG = '/etc/containerd/config.toml';
const CRI = 'plugins."io.containerd.grpc.v1.cri"';
const TRACING = 'plugins."io.containerd.internal.v1.tracing"';
const GC = 'plugins."io.containerd.gc.v1.scheduler"';
const an = (text: string, v: string, files: Record<string, string> = {}) => analyzeConfig(CFG, snap({ [CFG]: text, ...files }), profile(v));
const decision = (text: string, v: string, files?: Record<string, string>) => an(text, v, files).decisions.find((d) => d.code === 'config.plugin-field-type');


describe('a plugin field of the wrong type: containerd does not start', () => {
  it.each(PLUGIN_FIELD_ROWS)('%j', (text, want) => {
    for (const [v, field] of Object.entries(want)) {
      const d = decision(text, v);
      expect(d === undefined ? null : d.configPath!.slice(2).join('.'), v).toBe(field);
      expect(an(text, v).startupError === undefined, v).toBe(field === null);
    }
  });

  it('says what the field is, what containerd wants and how to write a float, at the key', () => {
    const d = decision(`version = 2\n\n[${TRACING}]\n  sampling_ratio = 1\n`, '1.7.24')!;
    expect(d.message).toBe(
      `${TRACING}.sampling_ratio is an integer, where containerd wants a float: containerd 1.7.24 exits while loading the plugin; write it as a float (\`1.0\`, not \`1\`): TOML rewriters such as tomlq and yq turn 1.0 into 1`,
    );
    expect(d.at).toEqual({ file: CFG, line: 4, column: 3 });
    expect(d.containerdExit).toBe("(line, column): Can't convert …");
  });

  it('names the panic of 2.x migrating a version 2 file, and the binary it was measured on for another patch release', () => {
    const d = decision(`version = 2\n[${CRI}.cni]\n  bin_dir = 5\n`, '2.1.4')!;
    expect(d.message).toBe(`${CRI}.cni.bin_dir is an integer, where containerd wants a string: containerd 2.1.4 panics while migrating the version 2 CRI settings (as measured on containerd 2.1.9)`);
    expect(d.containerdExit).toBe('panic: interface conversion: …');
  });

  it('finds the value in the import that sets it', () => {
    const d = decision(`version = 2\nimports = ["/etc/containerd/conf.d/gc.toml"]\n`, '1.7.24', { '/etc/containerd/conf.d/gc.toml': `version = 2\n[${GC}]\n  pause_threshold = 1\n` })!;
    expect(d.at).toEqual({ file: '/etc/containerd/conf.d/gc.toml', line: 3, column: 3 });
  });

  it('for a minor version that was not measured, warns with the nearest measured one and claims no failed start', () => {
    for (const [v, near] of [['2.2.1', '2.1.9'], ['2.0.5', '2.1.9'], ['1.5.18', '1.6.20']] as const) {
      const text = `version = 2\n[${CRI}]\n  sandbox_image = 5\n`;
      const d = decision(text, v)!;
      expect(d.severity, v).toBe('warning');
      expect(d.message, v).toBe(`${CRI}.sandbox_image is an integer, where containerd ${near} wants a string and exits while loading the plugin; whether containerd ${v} does too was not measured`);
      expect(an(text, v).startupError, v).toBeUndefined();
    }
  });

  it('says nothing for a type that was not probed', () => {
    expect(decision(`version = 2\n[${CRI}]\n  sandbox_image = 1979-05-27T07:32:00\n`, '1.7.24')).toBeUndefined();
    expect(decision(`version = 2\n[${CRI}]\n  sandbox_image = {}\n`, '1.7.24')).toBeUndefined();
  });

  it('is not reported over an earlier startup error', () => {
    const a = an(`version = 2\n[${CRI}.registry]\n  config_path = 5\n[${CRI}]\n  sandbox_image = 5\n`, '1.7.24');
    expect(a.decisions.filter((d) => d.code.endsWith('field-type')).map((d) => d.code)).toEqual(['config.cri-field-type']);
  });
});

describe('a server table field of the wrong type: containerd does not load the file', () => {
  it.each(SERVER_TABLE_ROWS)('%j', (text, want) => {
    for (const [v, field] of Object.entries(want)) {
      const d = an(text, v).decisions.find((x) => x.code === 'config.syntax-error');
      expect(d ? /`([^`]+)` is/.exec(d.message)?.[1] : null, v).toBe(field);
      expect(d?.containerdExit, v).toBe(field === null ? undefined : v.startsWith('2.') ? 'failed to unmarshal TOML at row …' : 'failed to unmarshal TOML');
      if (d) expect(d.at, v).toEqual({ file: CFG, line: 3, column: 3 });
    }
  });

  it('is checked in each file: an import with one stops containerd', () => {
    const a = an('version = 2\nimports = ["/etc/containerd/conf.d/debug.toml"]\n', '2.1.9', { '/etc/containerd/conf.d/debug.toml': 'version = 2\n[debug]\n  level = 5\n' });
    expect(a.startupError).toBe('/etc/containerd/conf.d/debug.toml: `debug.level` is an integer, where containerd wants a string');
  });
});
