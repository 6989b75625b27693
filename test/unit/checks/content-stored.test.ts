/**
 * A mirror without the blobs in front of a reachable upstream, when ctr --hosts-dir fetched no blob:
 * containerd shares content across namespaces, so a pull beside it (the CRI pull) that stored the
 * blobs first leaves ctr nothing to fetch. Recorded: ctr --hosts-dir pulled into a second namespace
 * right after a first pull (fixtures/content-stored), beside the CRI pull's debug log of the same
 * scenario, on 1.6, 1.7 and 2.1. The CRI pull's own requests then show the mirror's 404s.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runChecks } from '../../../src/checks/run.js';
import { isBlobRequest } from '../../../src/trace/blob-requests.js';
import { FIXTURES, labFacts, labSeries } from '../../helpers/facts-fixture.js';

const MIRROR = '127.0.0.1:5123';
const UPSTREAM = '127.0.0.1:5101';

describe('mirror-blob-404-upstream when ctr --hosts-dir found the blobs stored', () => {
  it.each(labSeries())('%s: the CRI pull\'s debug log names the blob the mirror failed', async (series) => {
    const facts = await labFacts(series, 'mirror-blob-404-upstream', { sight: { hostsDirRecording: join(FIXTURES, 'content-stored', series) } });
    const hd = facts.trace!.paths.find((p) => p.path === 'ctr-hosts-dir')!;
    const cri = facts.trace!.paths.find((p) => p.path === 'cri')!;
    // as recorded: ctr asked for no blob, the CRI pull asked the mirror (404) and then the upstream
    expect(hd.doc!.attempts.some(isBlobRequest)).toBe(false);
    expect(hd.doc!.resolved.host).toBe(MIRROR);
    expect(cri.doc!.attempts.filter(isBlobRequest).some((a) => a.host === MIRROR && a.status === 404)).toBe(true);

    const run = runChecks(facts);
    expect(run.rootCause?.id).toBe('mirror-fallback');
    const f = run.findings.find((x) => x.id === 'mirror-fallback')!;
    expect(f.title).toMatch(new RegExp(`^the mirror ${MIRROR} .*404.* and containerd fell back to ${UPSTREAM}$`));
    expect(f.detail).toMatch(/Seen in CRI \(as kubelet\)\./);
    // the daemon log names the URL asked with the final answer: a redirect target may have given it
    expect(f.detail).toMatch(/that answer may have come from the host it redirected to/);
    expect(run.findings.find((x) => x.id === 'mirror-used')?.title).toBe(`the mirror ${MIRROR} served the image's manifest, but failed a blob (see mirror-fallback)`);
    expect(facts.trace!.comparison.verdict).toMatch(
      new RegExp(`^the mirror is used by ctr --hosts-dir and by CRI, but not for every blob: ${MIRROR} answered 404 for sha256:[0-9a-f]{64}, and containerd asked ${UPSTREAM} next \\(the CRI pull's log; the answer may be from a host the mirror redirected to\\)$`),
    );
  });

  it.each(labSeries())('%s, the daemon at info level (no blob request logged): the mirror served the manifest, its blobs were not tested', async (series) => {
    const facts = await labFacts(series, 'mirror-blob-404-upstream', { sight: { level: 'info', hostsDirRecording: join(FIXTURES, 'content-stored', series) } });
    const run = runChecks(facts);
    expect(run.findings.find((x) => x.id === 'mirror-used')?.title).toBe(
      `the mirror ${MIRROR} served the image's manifest; ctr --hosts-dir fetched no blob, as they were already on this node (content is shared across namespaces): its blobs were not tested`,
    );
    expect(run.findings.some((x) => x.id === 'mirror-used' && /served the pull/.test(x.title))).toBe(false);
  });
});
