/**
 * Redirect chains over the recorded captures of pulls through the lab's redirecting mirrors
 * (test/fixtures/lab-redirects: ctr 1.6/1.7/2.1 local and transfer with --http-dump, CRI at debug).
 * The lab (port base 20000): mirrors 20010 (served), 20011 (refused), 20012 (stalled), 20013 (403)
 * answer manifests and send every blob GET with a 307 to 20014 (serves), 20015 (nothing listens),
 * 20016 (accepts, never answers), 20017 (403). The image has 4 blobs: a config and 3 layers.
 * Expectations come from that set-up and from what containerd logs (the Location only in the dump;
 * an error naming the target: refused on every version, 403 on 2.x only), not from the parser.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceLines, validateTraceDoc, type TraceDoc } from '../../../src/trace/index.js';
import { errorChain, errorUrls } from '../../../src/trace/redirects.js';
import { redactedJsonText } from '../../../src/report/redact.js';

const ROOT = join(import.meta.dirname, '../../fixtures/lab-redirects');
const MIRROR = { served: '127.0.0.1:20010', refused: '127.0.0.1:20011', stalled: '127.0.0.1:20012', forbidden: '127.0.0.1:20013' } as const;
const TARGET = { served: '127.0.0.1:20014', refused: '127.0.0.1:20015', stalled: '127.0.0.1:20016', forbidden: '127.0.0.1:20017' } as const;
type Case = keyof typeof MIRROR;
const BLOBS = [
  'sha256:26fa2672726c0b205b7c09c54184b8815868151bf56ae85d946a2ea720d116c9',
  'sha256:94e43b282a7e843959b3861eeed14148a8ab907367437ce095d1093f44d55f33',
  'sha256:98e9fda267449138e2276b11cd84403e9fcf8ba650ee65e1016396ce3c234243',
  'sha256:4f38a2c5440927ce9adf8d15f3e4f56e6ec194709b6f982bc1009b467567f8e7',
];

function input(dir: string, variant: string): string[] {
  const files = variant === 'cri' ? [join(dir, '..', 'daemon-start.log'), join(dir, 'daemon.log')] : ['stderr.txt', 'stdout.txt', 'daemon.log'].map((f) => join(dir, f));
  return files.filter((f) => existsSync(f)).flatMap((f) => readFileSync(f, 'utf8').split('\n'));
}

/** The pull's document: the one whose attempts asked the mirror (a transfer pull's client dump and daemon log may stay two). */
function docsOf(series: string, c: Case, variant: string): TraceDoc[] {
  const docs = parseTraceLines(input(join(ROOT, series, `redirect-${c}`, variant), variant));
  for (const d of docs) expect(validateTraceDoc(d)).toEqual([]);
  return docs.filter((d) => d.attempts.some((a) => a.host === MIRROR[c]));
}

const variants = (series: string) => readdirSync(join(ROOT, series, 'redirect-served')).filter((v) => existsSync(join(ROOT, series, 'redirect-served', v, 'meta.json')));
const CASES = ['1.6', '1.7', '2.1'].flatMap((series) => variants(series).map((variant) => ({ series, variant, dump: variant !== 'cri' })));

describe('a redirect the target serves', () => {
  it.each(CASES)('$series $variant', ({ series, variant, dump }) => {
    const docs = docsOf(series, 'served', variant);
    expect(docs).toHaveLength(1);
    const d = docs[0] as TraceDoc;
    expect(d.result).toBe('success');
    const chained = d.attempts.filter((a) => a.redirect);
    if (!dump) {
      // containerd logs neither the 307 nor its Location: the daemon log alone cannot show the target
      expect(chained).toEqual([]);
      expect(d.redirects).toEqual([]);
      expect(d.blobHosts).toEqual([MIRROR.served]);
      expect(d.verdict).toBe(`pulled via mirror ${MIRROR.served}`);
      return;
    }
    // manifests from the mirror, the 4 blobs from the target
    expect(d.blobHosts).toEqual([MIRROR.served, TARGET.served]);
    expect(d.redirects).toEqual([{ from: MIRROR.served, to: TARGET.served, ok: 4, failed: 0, unanswered: 0, failure: null, error: null }]);
    expect(chained.map((a) => a.digest).sort()).toEqual([...BLOBS].sort());
    for (const a of chained) {
      expect(a).toMatchObject({ host: MIRROR.served, kind: 'fetch', mirror: true, status: 200, outcome: 'ok' });
      expect(a.redirect).toEqual({ hops: [{ status: 307, location: TARGET.served }], finalHost: TARGET.served, finalStatus: 200, outcome: 'ok', error: null, evidence: 'dump' });
    }
    expect(d.verdict).toBe(`pulled via mirror ${MIRROR.served} (blobs redirected by ${MIRROR.served} to ${TARGET.served})`);
  });
});

