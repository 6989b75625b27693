/**
 * traceDocJson(doc) is exactly redactedJsonText(doc, 0): on the documents of every lab fixture, and
 * on documents whose every string was replaced by secrets, quotes, backslashes, control characters
 * and non-ASCII text. A field added to TraceDoc but not to the writer fails here.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactedJsonText } from '../../../src/report/redact.js';
import { parseTraceText, type TraceDoc } from '../../../src/trace/index.js';
import { traceDocJson } from '../../../src/trace/render-json.js';
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

describe('traceDocJson', () => {
  const files = logs(LAB).filter((f) => existsSync(f));
  it('equals redactedJsonText(doc, 0) on every fixture document', () => {
    let n = 0;
    for (const f of files) {
      for (const d of parseTraceText(readFileSync(f, 'utf8'))) {
        expect(traceDocJson(d), f).toBe(redactedJsonText(d, 0));
        n++;
      }
    }
    expect(n).toBeGreaterThan(100);
  });

  it('equals redactedJsonText(doc, 0) when every string is hostile', () => {
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
        expect(traceDocJson(m)).toBe(redactedJsonText(m, 0));
      }
    }
  });
});
