import { join } from 'node:path';
import { accepts, startDetached, waitUntil, type LabProcess } from './processes.js';

/**
 * The lab's hosts that go silent after the connect, one process on two ports of 127.0.0.1:
 * - `silent`: accepts every connection, reads what comes and never writes a byte. Named with
 *   https:// it is a TLS handshake stall (the ClientHello gets no ServerHello); with http:// it is a
 *   response-header stall (the request is read, no status line ever comes).
 * - `bodyStall`: a plain-HTTP proxy to the lab's mirror that passes HEAD and every answer without
 *   a body, but of a GET with a body sends the headers and half of the body, then hangs.
 * (The blackhole, whose connect never completes, is blackhole.ts.)
 */
const SCRIPT = `
const net = require('net');
const http = require('http');
const [silentPort, bodyPort, upstreamPort] = process.argv.slice(1).map(Number);
const held = [];
net.createServer((s) => { held.push(s); s.on('data', () => {}); s.on('error', () => {}); })
  .listen(silentPort, '127.0.0.1', () => console.log('silent host on 127.0.0.1:' + silentPort));
const server = http.createServer((req, res) => {
  const up = http.request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers }, (u) => {
    const chunks = [];
    u.on('data', (c) => chunks.push(c));
    u.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(u.statusCode, u.headers);
      if (req.method !== 'GET' || body.length < 2) return res.end(body);
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      held.push(res);
      console.log('body stall: ' + req.method + ' ' + req.url + ' after ' + Math.floor(body.length / 2) + ' of ' + body.length + ' bytes');
    });
  });
  up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
  req.pipe(up);
});
server.requestTimeout = 0;
server.headersTimeout = 0;
server.keepAliveTimeout = 0;
server.listen(bodyPort, '127.0.0.1', () => console.log('body-stall host on 127.0.0.1:' + bodyPort + ' (proxy to ' + upstreamPort + ')'));
`;

export async function startSilentHosts(dir: string, ports: { silent: number; bodyStall: number; mirror: number }): Promise<LabProcess> {
  const proc = startDetached('silent-hosts', [process.execPath, '-e', SCRIPT, String(ports.silent), String(ports.bodyStall), String(ports.mirror)], join(dir, 'silent-hosts.log'));
  await waitUntil(`silent hosts on 127.0.0.1:${ports.silent},${ports.bodyStall}`, proc, async () => (await accepts(ports.silent)) && (await accepts(ports.bodyStall)), 10_000);
  return proc;
}
