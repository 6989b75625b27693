import { join } from 'node:path';
import { connect } from 'node:net';
import { startDetached, waitUntil, type LabProcess } from './processes.js';

/**
 * A blackholed host on 127.0.0.1: a socket that listens with a backlog of zero and never accepts,
 * its queue filled by its own connections, so the kernel drops every further SYN and a client's
 * connect hangs until its own timeout (containerd: 30 s) — like a firewall that drops packets.
 * Python does this in a few lines (Node's net.Server always accepts).
 */
const SCRIPT = `
import socket, sys, time
port = int(sys.argv[1])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(0)
fill = []
for _ in range(4):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    fill.append(c)
print("blackhole listening on 127.0.0.1:%d" % port, flush=True)
while True:
    time.sleep(3600)
`;

/** True once a connect to the port does not complete within `ms` (the queue is full). */
function connectHangs(port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    const t = setTimeout(() => {
      sock.destroy();
      resolve(true);
    }, ms);
    sock.on('connect', () => {
      clearTimeout(t);
      sock.destroy();
      resolve(false);
    });
    sock.on('error', () => {
      clearTimeout(t);
      resolve(false);
    });
  });
}

export async function startBlackhole(dir: string, port: number): Promise<LabProcess> {
  const proc = startDetached('blackhole', ['python3', '-c', SCRIPT, String(port)], join(dir, 'blackhole.log'));
  await waitUntil(`blackhole on 127.0.0.1:${port}`, proc, () => connectHangs(port, 300), 10_000);
  return proc;
}
