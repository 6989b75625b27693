/**
 * Fuzz: 10,000 random and mutated inputs (real fixture lines, cut, spliced, byte-flipped,
 * re-quoted, wrapped) never make the parser throw, and every document validates.
 * Deterministic (seeded PRNG) so a failure is reproducible.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTraceParser, validateTraceDoc } from '../../../src/trace/index.js';
import { redactedJsonText } from '../../../src/report/redact.js';
import { renderTraceText } from '../../../src/report/trace-text.js';
import { rng } from '../../helpers/rng.js';

const LAB = join(import.meta.dirname, '../../fixtures/lab');
function corpus(): string[] {
  const lines: string[] = [];
  for (const s of ['1.6', '1.7', '2.1'])
    for (const sc of readdirSync(join(LAB, s))) {
      // daemon starts (a new run: facts cleared, pulls in flight cut off)
      if (existsSync(join(LAB, s, sc, 'daemon-start.log'))) lines.push(...readFileSync(join(LAB, s, sc, 'daemon-start.log'), 'utf8').split('\n'));
      for (const v of ['ctr-hosts-dir', 'ctr-hosts-dir-local', 'ctr-no-hosts-dir', 'cri', 'cri-concurrent', 'ctr-hosts-dir-user'])
        for (const f of ['stderr.txt', 'stdout.txt', 'daemon.log']) {
          const p = join(LAB, s, sc, v, f);
          if (existsSync(p)) lines.push(...readFileSync(p, 'utf8').split('\n'));
        }
    }
  return [...new Set(lines)];
}


const TOKENS = ['time="', '" ', 'level=', 'debug', 'info', 'msg=', '"do request"', 'resolving', 'host=', 'url=', 'http://', 'https://', '?ns=', '\\"', '"', '=', ' ', 'HTTP/1.1', 'HTTP/1.1 200 OK', 'GET /v2/', 'HEAD /', 'Host: ', 'ctr: ', 'trying next host', 'fetch failed', 'resolved', 'PullImage "', '{', '}', '[', 'INFO[0000] ', 'Nov 27 23:31:59 n c[1]: ', '\x1b[31m', '\u0000', '\uFFFD', '\\x1f', 'sha256:', 'error=', 'digest=', 'response.status=', '404 Not Found', 'loading host directory', 'dir=', 'failed to decode /x/hosts.toml', '\t', '\r'];

describe('fuzz', () => {
  it('10,000 random and mutated inputs: no throw, every document validates', () => {
    const base = corpus();
    const r = rng(0xC0FFEE);
    const pick = <T,>(xs: T[]): T => xs[Math.floor(r() * xs.length)] as T;
    let docs = 0;
    let skipped = 0;
    for (let n = 0; n < 10_000; n++) {
      const p = createTraceParser(n % 7 === 0 ? { ref: 'mirror-doctor-demo:1.0' } : {});
      const count = 1 + Math.floor(r() * 40);
      for (let i = 0; i < count; i++) {
        let line: string;
        const mode = r();
        if (mode < 0.25) line = pick(base);
        else if (mode < 0.5) {
          // cut or splice two real lines
          const a = pick(base);
          const b = pick(base);
          line = a.slice(0, Math.floor(r() * a.length)) + b.slice(Math.floor(r() * b.length));
        } else if (mode < 0.7) {
          // flip characters
          const a = [...pick(base)];
          for (let k = 0; k < 1 + Math.floor(r() * 6); k++) if (a.length) a[Math.floor(r() * a.length)] = String.fromCharCode(Math.floor(r() * 0x10000));
          line = a.join('');
        } else if (mode < 0.9) {
          // token soup
          line = Array.from({ length: 1 + Math.floor(r() * 12) }, () => pick(TOKENS)).join('');
        } else {
          line = Array.from({ length: Math.floor(r() * 200) }, () => String.fromCharCode(Math.floor(r() * 0x2000))).join('');
        }
        p.feed(line);
        if (r() < 0.02) p.snapshot();
      }
      const out = p.end();
      skipped += p.skipped;
      for (const d of out) {
        const problems = validateTraceDoc(d);
        if (problems.length) throw new Error(`input #${n}: ${problems.join(', ')}`);
        docs++;
      }
      if (n % 50 === 0) {
        redactedJsonText(out);
        renderTraceText(out);
      }
    }
    expect(docs).toBeGreaterThan(1000);
    // handlers are guarded, but none should actually have thrown
    expect(skipped).toBe(0);
  });

  it('hostile single inputs', () => {
    const inputs = ['', '\n', '"'.repeat(10000), 'time="', 'time=' + '\\'.repeat(5000), 'msg=' + '"\\"'.repeat(3000), '{'.repeat(5000), '{"MESSAGE":5}', '{"MESSAGE":[1e99,-1,"x"]}', 'INFO[' + 'x'.repeat(100), 'x'.repeat(2 << 20), 'level=info msg="' + 'GET /v2/a HTTP/1.1'.repeat(500) + '"', null as unknown as string, 42 as unknown as string];
    for (const s of inputs) {
      const p = createTraceParser();
      p.feed(s);
      for (const d of p.end()) expect(validateTraceDoc(d)).toEqual([]);
    }
  });
});
