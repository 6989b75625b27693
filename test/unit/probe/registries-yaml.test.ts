import { describe, expect, it } from 'vitest';
import { registriesYamlKeys } from '../../../src/probe/registries-yaml.js';

describe('registriesYamlKeys', () => {
  it('lists key paths with their lines and keeps no value (rancher/rke2#5612 stray quote)', () => {
    const text = 'mirrors:\n  "docker.io":\n    endpoint":\n      - "http://10.43.251.176:15001/v2/docker.io/"\nconfigs:\n  r.example.com:\n    auth:\n      password: s3cret\n';
    const f = registriesYamlKeys('/etc/rancher/rke2/registries.yaml', text);
    expect(f.error).toBeUndefined();
    expect(f.keys).toEqual([
      { path: ['mirrors'], line: 1 },
      { path: ['mirrors', 'docker.io'], line: 2 },
      { path: ['mirrors', 'docker.io', 'endpoint"'], line: 3 },
      { path: ['configs'], line: 5 },
      { path: ['configs', 'r.example.com'], line: 6 },
      { path: ['configs', 'r.example.com', 'auth'], line: 7 },
      { path: ['configs', 'r.example.com', 'auth', 'password'], line: 8 },
    ]);
    expect(JSON.stringify(f)).not.toContain('s3cret');
    expect(JSON.stringify(f)).not.toContain('10.43.251.176');
  });

  it('a file that is not YAML gives the parser message and line, no keys', () => {
    const f = registriesYamlKeys('/etc/rancher/k3s/registries.yaml', 'mirrors:\n  docker.io:\n    endpoint: [a\n');
    expect(f.keys).toEqual([]);
    expect(f.error).toMatch(/line \d+/);
  });

  it.each([
    ['mirrors:\n  docker.io:\n    endpoint:\n      - registry.example.com\n      - docker.io\n', ['docker.io']],
    ['mirrors:\n  docker.io:\n    endpoint:\n      - "https://mirror.local:5000"\n      - "https://registry-1.docker.io/v2"\n', ['docker.io']],
    ['mirrors:\n  quay.io:\n    endpoint: ["https://mirror.local", "https://quay.io"]\n  docker.io:\n    endpoint: ["https://mirror.local"]\n', ['quay.io']],
    ['mirrors:\n  docker.io:\n    endpoint:\n      - docker.io\n', undefined],
    ['mirrors:\n  docker.io:\n    endpoint:\n      - docker.io\n      - registry.example.com\n', undefined],
  ])('an endpoint list that ends with the registry itself, after a mirror (k3s#9341): %j', (text, want) => {
    const f = registriesYamlKeys('/etc/rancher/k3s/registries.yaml', text);
    expect(f.endsWithOwnEndpoint).toEqual(want);
    expect(JSON.stringify(f)).not.toMatch(/mirror\.local|registry\.example/);
  });
});
