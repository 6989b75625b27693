/**
 * ctr dumps the request Go's client makes to follow a redirect as `GET /… HTTP/0.0` (httputil.DumpRequest
 * prints the request's own protocol, which the client leaves unset), and with three downloads at once
 * those requests interleave with the others. Two real ctr 1.6.20 outputs of the lab's redirect-served
 * scenario (mirror 127.0.0.1:5710 redirects every blob to 127.0.0.1:5714), recorded while the machine
 * was busy: before `HTTP/0.0` was read as a request line, they gave 2 of the 4 redirected blobs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceText } from '../../../src/trace/index.js';
import { DumpAssembler, type DumpRequest } from '../../../src/trace/dump.js';

const DIR = join(import.meta.dirname, '../../fixtures/dump-interleaved');

describe('redirect follow-up requests in an interleaved --http-dump', () => {
  it.each(['1.6-redirect-served-a.txt', '1.6-redirect-served-b.txt'])('%s: all four blobs redirected and served', (f) => {
    const docs = parseTraceText(readFileSync(join(DIR, f), 'utf8'));
    expect(docs).toHaveLength(1);
    const d = docs[0]!;
    expect(d.result).toBe('success');
    expect(d.redirects).toEqual([{ from: '127.0.0.1:5710', to: '127.0.0.1:5714', ok: 4, failed: 0, unanswered: 0, failure: null, error: null }]);
    const redirected = d.attempts.filter((a) => a.redirect);
    expect(redirected).toHaveLength(4);
    for (const a of redirected) {
      expect(a.host).toBe('127.0.0.1:5710');
      expect(a.redirect).toMatchObject({ finalHost: '127.0.0.1:5714', finalStatus: 200, outcome: 'ok', evidence: 'dump' });
      expect(a.redirect!.hops).toEqual([{ status: 307, location: '127.0.0.1:5714' }]);
    }
    expect(new Set(redirected.map((a) => a.digest)).size).toBe(4);
  });

  it('a request line with HTTP/0.0 is a request, answered by the response that follows', () => {
    const got: DumpRequest[] = [];
    const asm = new DumpAssembler((r) => got.push(r));
    ['GET /v2/x/blobs/sha256:ab?sig=1 HTTP/0.0', 'Host: 127.0.0.1:5714', '', 'HTTP/1.1 200 OK', 'Content-Length: 1', ''].forEach((m, i) => asm.feed(m, i + 1));
    asm.flush();
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ method: 'GET', path: '/v2/x/blobs/sha256:ab?sig=1', host: '127.0.0.1:5714', status: 200 });
  });
});
