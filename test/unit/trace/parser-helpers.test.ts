/** Hand-written scanners in the parser agree with the regular expressions they replace. */
import { describe, expect, it } from 'vitest';
import { WANTED_FIELDS, wantedFields, wantedFieldsOf, type LogLine } from '../../../src/trace/line.js';
import { nsParam } from '../../../src/trace/classify.js';
import { parseLogfmt } from '../../../src/trace/logfmt.js';
import { pullImageRef } from '../../../src/trace/parser.js';
import { rng } from '../../helpers/rng.js';

const PULL_RE = /^PullImage "((?:[^"\\]|\\.){1,512})"(.*)$/;


describe('pullImageRef', () => {
  it('matches /^PullImage "((?:[^"\\\\]|\\\\.){1,512})"(.*)$/', () => {
    const r = rng(3);
    const parts = ['a', 'docker.io/library/x:1', '"', '\\', '\\"', '\\\\', '\n', '\r', '\u2028', ' failed', ' returns image reference "sha256:1"', ' ', 'é'];
    const cases = ['PullImage ""', 'PullImage "x"', 'PullImage "x', 'PullImage x', `PullImage "${'y'.repeat(512)}"`, `PullImage "${'y'.repeat(513)}"`, `PullImage "${'\\"'.repeat(512)}" r`, `PullImage "${'\\"'.repeat(513)}"`];
    for (let i = 0; i < 20000; i++) {
      let s = 'PullImage "';
      for (let k = 0; k < Math.floor(r() * 8); k++) s += parts[Math.floor(r() * parts.length)];
      if (r() < 0.01) s += 'z'.repeat(500 + Math.floor(r() * 30));
      cases.push(s);
    }
    for (const s of cases) {
      const m = PULL_RE.exec(s);
      expect(pullImageRef(s), JSON.stringify(s)).toEqual(m ? [m[1], m[2]] : null);
    }
  });
});

describe('wantedFieldsOf with one reused holder', () => {
  const line = (src: string): LogLine => ({ kind: 'log', format: 'logrus-text', inner: 'logrus-text', level: 'debug', msg: 'm', time: null, client: false, src, at: 0, pre: null });
  const only = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

  it('gives each line exactly its own wanted fields, as parseLogfmt restricted to WANTED_FIELDS does', () => {
    const r = rng(11);
    const keys = [...WANTED_FIELDS, 'other', 'request.header.accept', 'x'];
    const values = ['v', '"quoted value"', '"with \\"escape\\""', '', '""', 'https://h:5000/v2/x?ns=docker.io', '"unterminated'];
    const holder = wantedFields();
    // every wanted field set on one line, then lines with few or none: nothing may carry over
    const all = [...WANTED_FIELDS].map((k) => `${k}=set`).join(' ');
    const sources = [all, '', 'other=1', all, 'url=u'];
    for (let i = 0; i < 3000; i++) {
      let s = '';
      for (let k = 0; k < Math.floor(r() * 6); k++) s += `${s ? ' ' : ''}${keys[Math.floor(r() * keys.length)]}=${values[Math.floor(r() * values.length)]}`;
      sources.push(s);
      if (r() < 0.1) sources.push(all);
    }
    for (const src of sources) {
      expect(only(wantedFieldsOf(line(src), holder)), src).toEqual({ ...parseLogfmt(src, 0, Object.create(null), WANTED_FIELDS) });
    }
  });

  it('reads a line left in its block (src, at, end) as the line cut out of it', () => {
    const r = rng(8);
    const keys = [...WANTED_FIELDS, 'other'];
    // values that end a line where the next line would still match: unterminated quotes, a quote
    // or a space first found on the next line, escapes at the very end
    const values = ['v', '"q v"', '"unterminated', '"ends in \\', '"x\\"', '', 'a', '"a b" tail', '"'];
    const holder = wantedFields();
    for (let i = 0; i < 3000; i++) {
      const lines: string[] = [];
      for (let k = 0; k < 3; k++) {
        let s = '';
        for (let j = 0; j < Math.floor(r() * 5); j++) s += `${s ? ' ' : ''}${keys[Math.floor(r() * keys.length)]}=${values[Math.floor(r() * values.length)]}`;
        lines.push(s);
      }
      const block = lines.join('\n');
      for (let k = 0, at = 0; k < lines.length; at += (lines[k] as string).length + 1, k++) {
        const cut = lines[k] as string;
        const want = { ...parseLogfmt(cut, 0, Object.create(null), WANTED_FIELDS) };
        expect(only(wantedFieldsOf({ ...line(block), at, end: at + cut.length }, holder)), JSON.stringify(block)).toEqual(want);
      }
    }
  });

  it('returns pre-parsed fields (JSON lines) as they are', () => {
    const pre = { url: 'u' };
    expect(wantedFieldsOf({ ...line('host=h'), pre }, wantedFields())).toBe(pre);
  });
});

describe('nsParam', () => {
  // what it replaced: the query split at `&`, the first part that starts with `ns=`, decoded
  const bySplit = (u: string): string | null => {
    const q = u.indexOf('?');
    if (q < 0) return null;
    for (const part of u.slice(q + 1).split('&')) {
      if (!part.startsWith('ns=')) continue;
      try {
        return decodeURIComponent(part.slice(3));
      } catch {
        return part.slice(3);
      }
    }
    return null;
  };

  it('reads the first ns= parameter as splitting the query at & does', () => {
    const r = rng(11);
    const parts = ['/v2/x/manifests/1', '?', '&', 'ns=', 'docker.io', 'ns', '=', '%2F', '%', '%E0%A4%A', 'n', 's=', 'x=1', '&&', 'é', '#'];
    const cases = ['', '?', '?ns=', '/v2/a?ns=docker.io', '/v2/a?x=1&ns=quay.io&ns=b', '/v2/a?ns=%ZZ', '/v2/a?xns=1', '/v2/a?ns=a%2Fb&'];
    for (let i = 0; i < 20000; i++) {
      let s = '';
      for (let k = 0; k < Math.floor(r() * 9); k++) s += parts[Math.floor(r() * parts.length)];
      cases.push(s);
    }
    for (const u of cases) expect(nsParam(u), JSON.stringify(u)).toBe(bySplit(u));
  });
});
