import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { labPorts, type LabPaths, type LabPorts } from './layout.js';
import { startDetached, waitUntil, type LabProcess } from './processes.js';
import { httpCall } from './http-client.js';
import { TOKEN_ISSUER, TOKEN_SERVICE } from './token-server.js';

/** The registries the lab runs: each a real CNCF distribution registry (`docker-registry serve`). */
export type RegistryName = 'mirror' | 'empty' | 'tls' | 'auth' | 'token' | 'token-unreachable' | 'token-web-page';
export const REGISTRY_NAMES: readonly RegistryName[] = ['mirror', 'empty', 'tls', 'auth', 'token', 'token-unreachable', 'token-web-page'];

export interface RegistrySpec {
  name: RegistryName;
  port: number;
  scheme: 'http' | 'https';
  /** storage folder; every registry but `empty` serves the same content as `mirror` */
  storage: string;
  tls?: { cert: string; key: string };
  htpasswd?: string;
  /** bearer-token auth: the token server's URL and the certificate its tokens are signed with */
  token?: { realm: string; rootCert: string };
}

export function registrySpecs(paths: LabPaths, ports: LabPorts): RegistrySpec[] {
  const shared = paths.storage('shared');
  return [
    { name: 'mirror', port: ports.mirror, scheme: 'http', storage: shared },
    { name: 'empty', port: ports.empty, scheme: 'http', storage: paths.storage('empty') },
    { name: 'tls', port: ports.tls, scheme: 'https', storage: shared, tls: { cert: paths.serverCert, key: paths.serverKey } },
    { name: 'auth', port: ports.auth, scheme: 'http', storage: shared, htpasswd: paths.htpasswd },
    { name: 'token', port: ports.token, scheme: 'http', storage: shared, token: { realm: `http://127.0.0.1:${ports.tokenServer}/token`, rootCert: paths.tokenCert } },
    { name: 'token-unreachable', port: ports.tokenUnreachable, scheme: 'http', storage: shared, token: { realm: `http://127.0.0.1:${ports.refused}/token`, rootCert: paths.tokenCert } },
    { name: 'token-web-page', port: ports.tokenWebPage, scheme: 'http', storage: shared, token: { realm: `http://127.0.0.1:${ports.webPage}/token`, rootCert: paths.tokenCert } },
  ];
}

/** The registry's YAML configuration. Pure. */
export function registryConfigYaml(spec: RegistrySpec): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: false',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(spec.storage)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${spec.port}`,
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
  ];
  if (spec.tls) {
    lines.push('  tls:', `    certificate: ${JSON.stringify(spec.tls.cert)}`, `    key: ${JSON.stringify(spec.tls.key)}`);
  }
  if (spec.htpasswd) {
    lines.push('auth:', '  htpasswd:', '    realm: mirror-doctor-lab', `    path: ${JSON.stringify(spec.htpasswd)}`);
  }
  if (spec.token) {
    lines.push('auth:', '  token:', `    realm: ${JSON.stringify(spec.token.realm)}`, `    service: ${TOKEN_SERVICE}`, `    issuer: ${TOKEN_ISSUER}`, `    rootcertbundle: ${JSON.stringify(spec.token.rootCert)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function registryUrl(spec: Pick<RegistrySpec, 'scheme' | 'port'>): string {
  return `${spec.scheme}://127.0.0.1:${spec.port}`;
}

export async function startRegistry(paths: LabPaths, spec: RegistrySpec): Promise<LabProcess> {
  const p = paths.registry(spec.name);
  mkdirSync(p.dir, { recursive: true });
  mkdirSync(spec.storage, { recursive: true });
  writeFileSync(p.config, registryConfigYaml(spec));
  const proc = startDetached(`registry-${spec.name}`, ['docker-registry', 'serve', p.config], p.log, {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    // the registry answers on loopback only and must never use a proxy
    NO_PROXY: '*',
  });
  const ca = spec.tls ? readFileSync(paths.caCert) : undefined;
  await waitUntil(`registry ${spec.name} on ${registryUrl(spec)}`, proc, async () => {
    try {
      const r = await httpCall(`${registryUrl(spec)}/v2/`, { ...(ca ? { ca } : {}), timeoutMs: 1000 });
      return r.status === 200 || r.status === 401;
    } catch {
      return false;
    }
  });
  return proc;
}

export { labPorts };