describe('a redirect target that refuses the connection', () => {
  it.each(CASES)('$series $variant', ({ series, variant, dump }) => {
    for (const d of docsOf(series, 'refused', variant)) {
      expect(d.blobHosts).toEqual([MIRROR.refused]);
      expect(d.redirects).toHaveLength(1);
      const r = d.redirects![0]!;
      expect(r).toMatchObject({ from: MIRROR.refused, to: TARGET.refused, ok: 0, unanswered: 0, failure: 'connection-refused' });
      expect(r.failed).toBeGreaterThanOrEqual(1);
      expect(r.error).toMatch(new RegExp(`Get "http://${TARGET.refused}/v2/library/mirror-doctor-demo/blobs/sha256:[0-9a-f]{64}\\?X-Amz-[^"]*": dial tcp ${TARGET.refused}: connect: connection refused`));
      const failed = d.attempts.filter((a) => a.redirect && a.redirect.outcome === 'connection-refused');
      expect(failed.length).toBe(r.failed);
      for (const a of failed) {
        expect(a.host).toBe(MIRROR.refused);
        expect(a.outcome).toBe('connection-refused');
        expect(a.redirect).toMatchObject({ finalHost: TARGET.refused, finalStatus: null });
        expect(a.redirect!.error).toContain(`dial tcp ${TARGET.refused}: connect: connection refused`);
        // ctr's dump shows the 307 (a transfer pull's daemon log and CRI only the error naming the target)
        const hop = a.redirect!.evidence === 'dump' ? 307 : null;
        expect(a.redirect!.hops).toEqual([{ status: hop, location: TARGET.refused }]);
        if (!dump) expect(a.redirect!.evidence).toBe('error');
      }
      if (d.result === 'failure') {
        expect(d.verdict.startsWith(`failed at a redirect target: ${MIRROR.refused} redirected the blob download to ${TARGET.refused}, which failed (connection-refused): `)).toBe(true);
      }
    }
  });
});

describe('a redirect target that answers 403 (an expired presigned URL)', () => {
  it.each(CASES)('$series $variant', ({ series, variant, dump }) => {
    const docs = docsOf(series, 'forbidden', variant);
    for (const d of docs) {
      expect(d.result === 'failure' || (d.result === 'incomplete' && d.source.mode === 'transfer')).toBe(true);
      if (!dump && series !== '2.1') {
        // 1.x errors name the URL first asked (`unexpected status code http://<mirror>/…: 403`): no target to show
        expect(d.error).toContain(`unexpected status code http://${MIRROR.forbidden}/`);
        expect(d.redirects).toEqual([]);
        continue;
      }
      expect(d.redirects).toHaveLength(1);
      const r = d.redirects![0]!;
      expect(r).toMatchObject({ from: MIRROR.forbidden, to: TARGET.forbidden, ok: 0, failure: 'forbidden' });
      expect(r.failed).toBeGreaterThanOrEqual(1);
      for (const a of d.attempts.filter((x) => x.redirect && x.redirect.outcome === 'forbidden')) {
        expect(a).toMatchObject({ host: MIRROR.forbidden, outcome: 'forbidden' });
        expect(a.redirect!.finalHost).toBe(TARGET.forbidden);
        expect(a.redirect!.hops).toEqual([{ status: a.redirect!.evidence === 'dump' ? 307 : null, location: TARGET.forbidden }]);
        if (a.redirect!.finalStatus === null) {
          // 2.x cancels the other downloads with the first 403 as the cause: `Get "<target>…": … 403 Forbidden`
          expect(series).toBe('2.1');
          expect(a.redirect!.error).toMatch(new RegExp(`^failed to do request: Get "http://${TARGET.forbidden}/.*: 403 Forbidden$`));
        } else if (a.redirect!.evidence === 'dump') {
          expect(a.status).toBe(403);
          expect(a.redirect!.finalStatus).toBe(403);
        } else {
          expect(a.redirect!.finalStatus).toBe(403);
          expect(a.redirect!.hops).toEqual([{ status: null, location: TARGET.forbidden }]);
          expect(a.redirect!.error).toMatch(new RegExp(`unexpected status from GET request to http://${TARGET.forbidden}/.*: 403 Forbidden`));
        }
      }
    }
  });
});

