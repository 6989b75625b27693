import { describe, it, expect } from 'vitest';
import { daemonCommand } from '../../../src/lab/daemon-command.js';
import { defaultLabOptions, parseLabLogLevel } from '../../../src/lab/layout.js';

const paths = { containerd: '/cache/1.7/containerd', config: '/lab/c/config.toml', root: '/lab/c/root', state: '/lab/c/state', address: '/lab/c/containerd.sock' };

describe('daemonCommand', () => {
  it('info: --config alone, as a node starts containerd', () => {
    expect(daemonCommand({ ...paths, logLevel: 'info' })).toEqual(['/cache/1.7/containerd', '--config', '/lab/c/config.toml']);
  });

  it('debug: the lab\'s flags and --log-level debug', () => {
    expect(daemonCommand({ ...paths, logLevel: 'debug' })).toEqual([
      '/cache/1.7/containerd',
      '--config',
      '/lab/c/config.toml',
      '--root',
      '/lab/c/root',
      '--state',
      '/lab/c/state',
      '--address',
      '/lab/c/containerd.sock',
      '--log-level',
      'debug',
    ]);
  });
});

describe('the lab log level option', () => {
  it('parses info and debug, in any case and with spaces around', () => {
    expect(parseLabLogLevel('info', 'x')).toBe('info');
    expect(parseLabLogLevel(' DEBUG ', 'x')).toBe('debug');
  });

  it('rejects anything else with the source and the allowed values', () => {
    expect(() => parseLabLogLevel('trace', '--log-level')).toThrow('--log-level must be debug or info, not "trace"');
  });

  it('comes from MIRROR_DOCTOR_LAB_LOG_LEVEL; unset leaves it to the running lab (else debug)', () => {
    expect(defaultLabOptions({ MIRROR_DOCTOR_LAB_LOG_LEVEL: 'info' }).logLevel).toBe('info');
    expect(defaultLabOptions({}).logLevel).toBeUndefined();
    expect(() => defaultLabOptions({ MIRROR_DOCTOR_LAB_LOG_LEVEL: 'verbose' })).toThrow('MIRROR_DOCTOR_LAB_LOG_LEVEL must be debug or info, not "verbose"');
  });
});
