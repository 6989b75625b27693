/**
 * traceDocJson(doc) redacts field by field (redactTraceDoc) and writes no second pass over the JSON
 * text. That pass (redactedJsonText) finds nothing more: the two agree on the documents of every lab
 * fixture, and on documents whose every string was replaced by secrets, quotes, backslashes, control
 * characters and non-ASCII text.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactedJsonText, redactJson } from '../../../src/report/redact.js';
import { redactTraceDoc } from '../../../src/report/redact-trace.js';
import { parseTraceText, type TraceDoc } from '../../../src/trace/index.js';
import { traceDocJson } from '../../../src/report/trace-json.js';
import { rng } from '../../helpers/rng.js';

const LAB = join(import.meta.dirname, '../../fixtures/lab');

function logs(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) logs(p, out);
    else if (/\.(log|txt)$/.test(e)) out.push(p);
  }
  return out;
}


const NASTY = [
  'Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
  '{"token":"s3cr3t","password":"hunter2"}',
  'https://user:pa55@registry.example/v2/?access_token=abc',
  'ctr images pull -u labuser:labpass x',
  'quote " backslash \\ newline \n tab \t nul \u0000 esc \u001b',
  'lone \ud800 surrogate, pair \ud83d\ude00, U+2028 \u2028, latin ü, dash –',
  'Basic realm="lab"',
  '',
];

// words that pass a gate of redact() but are no secret
const HARMLESS_WORDS = ['may require authorization: authorization failed', 'Basic realm="lab"', 'Bearer realm="https://auth.example/token",service="registry"', 'mirror@sha256:abc', 'a -p flag'];

const expected = (d: TraceDoc) => redactedJsonText(redactTraceDoc(d), 0);
const changes = (v: unknown) => redactJson(v) !== v;

describe('traceDocJson', () => {
  const files = logs(LAB).filter((f) => existsSync(f));
  it('equals redactedJsonText(redactTraceDoc(doc), 0) on every fixture document', () => {
    let n = 0;
    for (const f of files) {
      for (const d of parseTraceText(readFileSync(f, 'utf8'))) {
        expect(traceDocJson(d), f).toBe(expected(d));
        n++;
      }
    }
    expect(n).toBeGreaterThan(100);
  });

  it('equals redactedJsonText(redactTraceDoc(doc), 0) when every string is hostile', () => {
    const r = rng(5);
    const docs = files.slice(0, 60).flatMap((f) => parseTraceText(readFileSync(f, 'utf8')));
    const mutate = (v: unknown): unknown => {
      if (typeof v === 'string') return r() < 0.7 ? NASTY[Math.floor(r() * NASTY.length)] : v;
      if (Array.isArray(v)) return [...v.map(mutate), ...(v.length > 0 && v.every((x) => typeof x === 'string') && r() < 0.3 ? [NASTY[0]] : [])];
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mutate(x)]));
      return v;
    };
    for (let i = 0; i < 3; i++) {
      for (const d of docs) {
        const m = mutate(d) as TraceDoc;
        expect(traceDocJson(m)).toBe(expected(m));
      }
    }
  });

  // such words send a document down the path without the deep copy (redactJson returns the document itself),
  // and it must still come out as redactedJsonText's
  it('equals redactedJsonText(redactTraceDoc(doc), 0) when strings only look like secrets', () => {
    const r = rng(11);
    const docs = files.slice(0, 60).flatMap((f) => parseTraceText(readFileSync(f, 'utf8')));
    const mutate = (v: unknown): unknown => {
      if (typeof v === 'string') return r() < 0.2 ? HARMLESS_WORDS[Math.floor(r() * HARMLESS_WORDS.length)] : v;
      if (Array.isArray(v)) return v.map(mutate);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mutate(x)]));
      return v;
    };
    let unchanged = 0;
    for (const d of docs) {
      const m = mutate(d) as TraceDoc;
      if (!changes(m)) unchanged++;
      expect(traceDocJson(m)).toBe(expected(m));
    }
    // the path this is about was taken
    expect(unchanged).toBeGreaterThan(docs.length / 2);
  });

  it('a key whose value redactJson replaces outright counts as a change', () => {
    const d = parseTraceText(readFileSync(files[0] as string, 'utf8'))[0] as TraceDoc;
    for (const k of ['token', 'Authorization', 'password', 'set-cookie']) {
      const m = { ...d, extra: { [k]: 'plain' } } as unknown as TraceDoc;
      expect(changes(m), k).toBe(true);
      expect(traceDocJson(m), k).toBe(expected(m));
      expect(traceDocJson(m), k).not.toContain('plain');
    }
    // not a string: its strings are looked at instead
    expect(changes({ token: { a: 'plain' } })).toBe(false);
    expect(changes({ token: { a: 'Bearer abcdef123' } })).toBe(true);
  });
});

describe('redactJson', () => {
  it('returns the value itself only when redacting changes nothing in its JSON text, on hostile and harmless values', () => {
    const r = rng(23);
    const words = [...NASTY, ...HARMLESS_WORDS, 'plain', 'https://registry.example/v2/'];
    const value = (depth: number): unknown => {
      const x = r();
      if (depth > 3 || x < 0.4) return words[Math.floor(r() * words.length)];
      if (x < 0.5) return Math.floor(r() * 100);
      if (x < 0.55) return null;
      if (x < 0.75) return Array.from({ length: Math.floor(r() * 4) }, () => value(depth + 1));
      const keys = ['url', 'error', 'token', 'Cookie', 'challenge', 'a', '0', '2'];
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, () => [keys[Math.floor(r() * keys.length)] as string, value(depth + 1)]));
    };
    let same = 0;
    for (let i = 0; i < 5000; i++) {
      const v = value(0);
      const equal = JSON.stringify(redactJson(v)) === JSON.stringify(v);
      if (!changes(v)) {
        expect(equal, JSON.stringify(v)).toBe(true);
        same++;
      } else expect(equal, JSON.stringify(v)).toBe(false);
    }
    expect(same).toBeGreaterThan(500);
  });
});
