/**
 * containerd's TestResolverWithHostsDir (core/remotes/docker/config/hosts_resolver_test.go at
 * v2.1.9; the test does not exist at v1.6.20 or v1.7.24), translated into the node files it writes
 * and run through what `explain --json` prints. Upstream starts four TLS test servers on 127.0.0.1
 * (upstream, mirror, server, token) and writes `<dir>/127.0.0.1:<upstream port>/hosts.toml` with a
 * `server`, root `[header]`s and a `[host."<mirror>".header]`; it then asserts that requests go to
 * the mirror (or to the server when the mirror is closed), never to the upstream, and that each
 * host gets only its own header overrides. The order, the absent upstream and the per-host headers
 * are what a file decides; the three sub-cases differ only in which test server is up.
 */
import { describe, expect, it } from 'vitest';
import { ALL_CAPS, asUpstream, CERTS_D, CONFIG, criConfigPathToml, expected, explainPure, plan, type UpstreamHost } from './upstream-explain.js';

const UPSTREAM = '127.0.0.1:41001';
const MIRROR = '127.0.0.1:41002';
const SERVER = '127.0.0.1:41003';

// the test's hostTOMLTemplate with server.URL and mirror.URL filled in
const HOSTS_TOML = `
server = "https://${SERVER}"
[header]
  User-Agent = "server"
  x-server-custom-1 = "custom server header"

[host."https://${MIRROR}".header]
  User-Agent = "mirror"
  x-mirror-custom-1 = "custom mirror header"
`;

const EXPECTED: UpstreamHost[] = [
  // mirrorOnlyHeader: User-Agent "mirror", x-mirror-custom-1, and no x-server-custom-1
  { scheme: 'https', host: MIRROR, path: '/v2', capabilities: ALL_CAPS, header: { 'User-Agent': ['mirror'], 'x-mirror-custom-1': ['custom mirror header'] } },
  // serverOnlyHeader: User-Agent "server", x-server-custom-1, and no x-mirror-custom-1
  { scheme: 'https', host: SERVER, path: '/v2', capabilities: ALL_CAPS, header: { 'User-Agent': ['server'], 'x-server-custom-1': ['custom server header'] } },
];

const SUBCASES = ['enable both mirror and server', 'enable mirror only', 'enable server only'];

describe('core/remotes/docker/config/hosts_resolver_test.go@v2.1.9 TestResolverWithHostsDir', () => {
  const files = { [CONFIG]: criConfigPathToml('2.1.9', CERTS_D), [`${CERTS_D}/${UPSTREAM}/hosts.toml`]: HOSTS_TOML };
  const j = explainPure({ files, ref: `${UPSTREAM}/testname:latest`, version: '2.1.9', hostsDir: CERTS_D });
  // the sub-cases differ only in which test server is up: one plan serves all three
  for (const client of ['ctr-hosts-dir', 'cri'] as const) {
    it(`${SUBCASES.join(' / ')} (${client}): the mirror, then the server, never the upstream; each host with only its own headers`, () => {
      const p = plan(j, client);
      expect(p.endpoints.map(asUpstream)).toEqual(EXPECTED.map(expected));
      expect(p.endpoints.map((e) => e.host)).not.toContain(UPSTREAM);
      // hostDirectory(base): the folder is named host:port
      expect(p.hostDirLookup?.dir).toBe(`${CERTS_D}/${UPSTREAM}`);
    });
  }
});
