import { join } from 'node:path';
import { accepts, startDetached, waitUntil, type LabProcess } from './processes.js';
import type { LabPorts } from './layout.js';

/**
 * The lab's redirecting mirrors: small HTTP servers of our own in front of the lab's plain-HTTP
 * registry. Each answers /v2/ and manifests by proxying to the registry, and every blob GET with a
 * 307 to a target host on 127.0.0.1 carrying a presigned-URL style query — like Docker Hub (to its
 * CDN), Harbor, Quay or ECR (to object storage). One mirror per target:
 * - `served`: the target serves the blob (proxies it from the registry),
 * - `refused`: nothing listens on the target port,
 * - `stalled`: the target accepts the connection and never answers,
 * - `forbidden`: the target answers 403 like object storage does for an expired presigned URL.
 */
export type RedirectTarget = 'served' | 'refused' | 'stalled' | 'forbidden';
export const REDIRECT_TARGETS: readonly RedirectTarget[] = ['served', 'refused', 'stalled', 'forbidden'];

/** The query a redirect appends to the target URL: what a presigned storage URL carries. */
export const PRESIGNED_QUERY = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=600&X-Amz-Signature=0123456789abcdef';

export interface RedirectMirrorConfig {
  /** the registry the mirrors and the serving target proxy to */
  registry: string;
  /** redirecting mirror port -> target base URL */
  mirrors: { port: number; target: string }[];
  servePort: number;
  stallPort: number;
  forbiddenPort: number;
}

export function redirectMirrorConfig(ports: LabPorts): RedirectMirrorConfig {
  const r = ports.redirect;
  const target: Record<RedirectTarget, number> = { served: r.servedTarget, refused: r.refusedTarget, stalled: r.stalledTarget, forbidden: r.forbiddenTarget };
  return {
    registry: `http://127.0.0.1:${ports.mirror}`,
    mirrors: REDIRECT_TARGETS.map((t) => ({ port: r.mirrors[t], target: `http://127.0.0.1:${target[t]}` })),
    servePort: r.servedTarget,
    stallPort: r.stalledTarget,
    forbiddenPort: r.forbiddenTarget,
  };
}

/**
 * The server, run by `node -e` as a detached process (like the blackhole): plain CommonJS, its
 * configuration as JSON in argv[1]. It logs one line per request (mirror/target, method, path, status).
 */
const SCRIPT = String.raw`
const http = require('node:http');
const cfg = JSON.parse(process.argv[1]);
const PRESIGNED = ${JSON.stringify(PRESIGNED_QUERY)};
const log = (...a) => console.log(new Date().toISOString(), ...a);
function proxy(req, res, who) {
  const up = new URL(req.url, cfg.registry);
  const headers = { ...req.headers, host: up.host };
  const p = http.request(up, { method: req.method, headers }, (r) => {
    log(who, req.method, req.url, r.statusCode);
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  p.on('error', (e) => { log(who, req.method, req.url, 'proxy error', e.message); res.writeHead(502); res.end(); });
  req.pipe(p);
}
for (const m of cfg.mirrors) {
  http.createServer((req, res) => {
    const path = req.url.split('?')[0];
    if (/^\/v2\/.+\/blobs\/sha256:[0-9a-f]{64}$/.test(path) && (req.method === 'GET' || req.method === 'HEAD')) {
      const location = m.target + path + '?' + PRESIGNED;
      log('mirror:' + m.port, req.method, req.url, 307, location);
      res.writeHead(307, { location, 'content-length': '0' });
      res.end();
      return;
    }
    proxy(req, res, 'mirror:' + m.port);
  }).listen(m.port, '127.0.0.1');
}
http.createServer((req, res) => proxy(req, res, 'target:served')).listen(cfg.servePort, '127.0.0.1');
const held = [];
http.createServer((req) => { log('target:stalled', req.method, req.url, 'held'); held.push(req); }).listen(cfg.stallPort, '127.0.0.1');
http.createServer((req, res) => {
  const body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>\n';
  log('target:forbidden', req.method, req.url, 403);
  res.writeHead(403, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)) });
  res.end(req.method === 'HEAD' ? undefined : body);
}).listen(cfg.forbiddenPort, '127.0.0.1');
log('redirecting mirrors listening', JSON.stringify(cfg));
`;

export async function startRedirectMirror(dir: string, cfg: RedirectMirrorConfig): Promise<LabProcess> {
  const proc = startDetached('redirect-mirror', [process.execPath, '-e', SCRIPT, JSON.stringify(cfg)], join(dir, 'redirect-mirror.log'), {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    NO_PROXY: '*',
  });
  const ports = [...cfg.mirrors.map((m) => m.port), cfg.servePort, cfg.stallPort, cfg.forbiddenPort];
  await waitUntil(`redirecting mirrors on 127.0.0.1:${ports.join(',')}`, proc, async () => (await Promise.all(ports.map(accepts))).every(Boolean), 10_000);
  return proc;
}
