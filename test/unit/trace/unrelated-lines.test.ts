/**
 * Lines about other things than pulls (a busy node logs mostly sandboxes, containers, shims and
 * probes) are passed over from a few characters (UnrelatedText): the documents are the
 * same as when each line is read in full (`feed`, line by line through scanLine), and the same as
 * when those lines were not there at all.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceLines, parseTraceText } from '../../../src/trace/index.js';
import { rng } from '../../helpers/rng.js';

const LAB = join(import.meta.dirname, '../../fixtures/lab');

/** Every ctr output and daemon log of the lab fixtures, as line arrays. */
function fixtureLogs(): string[][] {
  const out: string[][] = [];
  for (const s of ['1.6', '1.7', '2.1'])
    for (const sc of readdirSync(join(LAB, s))) {
      if (existsSync(join(LAB, s, sc, 'daemon-start.log'))) out.push(readFileSync(join(LAB, s, sc, 'daemon-start.log'), 'utf8').split('\n'));
      for (const v of readdirSync(join(LAB, s, sc)))
        for (const f of ['stderr.txt', 'stdout.txt', 'daemon.log']) {
          const p = join(LAB, s, sc, v, f);
          if (existsSync(p)) out.push(readFileSync(p, 'utf8').split('\n'));
        }
    }
  return out;
}

// the shapes of containerd's CRI and shim lines on a node that runs pods (messages as
// internal/cri/server and the runc shim write them), with other levels and a few odd shapes
const ID = 'f3a1c0de9b8a7e6d5c4b3a29180706f5e4d3c2b1a09f8e7d6c5b4a3928170605';
const BUSY = [
  `level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:web-1,Uid:1234,Namespace:default,Attempt:0,} returns sandbox id \\"${ID}\\""`,
  `level=info msg="StartContainer for \\"${ID}\\" returns successfully"`,
  `level=info msg="shim disconnected" id=${ID} namespace=k8s.io`,
  `level=warning msg="cleaning up after shim disconnected" id=${ID} namespace=k8s.io`,
  `level=info msg="starting signal loop" namespace=k8s.io path=/run/containerd/io.containerd.runtime.v2.task/k8s.io/${ID} pid=4242 runtime=io.containerd.runc.v2`,
  `level=info msg="loading plugin \\"io.containerd.event.v1.publisher\\"..." runtime=io.containerd.runc.v2 type=io.containerd.event.v1`,
  `level=error msg="ContainerStatus for \\"${ID}\\" failed" error="rpc error: code = NotFound desc = an error occurred when try to find container \\"${ID}\\": not found"`,
  `level=info msg="ExecSync for \\"${ID}\\" returns with exit code 0"`,
  `level=debug msg="received exit event container_id:\\"${ID}\\" pid:4242 exit_status:0"`,
  // no message, a message after another field, an unquoted one, an odd level, a CR ending
  'level=info',
  'level=info id=abc msg="not right after the level"',
  'level=info msg=shutdown',
  'level=INFO msg="upper-case level"',
  'level=info msg="ends in a CR"\r',
  // a pod's sandbox image that CRI failed to pull (the one line of that pull, level error), the same message at other
  // levels and shapes (read only at level error), and a sandbox failure that is no pull
  `level=error msg="RunPodSandbox for &PodSandboxMetadata{Name:web-2,Uid:5678,Namespace:default,Attempt:0,} failed, error" error="failed to get sandbox image \\"registry.k8s.io/pause:3.9\\": failed to pull image \\"registry.k8s.io/pause:3.9\\": failed to pull and unpack image \\"registry.k8s.io/pause:3.9\\": failed to resolve reference \\"registry.k8s.io/pause:3.9\\": unexpected status from HEAD request to https://mirror.example:5000/v2/pause/manifests/3.9?ns=registry.k8s.io: 500 Internal Server Error"`,
  `level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:web-2,Uid:5678,Namespace:default,Attempt:0,} failed, error" error="failed to get sandbox image \\"registry.k8s.io/pause:3.9\\": failed to pull image \\"registry.k8s.io/pause:3.9\\": failed to pull and unpack image \\"registry.k8s.io/pause:3.9\\": failed to resolve reference \\"registry.k8s.io/pause:3.9\\": unexpected status from HEAD request to https://mirror.example:5000/v2/pause/manifests/3.9?ns=registry.k8s.io: 500 Internal Server Error"`,
  `level=warn msg="RunPodSandbox for &PodSandboxMetadata{Name:web-2,Uid:5678,Namespace:default,Attempt:0,} failed, error" error="failed to get sandbox image \\"registry.k8s.io/pause:3.9\\": failed to pull image \\"registry.k8s.io/pause:3.9\\": failed to pull and unpack image \\"registry.k8s.io/pause:3.9\\": failed to resolve reference \\"registry.k8s.io/pause:3.9\\": unexpected status from HEAD request to https://mirror.example:5000/v2/pause/manifests/3.9?ns=registry.k8s.io: 500 Internal Server Error"`,
  `level=error msg="RunPodSandbox for &PodSandboxMetadata{Name:web-3,Uid:9abc,Namespace:default,Attempt:1,} failed, error" error="failed to setup network for sandbox \\"${ID}\\": plugin type=\\"flannel\\" failed (add): open /run/flannel/subnet.env: no such file or directory"`,
  // a dump start and a message the parser reads, also beside a pod line
  'level=info msg="GET /v2/ HTTP/1.1"',
  'level=info msg="StopPodSandbox for \\"x\\" fetch"',
];

