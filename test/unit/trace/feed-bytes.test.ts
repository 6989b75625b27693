/**
 * `feedBytes` (what `parse` reads a file with: lines that cannot matter are passed over on their
 * bytes, the rest decoded) gives what `feedText` gives on the decoded text: the same documents,
 * line counts and daemon facts, for every fixture under test/fixtures and for mutated streams of
 * their lines mixed with a busy node's lines, ASCII or not, whatever the chunks are cut into.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceParser } from '../../../src/trace/index.js';
import { rng } from '../../helpers/rng.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** What a parser reports once the input ended. */
function result(p: TraceParser) {
  const docs = p.end();
  return { docs, lines: p.lines, logLines: p.logLines, pulls: p.pullsSeen, facts: p.daemonFacts(), skipped: p.skipped };
}

function byText(text: string): ReturnType<typeof result> {
  const p = new TraceParser();
  p.feedText(text);
  return result(p);
}

/** `b` fed as the log reader hands it over: runs of whole lines cut at random newlines. */
function byBytes(b: Buffer, r: () => number): ReturnType<typeof result> {
  const p = new TraceParser();
  let s = 0;
  for (;;) {
    let nl = b.indexOf(10, s + Math.floor(r() * 4096));
    if (nl < 0) nl = b.length;
    p.feedBytes(b, s, nl, isAscii(b.subarray(s, nl)));
    if (nl >= b.length) break;
    s = nl + 1;
  }
  return result(p);
}

const ID = 'f3a1c0de9b8a7e6d5c4b3a29180706f5e4d3c2b1a09f8e7d6c5b4a3928170605';
const BUSY = [
  `level=info msg="StartContainer for \\"${ID}\\" returns successfully"`,
  `level=info msg="starting signal loop" namespace=k8s.io path=/run/containerd/io.containerd.runtime.v2.task/k8s.io/${ID} pid=4242`,
  `level=info msg="loading plugin \\"io.containerd.event.v1.publisher\\"..." runtime=io.containerd.runc.v2`,
  `level=error msg="ContainerStatus for \\"${ID}\\" failed" error="not found"`,
  'level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:café-1,Uid:1234,Namespace:日本,Attempt:0,}"',
  // a pod's sandbox image that CRI failed to pull (the one line of that pull, level error), the same message at other
  // levels and shapes (read only at level error), and a sandbox failure that is no pull
  `level=error msg="RunPodSandbox for &PodSandboxMetadata{Name:web-2,Uid:5678,Namespace:default,Attempt:0,} failed, error" error="failed to get sandbox image \\"registry.k8s.io/pause:3.9\\": failed to pull image \\"registry.k8s.io/pause:3.9\\": failed to pull and unpack image \\"registry.k8s.io/pause:3.9\\": failed to resolve reference \\"registry.k8s.io/pause:3.9\\": unexpected status from HEAD request to https://mirror.example:5000/v2/pause/manifests/3.9?ns=registry.k8s.io: 500 Internal Server Error"`,
  `level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:web-2,Uid:5678,Namespace:default,Attempt:0,} failed, error" error="failed to get sandbox image \\"registry.k8s.io/pause:3.9\\": failed to pull image \\"registry.k8s.io/pause:3.9\\": failed to pull and unpack image \\"registry.k8s.io/pause:3.9\\": failed to resolve reference \\"registry.k8s.io/pause:3.9\\": unexpected status from HEAD request to https://mirror.example:5000/v2/pause/manifests/3.9?ns=registry.k8s.io: 500 Internal Server Error"`,
  `level=warn msg="RunPodSandbox for &PodSandboxMetadata{Name:web-2,Uid:5678,Namespace:default,Attempt:0,} failed, error" error="failed to get sandbox image \\"registry.k8s.io/pause:3.9\\": failed to pull image \\"registry.k8s.io/pause:3.9\\": failed to pull and unpack image \\"registry.k8s.io/pause:3.9\\": failed to resolve reference \\"registry.k8s.io/pause:3.9\\": unexpected status from HEAD request to https://mirror.example:5000/v2/pause/manifests/3.9?ns=registry.k8s.io: 500 Internal Server Error"`,
  `level=error msg="RunPodSandbox for &PodSandboxMetadata{Name:web-3,Uid:9abc,Namespace:default,Attempt:1,} failed, error" error="failed to setup network for sandbox \\"${ID}\\": plugin type=\\"flannel\\" failed (add): open /run/flannel/subnet.env: no such file or directory"`,
  'level=info msg=shutdown',
  'level=info id=abc msg="not right after the level"',
  'level="info msg=resolving" msg=shutdown',
  'level=info msg="GET /v2/ HTTP/1.1"',
  'level=info msg="Pulled image é"',
  'level=info',
  `level=debug msg="fetch" digest="sha256:${ID}"`,
  `level=warning msg="StopContainer for \\"${ID}\\" returns successfully"`,
  `level=trace msg="StopContainer for \\"${ID}\\" returns successfully"`,
  'level=warning msg=resolving host=mirror.example:5000',
  'level=infox msg=shutdown',
  'level=debu msg=shutdown',
  'level=error msg',
  'level=info msg=',
];

describe('feedBytes', () => {
  it('every fixture: the same as feedText on its text', () => {
    const r = rng(7);
    let compared = 0;
    let docs = 0;
    for (const f of files(FIXTURES)) {
      const b = readFileSync(f);
      // the log reader refuses anything else
      if (b.includes(0) || !isUtf8(b)) continue;
      const want = byText(b.toString('utf8'));
      expect(byBytes(b, r), f).toEqual(want);
      compared++;
      docs += want.docs.length;
    }
    expect(compared).toBeGreaterThan(1000);
    expect(docs).toBeGreaterThan(300);
  });

  it('3,000 mutated streams of fixture and busy-node lines, some not ASCII: the same as feedText', () => {
    const r = rng(31);
    const lab = files(join(FIXTURES, 'lab')).filter((f) => /(daemon|daemon-start)\.log$|std(err|out)\.txt$/.test(f));
    const pool = [...new Set(lab.flatMap((f) => readFileSync(f, 'utf8').split('\n')))];
    const pick = () => pool[Math.floor(r() * pool.length)] as string;
    const busy = (i: number) => `time="2026-11-27T23:00:${String(i % 60).padStart(2, '0')}.${Math.floor(r() * 1e9)}Z" ${BUSY[Math.floor(r() * BUSY.length)]}`;
    for (let n = 0; n < 3000; n++) {
      const lines: string[] = [];
      for (let i = 1 + Math.floor(r() * 40); i > 0; i--) {
        const mode = r();
        let line = mode < 0.4 ? pick() : busy(i);
        if (mode > 0.8) {
          const a = [...line];
          for (let k = 0; k < 1 + Math.floor(r() * 4); k++) if (a.length) a[Math.floor(r() * a.length)] = ' "\\=time"msg level=HTTP/1.é'[Math.floor(r() * 28)] as string;
          line = a.join('');
        }
        lines.push(line);
      }
      const text = lines.join('\n');
      expect(byBytes(Buffer.from(text, 'utf8'), r), JSON.stringify(lines)).toEqual(byText(text));
    }
  });
});
