import { join } from 'node:path';
import { accepts, startDetached, waitUntil, type LabProcess } from './processes.js';

/**
 * The lab's mirrors that are up and answer with an error status, one process on three ports of
 * 127.0.0.1, each request logged:
 * - `rateLimited`: 429 TOOMANYREQUESTS with Retry-After to every request, as a registry or a
 *   pull-through cache that passes on Docker Hub's pull rate limit answers;
 * - `unavailable`: 503 UNAVAILABLE to every request, as a pull-through cache whose storage or
 *   upstream fails;
 * - `blobless`: the lab's mirror for /v2/ and manifests, 404 BLOB_UNKNOWN for every blob, as a
 *   cache that holds manifests without their blobs;
 * - `webPage`: 200 with an HTML page to every request, as a repository manager's web UI or a login
 *   portal where the registry API was meant.
 */
const SCRIPT = String.raw`
const http = require('node:http');
const [rateLimitedPort, unavailablePort, bloblessPort, webPagePort, mirrorPort] = process.argv.slice(1).map(Number);
const log = (...a) => console.log(new Date().toISOString(), ...a);
function serve(port, status, code, message, headers) {
  http.createServer((req, res) => {
    log(port, req.method, req.url, status);
    const body = JSON.stringify({ errors: [{ code, message, detail: null }] }) + '\n';
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'docker-distribution-api-version': 'registry/2.0', ...headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  }).listen(port, '127.0.0.1');
}
serve(rateLimitedPort, 429, 'TOOMANYREQUESTS', 'You have reached your pull rate limit.', { 'retry-after': '60' });
serve(unavailablePort, 503, 'UNAVAILABLE', 'service unavailable', {});
const blobUnknown = JSON.stringify({ errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry', detail: null }] }) + '\n';
http.createServer((req, res) => {
  if (req.url.split('?')[0].includes('/blobs/')) {
    log(bloblessPort, req.method, req.url, 404);
    res.writeHead(404, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(blobUnknown)), 'docker-distribution-api-version': 'registry/2.0' });
    return res.end(req.method === 'HEAD' ? undefined : blobUnknown);
  }
  const up = http.request({ host: '127.0.0.1', port: mirrorPort, method: req.method, path: req.url, headers: req.headers }, (r) => {
    log(bloblessPort, req.method, req.url, r.statusCode);
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', (e) => { log(bloblessPort, req.method, req.url, 'proxy error', e.message); res.writeHead(502); res.end(); });
  req.pipe(up);
}).listen(bloblessPort, '127.0.0.1');
const page = '<!doctype html>\n<html><head><title>Repository manager</title></head><body><h1>Welcome</h1></body></html>\n';
http.createServer((req, res) => {
  log(webPagePort, req.method, req.url, 200);
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(page)) });
  res.end(req.method === 'HEAD' ? undefined : page);
}).listen(webPagePort, '127.0.0.1');
log('status mirrors listening on', rateLimitedPort, unavailablePort, bloblessPort, webPagePort);
`;

export async function startStatusMirrors(dir: string, ports: { rateLimited: number; unavailable: number; blobless: number; webPage: number; mirror: number }): Promise<LabProcess> {
  const own = [ports.rateLimited, ports.unavailable, ports.blobless, ports.webPage];
  const proc = startDetached('status-mirrors', [process.execPath, '-e', SCRIPT, ...own.map(String), String(ports.mirror)], join(dir, 'status-mirrors.log'), {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    NO_PROXY: '*',
  });
  await waitUntil(`status mirrors on 127.0.0.1:${own.join(',')}`, proc, async () => (await Promise.all(own.map(accepts))).every(Boolean), 10_000);
  return proc;
}
