import { join } from 'node:path';
import { accepts, startDetached, waitUntil, type LabProcess } from './processes.js';

/**
 * The lab's mirrors that are up and answer every request with an error status, one process on two
 * ports of 127.0.0.1, each request logged:
 * - `rateLimited`: 429 TOOMANYREQUESTS with Retry-After, as a registry or a pull-through cache that
 *   passes on Docker Hub's pull rate limit answers;
 * - `unavailable`: 503 UNAVAILABLE, as a pull-through cache whose storage or upstream fails.
 */
const SCRIPT = String.raw`
const http = require('node:http');
const [rateLimitedPort, unavailablePort] = process.argv.slice(1).map(Number);
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
log('status mirrors listening on', rateLimitedPort, unavailablePort);
`;

export async function startStatusMirrors(dir: string, ports: { rateLimited: number; unavailable: number }): Promise<LabProcess> {
  const proc = startDetached('status-mirrors', [process.execPath, '-e', SCRIPT, String(ports.rateLimited), String(ports.unavailable)], join(dir, 'status-mirrors.log'));
  await waitUntil(`status mirrors on 127.0.0.1:${ports.rateLimited},${ports.unavailable}`, proc, async () => (await accepts(ports.rateLimited)) && (await accepts(ports.unavailable)), 10_000);
  return proc;
}
