// Generates a daemon-log-like file of a given size from REAL line shapes (templates taken from the
// lab fixtures' CRI daemon logs), with varied digests, hosts, refs and levels. Two mixes:
//  - 'pulls' (the worst case): every line is of a pull but ~10% irrelevant ones (also real shapes:
//    snapshot/content/event lines);
//  - 'busy-node': a node that runs pods: ~0.4% of the lines are of pulls, the rest are the CRI
//    plugin's lines about sandboxes, containers, shims and probes (their messages as containerd's
//    CRI server and runc shim write them at info level).
// Used by scripts/bench-parse.
import { createWriteStream, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

function rng(seed) {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
}

/** Real CRI pull logs (1.6 / 1.7 / 2.1, success and failure) split into relevant and irrelevant lines. */
function templates(labRoot) {
  const pulls = [];
  const noise = [];
  for (const s of ['1.6', '1.7', '2.1']) {
    for (const sc of ['mirror-ok', 'mirror-404', 'mirror-refused', 'tls-no-ca', 'basic-auth', 'pull-only']) {
      const p = join(labRoot, s, sc, 'cri', 'daemon.log');
      if (!existsSync(p)) continue;
      const lines = readFileSync(p, 'utf8').split('\n').filter(Boolean);
      const rel = lines.filter((l) => /msg="?(PullImage|Pulled image|loading host directory|resolving|do request|fetch response received|trying next host|fetch failed|resolved|fetch|Unauthorized|fetching layer)\b/.test(l));
      noise.push(...lines.filter((l) => !rel.includes(l) && !l.includes('level=info msg="HTTP/') && l.length < 600));
      if (rel.length) pulls.push(rel);
    }
  }
  if (!pulls.length) throw new Error(`no CRI fixtures under ${labRoot}`);
  return { pulls, noise };
}

const HEX = '0123456789abcdef';

// containerd's CRI and shim lines of a node running pods; ID/ID2 sandbox and container ids, POD,
// NS, UID, CN, PID and SEC are filled in per line
const BUSY = [
  'level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:POD,Uid:UID,Namespace:NS,Attempt:0,}"',
  'level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:POD,Uid:UID,Namespace:NS,Attempt:0,} returns sandbox id \\"ID\\""',
  'level=info msg="CreateContainer within sandbox \\"ID\\" for container &ContainerMetadata{Name:CN,Attempt:0,}"',
  'level=info msg="CreateContainer within sandbox \\"ID\\" for &ContainerMetadata{Name:CN,Attempt:0,} returns container id \\"ID2\\""',
  'level=info msg="StartContainer for \\"ID2\\""',
  'level=info msg="StartContainer for \\"ID2\\" returns successfully"',
  'level=info msg="StopContainer for \\"ID2\\" with timeout 30 (s)"',
  'level=info msg="Stop container \\"ID2\\" with signal terminated"',
  'level=info msg="shim disconnected" id=ID2 namespace=k8s.io',
  'level=warning msg="cleaning up after shim disconnected" id=ID2 namespace=k8s.io',
  'level=info msg="cleaning up dead shim" namespace=k8s.io',
  'level=info msg="StopContainer for \\"ID2\\" returns successfully"',
  'level=info msg="StopPodSandbox for \\"ID\\""',
  'level=info msg="TearDown network for sandbox \\"ID\\" successfully"',
  'level=info msg="StopPodSandbox for \\"ID\\" returns successfully"',
  'level=info msg="RemoveContainer for \\"ID2\\""',
  'level=info msg="RemoveContainer for \\"ID2\\" returns successfully"',
  'level=info msg="ImageUpdate event name:\\"sha256:ID\\" labels:{key:\\"io.cri-containerd.image\\" value:\\"managed\\"}"',
  'level=info msg="loading plugin \\"io.containerd.event.v1.publisher\\"..." runtime=io.containerd.runc.v2 type=io.containerd.event.v1',
  'level=info msg="loading plugin \\"io.containerd.internal.v1.shutdown\\"..." runtime=io.containerd.runc.v2 type=io.containerd.internal.v1',
  'level=info msg="loading plugin \\"io.containerd.ttrpc.v1.task\\"..." runtime=io.containerd.runc.v2 type=io.containerd.ttrpc.v1',
  'level=info msg="starting signal loop" namespace=k8s.io path=/run/containerd/io.containerd.runtime.v2.task/k8s.io/ID pid=PID runtime=io.containerd.runc.v2',
  'level=info msg="ExecSync for \\"ID2\\" with command [/bin/sh -c /healthz] and timeout 1 (s)"',
  'level=info msg="ExecSync for \\"ID2\\" returns with exit code 0"',
  'level=error msg="ContainerStatus for \\"ID2\\" failed" error="rpc error: code = NotFound desc = an error occurred when try to find container \\"ID2\\": not found"',
  'level=info msg="Container to stop \\"ID2\\" must be in running or unknown state, current state \\"CONTAINER_EXITED\\""',
  'level=info msg="received exit event container_id:\\"ID2\\" id:\\"ID2\\" pid:PID exit_status:0 exited_at:{seconds:SEC nanos:PID}"',
  'level=info msg="TaskExit event in podsandbox handler container_id:\\"ID\\" id:\\"ID\\" pid:PID exit_status:137 exited_at:{seconds:SEC nanos:PID}"',
];
const PODS = ['coredns-7db6d8ff4d-x2v9k', 'kube-proxy-8f6qz', 'web-5d9c7b8f6d-abcde', 'worker-0', 'fluent-bit-zz7l2', 'node-exporter-4kq8n'];
const NAMESPACES = ['kube-system', 'default', 'monitoring', 'apps'];
const LEVELS = ['debug', 'info', 'warning', 'error'];

export async function generate(file, bytes, labRoot, seed = 42, mix = 'pulls') {
  const r = rng(seed);
  const { pulls, noise } = templates(labRoot);
  const hexes = (n) => { let s = ''; for (let i = 0; i < n; i++) s += HEX[Math.floor(r() * 16)]; return s; };
  const hosts = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? `mirror-${i}.corp.example:5000` : `10.${i}.${(i * 7) % 255}.${(i * 13) % 255}:${5000 + i}`));
  const out = createWriteStream(file, { highWaterMark: 1 << 22 });
  let written = 0;
  let buf = '';
  let t = Date.UTC(2026, 10, 27, 23, 0, 0);
  const stamp = () => { t += Math.floor(r() * 5); return new Date(t).toISOString().replace('Z', `${String(Math.floor(r() * 1e6)).padStart(6, '0')}Z`); };
  while (written < bytes) {
    const tpl = pulls[Math.floor(r() * pulls.length)];
    // one substitution table per pull: every digest and the mirror host vary
    const dmap = new Map();
    const host = hosts[Math.floor(r() * hosts.length)];
    const lines = [];
    for (const l of tpl) {
      if (r() < 0.111) lines.push(noise[Math.floor(r() * noise.length)]); // ~10% irrelevant lines
      lines.push(l);
    }
    // a busy node: ~250 lines about pods per line of a pull (one pull group is ~25 lines)
    if (mix === 'busy-node') {
      const n = Math.floor(tpl.length * 250 * (0.5 + r()));
      for (let i = 0; i < n; i++) {
        const id = hexes(64);
        const id2 = hexes(64);
        const text = BUSY[Math.floor(r() * BUSY.length)]
          .replaceAll('PID', String(1000 + Math.floor(r() * 60000))).replaceAll('UID', `${hexes(8)}-${hexes(4)}-${hexes(4)}-${hexes(4)}-${hexes(12)}`)
          .replaceAll('SEC', String(Math.floor(t / 1000))).replaceAll('ID2', id2).replaceAll('ID', id)
          .replaceAll('POD', PODS[Math.floor(r() * PODS.length)]).replaceAll('NS', NAMESPACES[Math.floor(r() * NAMESPACES.length)])
          .replaceAll('CN', PODS[Math.floor(r() * PODS.length)].split('-')[0]);
        lines.splice(Math.floor(r() * (lines.length + 1)), 0, `time="T" ${text}`);
      }
    }
    for (let line of lines) {
      line = line.replace(/sha256:[0-9a-f]{64}/g, (d) => { if (!dmap.has(d)) dmap.set(d, `sha256:${hexes(64)}`); return dmap.get(d); });
      line = line.replace(/127\.0\.0\.1:510[1-5]/g, host);
      line = line.replace(/^time="[^"]*"/, `time="${stamp()}"`);
      if (r() < 0.03) line = line.replace(/level=[a-z]+/, `level=${LEVELS[Math.floor(r() * LEVELS.length)]}`);
      buf += line + '\n';
    }
    if (buf.length > 1 << 20) {
      written += Buffer.byteLength(buf);
      if (!out.write(buf)) await new Promise((res) => out.once('drain', res));
      buf = '';
    }
  }
  if (buf) { written += Buffer.byteLength(buf); out.write(buf); }
  await new Promise((res) => out.end(res));
  return written;
}