function busyLine(r: () => number, t: number): string {
  return `time="2026-11-27T23:${String(t % 60).padStart(2, '0')}:00.${String(Math.floor(r() * 1e9)).padStart(9, '0')}Z" ${BUSY[Math.floor(r() * BUSY.length)]}`;
}

/** A message the parser reads, spelled only through escapes (logrus never writes these). */
const LETTER_ESCAPE = /\\[xuU']/;

describe('lines about other things than pulls', () => {
  const logs = fixtureLogs();

  it('interleaved with every fixture log: the same documents as without them, read either way', () => {
    const r = rng(17);
    let docs = 0;
    for (const lines of logs) {
      const mixed: string[] = [];
      const blanked: string[] = [];
      for (const l of lines) {
        for (let k = Math.floor(r() * 4); k > 0; k--) {
          mixed.push(busyLine(r, mixed.length));
          blanked.push('');
        }
        mixed.push(l);
        blanked.push(l);
      }
      const fast = parseTraceText(mixed.join('\n'));
      expect(fast).toEqual(parseTraceLines(mixed));
      // the busy lines are not all inert (a dump start, a message the parser reads): only when none is
      if (!mixed.some((l) => l.includes('HTTP/1.1"') || l.includes('fetch"') || l.includes('level=error msg="RunPodSandbox'))) expect(fast).toEqual(parseTraceText(blanked.join('\n')));
      docs += fast.length;
    }
    expect(docs).toBeGreaterThan(300);
  });

  it('a quoted value before the message hides nothing: the message after it is read', () => {
    // a level quoted with a space and " msg=" in it: only the message after it is the line's
    const lines = [
      'time="2026-11-27T23:00:00.1Z" level="info msg=shutdown" msg=resolving host=mirror.example:5000',
      'time="2026-11-27T23:00:00.2Z" level=debug msg="trying next host" error="failed to do request: Head \\"http://mirror.example:5000/v2/a/manifests/1?ns=docker.io\\": dial tcp: connect: connection refused" host=mirror.example:5000',
    ];
    const [d] = parseTraceText(lines.join('\n'));
    expect(d?.attempts.map((a) => [a.host, a.outcome])).toEqual([['mirror.example:5000', 'connection-refused']]);
    expect(parseTraceText(lines.join('\n'))).toEqual(parseTraceLines(lines));
  });

  it('5,000 mutated streams: read in place or line by line, the same documents', () => {
    const r = rng(29);
    const pool = [...new Set(logs.flat())];
    const pick = () => pool[Math.floor(r() * pool.length)] as string;
    let compared = 0;
    for (let n = 0; n < 5000; n++) {
      const lines: string[] = [];
      for (let i = 1 + Math.floor(r() * 30); i > 0; i--) {
        const mode = r();
        let line: string;
        if (mode < 0.4) line = pick();
        else if (mode < 0.6) line = busyLine(r, i);
        else if (mode < 0.8) {
          const a = pick();
          const b = busyLine(r, i);
          line = a.slice(0, Math.floor(r() * a.length)) + b.slice(Math.floor(r() * b.length));
        } else {
          const a = [...(r() < 0.5 ? pick() : busyLine(r, i))];
          for (let k = 0; k < 1 + Math.floor(r() * 4); k++) if (a.length) a[Math.floor(r() * a.length)] = ' "\\=time"msg level=HTTP/1.'[Math.floor(r() * 27)] as string;
          line = a.join('');
        }
        if (line.includes('\n') || LETTER_ESCAPE.test(line)) continue;
        lines.push(line);
      }
      expect(parseTraceText(lines.join('\n')), JSON.stringify(lines)).toEqual(parseTraceLines(lines));
      compared++;
    }
    expect(compared).toBe(5000);
  });
});
