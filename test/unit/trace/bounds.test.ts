/**
 * What a pull keeps is bounded (pull-group.ts, parse-state.ts): its first attempts and warnings,
 * with a count and a warning for the rest; and the window of pulls in flight holds a bounded
 * number of attempts between them. Real CRI pull lines of containerd 1.7 (lab fixture), a blob
 * request repeated with new digests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceText, validateTraceDoc } from '../../../src/trace/index.js';
import { TraceParser } from '../../../src/trace/parser.js';
import { MAX_ATTEMPTS, MAX_WARNINGS } from '../../../src/trace/pull-group.js';
import { MAX_WINDOW_ATTEMPTS } from '../../../src/trace/parse-state.js';

const log = readFileSync(join(import.meta.dirname, '../../fixtures/lab/1.7/mirror-ok/cri/daemon.log'), 'utf8').split('\n');
const find = (re: RegExp) => log.find((l) => re.test(l)) as string;
const pullImage = find(/msg="PullImage \\"mirror-doctor-demo:1.0\\""$/);
const blobRequest = find(/msg="do request".*\/blobs\//);
const pulled = find(/msg="Pulled image/);
const returns = find(/returns image reference/);
const oldDigest = /sha256:([0-9a-f]{64})/.exec(blobRequest)![1] as string;

/** The blob request with the n-th new digest. */
const request = (n: number) => blobRequest.replaceAll(oldDigest, n.toString(16).padStart(64, '0'));
/** One CRI pull of `image` with `n` blob requests, ended when `end`. */
function pull(image: string, n: number, end = true): string[] {
  const rename = (l: string) => l.replaceAll('mirror-doctor-demo:1.0', image);
  const out = [rename(pullImage)];
  for (let i = 0; i < n; i++) out.push(request(i));
  if (end) out.push(rename(pulled), rename(returns));
  return out;
}

describe('bounds of one pull', () => {
  it(`keeps its first ${MAX_ATTEMPTS} attempts, counts the rest and says so; its end still counts`, () => {
    const docs = parseTraceText(pull('mirror-doctor-demo:1.0', MAX_ATTEMPTS + 500).join('\n'));
    expect(docs).toHaveLength(1);
    const d = docs[0]!;
    expect(validateTraceDoc(d)).toEqual([]);
    expect(d.result).toBe('success');
    expect(d.attempts).toHaveLength(MAX_ATTEMPTS);
    expect(d.attempts.at(-1)?.digest).toBe(`sha256:${(MAX_ATTEMPTS - 1).toString(16).padStart(64, '0')}`);
    expect(d.dropped).toEqual({ attempts: 500, warnings: 0, hostsTomlErrors: 0 });
    expect(d.warnings).toEqual([`not kept, to bound memory: 500 more attempts (the first ${MAX_ATTEMPTS} are kept); the result is read from all of the pull's lines`]);
  });

  it('a pull within the bounds: dropped is null and no warning is added', () => {
    const d = parseTraceText(pull('mirror-doctor-demo:1.0', 10).join('\n'))[0]!;
    expect(d.attempts).toHaveLength(10);
    expect(d.dropped).toBeNull();
    expect(d.warnings).toEqual([]);
  });

  it(`keeps its first ${MAX_WARNINGS} warnings`, () => {
    const cancel = pullImage.replace(/msg=.*$/, 'msg="cancel pulling image mirror-doctor-demo:1.0 because of no progress in 1m0s"');
    const lines = [pullImage, ...Array.from({ length: MAX_WARNINGS + 7 }, () => cancel)];
    const d = parseTraceText(lines.join('\n'))[0]!;
    expect(d.dropped).toEqual({ attempts: 0, warnings: 7, hostsTomlErrors: 0 });
    expect(d.warnings).toHaveLength(MAX_WARNINGS + 1);
    expect(d.warnings.at(-1)).toBe(`not kept, to bound memory: 7 more warnings (the first ${MAX_WARNINGS} are kept); the result is read from all of the pull's lines`);
  });
});

describe('bounds of the pulls in flight', () => {
  it(`retires the oldest pulls early when the window holds more than ${MAX_WINDOW_ATTEMPTS} attempts`, () => {
    const p = new TraceParser();
    // 30 pulls of 1900 attempts each: 57,000 attempts, far fewer pulls than the window of 400
    const n = 30;
    for (let i = 0; i < n; i++) p.feedText(pull(`app-${i}:1.0`, 1900).join('\n'));
    expect(p.retired).toBeGreaterThan(0);
    const early = p.drain();
    const docs = [...early, ...p.end()];
    expect(docs.map((d) => d.ref)).toEqual(Array.from({ length: n }, (_, i) => `app-${i}:1.0`));
    expect(docs.every((d) => d.result === 'success' && d.attempts.length === 1900 && d.dropped === null)).toBe(true);
  });
});
