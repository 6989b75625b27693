import { describe, it, expect } from 'vitest';
import { parse } from 'smol-toml';
import { SCENARIOS } from '../../../src/lab/scenarios.js';
import { labPorts } from '../../../src/lab/layout.js';
import { registryConfigYaml } from '../../../src/lab/registries.js';

const ctx = { ports: labPorts(5100), caPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' };

describe('lab scenarios', () => {
  it('cover every case the lab promises, with unique names', () => {
    const names = SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([
      'mirror-ok', 'mirror-404', 'ref-names-mirror', 'mirror-refused', 'mirror-429', 'mirror-503', 'mirror-blob-404', 'mirror-blob-404-upstream', 'mirror-web-page', 'https-on-http', 'pull-only', 'url-v2-suffix',
      'toml-syntax-error', 'dir-registry-1', 'file-host-toml', 'tls-no-ca', 'tls-with-ca', 'basic-auth', 'token-auth', 'token-server-unreachable', 'token-server-web-page',
      'host-port-registry', 'default-dir', 'cri-config-path-unset', 'cri-config-edited-after-start',
      'cri-mirrors-and-config-path', 'cri-legacy-mirrors', 'cri-proxy-env',
    ]);
  });

  it.each(SCENARIOS.filter((s) => s.name !== 'toml-syntax-error').map((s) => [s.name, s] as const))(
    '%s writes TOML that parses',
    (_, s) => {
      for (const [path, text] of Object.entries(s.hostFiles(ctx))) {
        if (path.endsWith('.toml')) expect(() => parse(text)).not.toThrow();
      }
    },
  );

  it('toml-syntax-error really is a syntax error', () => {
    const s = SCENARIOS.find((x) => x.name === 'toml-syntax-error')!;
    expect(() => parse(s.hostFiles(ctx)['docker.io/hosts.toml']!)).toThrow();
  });

  it('folder names follow the scenario: misnamed, host_port_, _default', () => {
    const files = (name: string) => Object.keys(SCENARIOS.find((x) => x.name === name)!.hostFiles(ctx));
    expect(files('dir-registry-1')).toEqual(['registry-1.docker.io/hosts.toml']);
    expect(files('file-host-toml')).toEqual(['docker.io/host.toml']);
    expect(files('host-port-registry')).toEqual(['registry.lab.invalid_5000_/hosts.toml']);
    expect(files('default-dir')).toEqual(['_default/hosts.toml']);
    expect(files('tls-with-ca')).toEqual(['docker.io/hosts.toml', 'docker.io/lab-ca.crt']);
  });
});

describe('registryConfigYaml', () => {
  it('binds to loopback and adds TLS and htpasswd only where asked', () => {
    const plain = registryConfigYaml({ name: 'mirror', port: 5101, scheme: 'http', storage: '/s' });
    expect(plain).toContain('addr: 127.0.0.1:5101');
    expect(plain).not.toContain('tls:');
    expect(plain).not.toContain('htpasswd');
    const tls = registryConfigYaml({ name: 'tls', port: 5104, scheme: 'https', storage: '/s', tls: { cert: '/c', key: '/k' } });
    expect(tls).toContain('certificate: "/c"');
    const auth = registryConfigYaml({ name: 'auth', port: 5105, scheme: 'http', storage: '/s', htpasswd: '/h' });
    expect(auth).toContain('path: "/h"');
  });
});
