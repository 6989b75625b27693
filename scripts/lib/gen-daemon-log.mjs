// Generates a daemon-log-like file of a given size from REAL line shapes (templates taken from the
// lab fixtures' CRI daemon logs), with varied digests, hosts, refs and levels, and ~10% irrelevant
// lines (also real shapes: snapshot/content/event lines). Used by scripts/bench-parse.
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
const LEVELS = ['debug', 'info', 'warning', 'error'];

export async function generate(file, bytes, labRoot, seed = 42) {
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