describe('a redirect target that accepts and never answers', () => {
  it.each(CASES)('$series $variant', ({ series, variant, dump }) => {
    const docs = docsOf(series, 'stalled', variant);
    expect(docs).toHaveLength(1);
    const d = docs[0] as TraceDoc;
    expect(d.blobHosts).toEqual([MIRROR.stalled]);
    if (dump && d.source.mode !== 'transfer') {
      // ctr was stopped while waiting: every dumped blob request to the target is still unanswered
      expect(d.result).toBe('incomplete');
      const r = d.redirects![0]!;
      expect(d.redirects).toHaveLength(1);
      expect(r).toMatchObject({ from: MIRROR.stalled, to: TARGET.stalled, ok: 0, failed: 0, failure: null, error: null });
      expect(r.unanswered).toBeGreaterThanOrEqual(1);
      for (const a of d.attempts.filter((x) => x.redirect)) {
        expect(a.redirect).toEqual({ hops: [{ status: 307, location: TARGET.stalled }], finalHost: TARGET.stalled, finalStatus: null, outcome: null, error: null, evidence: 'dump' });
      }
      expect(d.verdict).toContain(`(${MIRROR.stalled} redirected the blob download to ${TARGET.stalled}, which has not answered)`);
      return;
    }
    if (series === '1.6') {
      // 1.6 logs nothing when the caller gives up on a stalled download
      expect(d.redirects).toEqual([]);
      return;
    }
    // the caller gave up (CRI deadline, ctr stopped): the error about the request names the target
    expect(d.redirects).toHaveLength(1);
    expect(d.redirects![0]).toMatchObject({ from: MIRROR.stalled, to: TARGET.stalled, ok: 0, failed: 1 });
    expect(d.redirects![0]!.error).toMatch(new RegExp(`Get "?http://${TARGET.stalled}/.*(context deadline exceeded|context canceled)`));
  });
});

describe('errorUrls / errorChain', () => {
  it('reads the URL Go quotes and the one containerd names before a status', () => {
    expect(errorUrls('failed to do request: Get "http://t:1/v2/x/blobs/sha256:ab?s=1": dial tcp t:1: connect: connection refused')).toEqual([
      { url: 'http://t:1/v2/x/blobs/sha256:ab?s=1', host: 't:1', path: '/v2/x/blobs/sha256:ab?s=1', status: null },
    ]);
    expect(errorUrls('httpReadSeeker: failed open: unexpected status code http://m:5/v2/x/blobs/sha256:ab?ns=docker.io: 403 Forbidden')[0]).toMatchObject({ host: 'm:5', status: 403 });
    expect(errorUrls('unexpected status from GET request to http://t:7/v2/x/blobs/sha256:ab?sig=1: 403 Forbidden')[0]).toMatchObject({ host: 't:7', status: 403 });
    expect(errorUrls('no url here')).toEqual([]);
    // as it reaches the parser from a redacted log: the redacted signature took the colon along
    expect(errorUrls('unexpected status from GET request to http://t:7/v2/x/blobs/sha256:ab?X-Amz-Signature=[REDACTED] 403 Forbidden')[0]).toMatchObject({ host: 't:7', status: 403 });
  });

  it('is a chain only when the first URL is on another host (a later one is a carried cause)', () => {
    expect(errorChain('m:5', 'Get "http://m:5/v2/x/blobs/sha256:ab": dial tcp: lookup m')).toBeNull();
    expect(errorChain('r.io', 'Get "https://r.io/v2/b": failed to copy: unexpected status from GET request to http://t:7/v2/c: 403 Forbidden')).toBeNull();
    expect(errorChain('m:5', 'unexpected status from GET request to http://t:7/v2/x/blobs/sha256:ab: 403 Forbidden')).toEqual({
      hops: [{ status: null, location: 't:7' }],
      finalHost: 't:7',
      finalStatus: 403,
      outcome: 'forbidden',
      error: 'unexpected status from GET request to http://t:7/v2/x/blobs/sha256:ab: 403 Forbidden',
      evidence: 'error',
    });
  });

  it('never prints the presigned signature, and the JSON stays valid', () => {
    const d = docsOf('1.7', 'refused', 'ctr-hosts-dir');
    const text = redactedJsonText(d);
    expect(text).not.toContain('0123456789abcdef');
    expect(JSON.parse(text)[0].redirects[0].to).toBe(TARGET.refused);
  });
});

describe('parse summary', () => {
  it('lists the redirect targets beside the mirrors, with the pulls they served', async () => {
    const { TraceSummary } = await import('../../../src/report/trace-summary.js');
    const s = new TraceSummary();
    for (const d of docsOf('1.7', 'served', 'ctr-hosts-dir')) s.add(d);
    for (const d of docsOf('1.7', 'refused', 'ctr-hosts-dir')) s.add(d);
    const text = s.render();
    expect(text).toContain(`  redirects: ${TARGET.served}  asked by 1 pull, served 1\n             ${TARGET.refused}  asked by 1 pull, served 0\n`);
  });
});
