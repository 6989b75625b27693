import { join } from 'node:path';
import { accepts, startDetached, waitUntil, type LabProcess } from './processes.js';

/**
 * The lab's token server: the authorization service of the `token` registry (a real distribution
 * registry with `auth: token`), as Docker Hub's auth.docker.io or Harbor's /service/token are for
 * theirs. It signs each token (RS256, its certificate in the `x5c` header; the registry trusts that
 * certificate). It grants `pull` only to the lab's credentials, sent as Basic auth on a GET or as the
 * OAuth2 password grant containerd POSTs when it has credentials, and refuses wrong ones (401). An
 * anonymous request gets a token without access, which the registry refuses (401, insufficient
 * scope), as Harbor does for a private project.
 */
export interface TokenServerConfig {
  port: number;
  key: string;
  cert: string;
  issuer: string;
  user: string;
  password: string;
}

/** The registry's `auth.token` settings that trust this server. */
export const TOKEN_SERVICE = 'mirror-doctor-lab';
export const TOKEN_ISSUER = 'mirror-doctor-lab-token';

/** Run by `node -e` as a detached process: plain CommonJS, its configuration as JSON in argv[1]; a line per token. */
const SCRIPT = String.raw`
const http = require('node:http');
const crypto = require('node:crypto');
const fs = require('node:fs');
const cfg = JSON.parse(process.argv[1]);
const key = fs.readFileSync(cfg.key);
const x5c = [new crypto.X509Certificate(fs.readFileSync(cfg.cert)).raw.toString('base64')];
const b64u = (b) => Buffer.from(b).toString('base64url');
const basic = 'Basic ' + Buffer.from(cfg.user + ':' + cfg.password).toString('base64');
const log = (...a) => console.log(new Date().toISOString(), ...a);
function grant(res, user, how, scopes, service, oauth) {
  const access = [];
  for (const s of scopes) {
    const m = /^repository:([^:]+):(.+)$/.exec(s);
    if (m && user) access.push({ type: 'repository', name: m[1], actions: m[2].split(',').filter((a) => a === 'pull') });
  }
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: cfg.issuer, sub: user ? cfg.user : '', aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: crypto.randomUUID(), access };
  const input = b64u(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c })) + '.' + b64u(JSON.stringify(claims));
  const token = input + '.' + b64u(crypto.sign('sha256', Buffer.from(input), key));
  log(how, scopes.join(' '), 'granted', JSON.stringify(access));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(oauth ? { access_token: token, expires_in: 300, scope: scopes.join(' ') } : { token, access_token: token, expires_in: 300, issued_at: new Date(now * 1000).toISOString() }));
}
function refuse(res, how) {
  log(how, 'refused');
  res.writeHead(401, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ details: 'incorrect username or password' }));
}
http.createServer((req, res) => {
  const u = new URL(req.url, 'http://127.0.0.1');
  if (req.method === 'POST') {
    // the OAuth2 password grant containerd uses when it has credentials (docs/spec/auth/oauth.md)
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const f = new URLSearchParams(body);
      const user = f.get('username') === cfg.user && f.get('password') === cfg.password;
      // wrong credentials are refused, as Docker Hub's and Harbor's token services do
      if (f.get('username') && !user) return refuse(res, 'POST ' + u.pathname + ' wrong credentials');
      grant(res, user, 'POST ' + u.pathname + ' ' + (user ? 'user' : 'anonymous'), (f.get('scope') ?? '').split(' ').filter(Boolean), f.get('service'), true);
    });
    return;
  }
  const user = req.headers.authorization === basic;
  if (req.headers.authorization && !user) return refuse(res, 'GET ' + u.pathname + ' wrong credentials');
  grant(res, user, 'GET ' + u.pathname + ' ' + (user ? 'user' : 'anonymous'), u.searchParams.getAll('scope'), u.searchParams.get('service'), false);
}).listen(cfg.port, '127.0.0.1');
log('token server listening on 127.0.0.1:' + cfg.port);
`;

export async function startTokenServer(dir: string, cfg: TokenServerConfig): Promise<LabProcess> {
  const proc = startDetached('token-server', [process.execPath, '-e', SCRIPT, JSON.stringify(cfg)], join(dir, 'token-server.log'), {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
  });
  await waitUntil(`token server on 127.0.0.1:${cfg.port}`, proc, () => accepts(cfg.port), 10_000);
  return proc;
}
