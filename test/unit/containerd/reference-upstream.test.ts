/**
 * Upstream tests that decide the registry host and repository path of a pull, translated case by
 * case and run through what `explain --json` prints:
 * - ctr's parse: containerd reference_test.go TestReferenceParser (v1.6.20, v1.7.24:
 *   reference/reference_test.go; v2.1.9: pkg/reference/reference_test.go; the cases are the same);
 * - CRI's normalisation: ParseDockerRef/ParseNormalizedNamed from github.com/distribution/reference
 *   v0.6.0 normalize_test.go (the module containerd v1.7.24 and v2.1.9 build with; v1.6.20 carries
 *   a copy of it as reference/docker, whose tests it does not carry);
 * - docker.IsLocalhost: containerd registry_test.go TestMatchLocalhost.
 */
import { describe, expect, it } from 'vitest';
import { ALL_CAPS, explainPure, plan } from './upstream-explain.js';

const REF_TAGS = [
  { version: '1.6.20', tag: 'v1.6.20', file: 'reference/reference_test.go' },
  { version: '1.7.24', tag: 'v1.7.24', file: 'reference/reference_test.go' },
  { version: '2.1.9', tag: 'v2.1.9', file: 'pkg/reference/reference_test.go' },
] as const;

const ctrPlan = (ref: string, version: string) => plan(explainPure({ files: {}, ref, version }), 'ctr');
const criPlan = (ref: string, version: string) => plan(explainPure({ files: {}, ref, version }), 'cri');

/**
 * TestReferenceParser. `parsed`: Parse succeeds with this hostname/locator/object. `resolverError`:
 * Parse succeeds, but ctr's resolver then refuses the object before choosing any host (the digest
 * is not a valid digest, or there is no object), so explain shows that error and no host: the
 * hostname upstream asserts cannot be observed there. `parseError`: Parse fails.
 */
const REFERENCE_PARSER: Array<{
  name: string;
  input: string;
  hostname?: string;
  locator?: string;
  object?: string;
  resolverError?: string;
  parseError?: string;
}> = [
  { name: 'Basic', input: 'docker.io/library/redis:foo?fooo=asdf', hostname: 'docker.io', locator: 'docker.io/library/redis', object: 'foo' },
  { name: 'BasicWithDigest', input: 'docker.io/library/redis:foo@sha256:abcdef?fooo=asdf', resolverError: 'invalid checksum digest length' },
  { name: 'DigestOnly', input: 'docker.io/library/redis@sha256:abcdef?fooo=asdf', resolverError: 'invalid checksum digest length' },
  { name: 'AtShortDigest', input: 'docker.io/library/redis:obj@abcdef?fooo=asdf', resolverError: 'invalid checksum digest format' },
  { name: 'HostWithPort', input: 'localhost:5000/library/redis:obj@abcdef?fooo=asdf', resolverError: 'invalid checksum digest format' },
  { name: 'HostnameRequired', input: '/docker.io/library/redis:obj@abcdef?fooo=asdf', parseError: 'hostname required' },
  { name: 'ErrObjectRequired', input: 'docker.io/library/redis?fooo=asdf', resolverError: 'object required' },
  { name: 'Subdomain', input: 'sub-dom1.foo.com/bar/baz/quux:latest', hostname: 'sub-dom1.foo.com', locator: 'sub-dom1.foo.com/bar/baz/quux', object: 'latest' },
  { name: 'SubdomainWithLongTag', input: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag', hostname: 'sub-dom1.foo.com', locator: 'sub-dom1.foo.com/bar/baz/quux', object: 'some-long-tag' },
  { name: 'AGCRAppears', input: 'b.gcr.io/test.example.com/my-app:test.example.com', hostname: 'b.gcr.io', locator: 'b.gcr.io/test.example.com/my-app', object: 'test.example.com' },
  { name: 'Punycode', input: 'xn--n3h.com/myimage:xn--n3h.com', hostname: 'xn--n3h.com', locator: 'xn--n3h.com/myimage', object: 'xn--n3h.com' },
  { name: 'PunycodeWithDigest', input: 'xn--7o8h.com/myimage:xn--7o8h.com@sha512:fffffff', resolverError: 'invalid checksum digest length' },
  { name: 'SchemeDefined', input: 'http://xn--7o8h.com/myimage:xn--7o8h.com@sha512:fffffff', parseError: 'invalid reference' },
];

describe.each(REF_TAGS)('containerd $tag $file', ({ version, tag, file }) => {
  it.each(REFERENCE_PARSER)(`${file}@${tag} TestReferenceParser/$name`, ({ input, hostname, locator, object, resolverError, parseError }) => {
    const p = ctrPlan(input, version);
    if (parseError !== undefined || resolverError !== undefined) {
      expect(p.status).toBe('fails-before-request');
      expect(p.reference).toBeNull();
      expect(p.endpoints).toEqual([]);
      expect(p.error).toMatch(new RegExp(`: ${parseError ?? resolverError}$`));
      return;
    }
    expect(p.reference).toMatchObject({ host: hostname, repository: locator!.slice(hostname!.length + 1), object });
    // the host ctr asks: the reference's own (docker.io → registry-1.docker.io), request path from the locator
    const host = hostname === 'docker.io' ? 'registry-1.docker.io' : hostname;
    expect(p.resolve?.attempts[0]?.url).toBe(`https://${host}/v2/${locator!.slice(hostname!.length + 1)}/manifests/${object}`);
  });
});

// distribution/reference v0.6.0 normalize_test.go, as CRI's PullImage uses it (ParseDockerRef).
const NORMALIZE = 'github.com/distribution/reference normalize_test.go@v0.6.0';
const DIGEST = 'sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582';

const PARSE_DOCKER_REF: Array<{ name: string; input: string; expected: string }> = [
  { name: 'nothing', input: 'busybox', expected: 'docker.io/library/busybox:latest' },
  { name: 'tag only', input: 'busybox:latest', expected: 'docker.io/library/busybox:latest' },
  { name: 'digest only', input: `busybox@${DIGEST}`, expected: `docker.io/library/busybox@${DIGEST}` },
  { name: 'path only', input: 'library/busybox', expected: 'docker.io/library/busybox:latest' },
  { name: 'hostname only', input: 'docker.io/busybox', expected: 'docker.io/library/busybox:latest' },
  { name: 'no tag', input: 'docker.io/library/busybox', expected: 'docker.io/library/busybox:latest' },
  { name: 'no path', input: 'docker.io/busybox:latest', expected: 'docker.io/library/busybox:latest' },
  { name: 'no hostname', input: 'library/busybox:latest', expected: 'docker.io/library/busybox:latest' },
  { name: 'full reference with tag', input: 'docker.io/library/busybox:latest', expected: 'docker.io/library/busybox:latest' },
  { name: 'gcr reference without tag', input: 'gcr.io/library/busybox', expected: 'gcr.io/library/busybox:latest' },
  { name: 'both tag and digest', input: `gcr.io/library/busybox:latest@${DIGEST}`, expected: `gcr.io/library/busybox@${DIGEST}` },
];

const SPLIT_HOSTNAME: Array<{ input: string; domain: string; path: string }> = [
  { input: 'test.com/foo', domain: 'test.com', path: 'foo' },
  { input: 'test_com/foo', domain: 'docker.io', path: 'test_com/foo' },
  { input: 'docker/migrator', domain: 'docker.io', path: 'docker/migrator' },
  { input: 'test.com:8080/foo', domain: 'test.com:8080', path: 'foo' },
  { input: 'test-com:8080/foo', domain: 'test-com:8080', path: 'foo' },
  { input: 'foo', domain: 'docker.io', path: 'library/foo' },
  { input: 'xn--n3h.com/foo', domain: 'xn--n3h.com', path: 'foo' },
  { input: 'xn--n3h.com:18080/foo', domain: 'xn--n3h.com:18080', path: 'foo' },
  { input: 'docker.io/foo', domain: 'docker.io', path: 'library/foo' },
  { input: 'docker.io/library/foo', domain: 'docker.io', path: 'library/foo' },
  { input: 'docker.io/library/foo/bar', domain: 'docker.io', path: 'library/foo/bar' },
];

/** TestParseRepositoryInfo: every written form of a name → its domain and remote name. */
const REPOSITORY_INFO: Array<{ remote: string; names: string[]; domain: string }> = [
  { remote: 'fooo', names: ['localhost/fooo'], domain: 'localhost' },
  { remote: 'fooo/bar', names: ['localhost/fooo/bar'], domain: 'localhost' },
  { remote: 'fooo', names: ['LOCALDOMAIN/fooo'], domain: 'LOCALDOMAIN' },
  { remote: 'fooo/bar', names: ['LOCALDOMAIN/fooo/bar'], domain: 'LOCALDOMAIN' },
  { remote: 'fooo/bar', names: ['fooo/bar', 'docker.io/fooo/bar', 'index.docker.io/fooo/bar'], domain: 'docker.io' },
  { remote: 'library/ubuntu', names: ['ubuntu', 'docker.io/library/ubuntu', 'library/ubuntu'], domain: 'docker.io' },
  { remote: 'nonlibrary/ubuntu', names: ['nonlibrary/ubuntu', 'docker.io/nonlibrary/ubuntu'], domain: 'docker.io' },
  { remote: 'other/library', names: ['other/library', 'docker.io/other/library'], domain: 'docker.io' },
  { remote: 'private/moonbase', names: ['127.0.0.1:8000/private/moonbase'], domain: '127.0.0.1:8000' },
  { remote: 'privatebase', names: ['127.0.0.1:8000/privatebase'], domain: '127.0.0.1:8000' },
  { remote: 'private/moonbase', names: ['example.com/private/moonbase'], domain: 'example.com' },
  { remote: 'privatebase', names: ['example.com/privatebase'], domain: 'example.com' },
  { remote: 'private/moonbase', names: ['example.com:8000/private/moonbase'], domain: 'example.com:8000' },
  { remote: 'privatebasee', names: ['example.com:8000/privatebasee'], domain: 'example.com:8000' },
  { remote: 'library/ubuntu-12.04-base', names: ['ubuntu-12.04-base', 'docker.io/library/ubuntu-12.04-base', 'index.docker.io/library/ubuntu-12.04-base'], domain: 'docker.io' },
  { remote: 'library/foo', names: ['foo', 'docker.io/library/foo', 'docker.io/foo'], domain: 'docker.io' },
  { remote: 'library/foo/bar', names: ['library/foo/bar', 'docker.io/library/foo/bar'], domain: 'docker.io' },
  { remote: 'store/foo/bar', names: ['store/foo/bar', 'docker.io/store/foo/bar'], domain: 'docker.io' },
  { remote: 'bar', names: ['Foo/bar'], domain: 'Foo' },
  { remote: 'bar', names: ['FOO/bar'], domain: 'FOO' },
];

describe.each(REF_TAGS)('CRI normalisation at containerd $tag', ({ version }) => {
  it.each(PARSE_DOCKER_REF)(`${NORMALIZE} TestParseDockerRef/$name`, ({ input, expected }) => {
    const p = criPlan(input, version);
    expect(p.reference?.name).toBe(expected);
    expect(p.reference?.normalizedFrom ?? p.reference?.name).toBe(input);
  });

  it.each(SPLIT_HOSTNAME)(`${NORMALIZE} TestNormalizedSplitHostname/$input`, ({ input, domain, path }) => {
    const p = criPlan(input, version);
    expect(p.reference).toMatchObject({ host: domain, repository: path });
  });

  it.each(REPOSITORY_INFO.flatMap((c, i) => c.names.map((name) => ({ ...c, name, i }))))(`${NORMALIZE} TestParseRepositoryInfo/$i/$name`, ({ name, domain, remote }) => {
    const p = criPlan(name, version);
    expect(p.reference).toMatchObject({ host: domain, repository: remote });
  });
});

/**
 * TestMatchLocalhost, observed as what ConfigureHosts gives a registry without hosts folder: a
 * localhost registry gets skip_verify (and http + HTTPS-first with a port other than 443), any
 * other registry plain https. Not expressible as a reference host: "" (no host), "::1" (an
 * unbracketed IPv6 address is no reference host).
 * ConfigureHosts decides with docker.IsLocalhost, not MatchLocalhost (used only by a resolver
 * built without Hosts, which neither ctr nor CRI builds). The two differ on three rows, marked
 * `configureHosts`: there explain follows IsLocalhost, as containerd does.
 */
const MATCH_LOCALHOST: Array<{ host: string; match: boolean; configureHosts?: boolean }> = [
  { host: '127.1.1.1', match: true },
  { host: '127.0.0.1', match: true },
  { host: '127.256.0.1', match: false },
  { host: '127.23.34.52', match: true },
  { host: '127.0.0.1:5000', match: true },
  { host: 'registry.org', match: false },
  { host: '126.example.com', match: false },
  { host: 'localhost', match: true },
  { host: 'localhost:5000', match: true },
  { host: '[127:0:0:1]', match: false },
  { host: '[::1]', match: true, configureHosts: false }, // IsLocalhost: SplitHostPort fails, ParseIP("[::1]") is nil
  { host: '[::1]:', match: false, configureHosts: true }, // IsLocalhost: host ::1, empty port allowed
  { host: '127.0.1.1:', match: false, configureHosts: true },
  { host: '[::1]:5000', match: true },
];

describe.each([
  { version: '1.7.24', tag: 'v1.7.24', file: 'remotes/docker/registry_test.go' },
  { version: '2.1.9', tag: 'v2.1.9', file: 'core/remotes/docker/registry_test.go' },
])('containerd $tag $file', ({ version, tag, file }) => {
  it.each(MATCH_LOCALHOST)(`${file}@${tag} TestMatchLocalhost/$host`, ({ host, match: upstream, configureHosts }) => {
    const match = configureHosts ?? upstream;
    const p = ctrPlan(`${host}/app:1`, version);
    expect(p.reference?.host).toBe(host);
    expect(p.endpoints).toHaveLength(1);
    const e = p.endpoints[0]!;
    expect(e).toMatchObject({ kind: 'upstream', host, capabilities: ALL_CAPS });
    expect(e.tls.skipVerify).toBe(match ? true : null);
    if (!match) expect(e).toMatchObject({ scheme: 'https', httpFallback: false });
  });
});
