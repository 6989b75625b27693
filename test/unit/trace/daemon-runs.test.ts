/**
 * Daemon-wide facts (CRI plugin load errors, the CRI config_path) belong to one daemon run: a
 * `starting containerd` line starts a new one. A pull the daemon was doing when it restarted ends
 * there, incomplete. Real logs recorded by the lab: a CRI plugin that fails to load (`mirrors`
 * set next to `config_path`), one that loads, and CRI pulls.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceText, type TraceDoc } from '../../../src/trace/index.js';
import { TraceParser } from '../../../src/trace/parser.js';

const LAB = join(import.meta.dirname, '../../fixtures/lab');
const read = (...p: string[]) => readFileSync(join(LAB, ...p), 'utf8');

describe.each(['1.6', '1.7', '2.1'])('daemon runs, containerd %s', (v) => {
  const failing = read(v, 'cri-mirrors-and-config-path', 'daemon-start.log');
  const ok = read(v, 'mirror-ok', 'daemon-start.log');
  const pull = read(v, 'mirror-ok', 'cri', 'daemon.log');

  it('a restart that fails the same way keeps one run of errors, not one per restart', () => {
    const once = new TraceParser();
    once.feedText(failing);
    const n = once.daemonFacts().pluginErrors.length;
    expect(n).toBeGreaterThan(0);
    const p = new TraceParser();
    p.feedText([failing, failing, failing, failing].join('\n'));
    expect(p.daemonFacts().pluginErrors).toEqual(once.daemonFacts().pluginErrors);
  });

  it('a pull after a fixed restart carries none of the earlier run’s errors, and the new run’s config_path', () => {
    const alone = parseTraceText([ok, pull].join('\n'));
    const afterFailures = parseTraceText([failing, failing, ok, pull].join('\n'));
    expect(alone.length).toBeGreaterThan(0);
    expect(afterFailures.map((d) => d.daemon)).toEqual(alone.map((d) => d.daemon));
    for (const d of afterFailures) expect(d.daemon.pluginErrors).toEqual([]);
  });

  it('without a start line between them, errors of the same run stay together', () => {
    const p = new TraceParser();
    p.feedText(failing);
    const errs = p.daemonFacts().pluginErrors;
    // the failing log is one run: all of its CRI load errors are kept, in order
    const lines = failing.split('\n').filter((l) => l.includes('failed to load plugin') && /cri|sandbox/.test(l));
    expect(errs.length).toBe(lines.length);
  });

  it('a pull cut off by a restart ends there, incomplete, and the next run’s pull of the same image is a pull of its own', () => {
    const lines = read(v, 'mirror-404', 'cri', 'daemon.log').split('\n');
    // up to the mirror request: no answer, no `trying next host`, no end of the pull
    const cutAt = lines.findIndex((l) => l.includes('msg="do request"')) + 1;
    expect(cutAt).toBeGreaterThan(0);
    const head = lines.slice(0, cutAt).join('\n');
    const text = [head, ok, pull].join('\n');
    const restartLine = text.split('\n').findIndex((l) => l.includes('msg="starting containerd"')) + 1;
    const docs = parseTraceText(text);
    expect(docs).toHaveLength(2);
    const [cut, next] = docs as [TraceDoc, TraceDoc];
    expect(cut.result).toBe('incomplete');
    expect(cut.lines.last).toBeLessThan(restartLine);
    expect(cut.warnings).toContain(`containerd restarted (line ${restartLine}) before this pull ended`);
    expect(cut.verdict).toContain(`containerd restarted (line ${restartLine})`);
    expect(cut.attempts.map((a) => [a.host, a.outcome, a.inferred])).toEqual([['127.0.0.1:5102', 'other', 'no outcome logged before containerd restarted']]);
    // the second pull is exactly what it is without the cut-off one before it (but for line numbers)
    const [alone] = parseTraceText([ok, pull].join('\n')) as [TraceDoc];
    const shift = next.lines.first - alone.lines.first;
    expect(shift).toBe(cutAt);
    const unshift = (d: TraceDoc) => ({ ...d, lines: { first: d.lines.first - shift, last: d.lines.last - shift }, attempts: d.attempts.map((a) => ({ ...a, line: a.line - shift })) });
    expect(unshift(next)).toEqual(alone);
    expect(next.result).toBe('success');
  });

  it('a ctr client pull is not cut off by a daemon restart in the same input', () => {
    const ctr = read(v, 'mirror-ok', 'ctr-hosts-dir', 'stderr.txt');
    const lines = ctr.split('\n');
    const mid = Math.floor(lines.length / 2);
    const text = [...lines.slice(0, mid), ...ok.split('\n'), ...lines.slice(mid)].join('\n');
    const docs = parseTraceText(text).filter((d) => d.source.kind === 'ctr');
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) expect(d.warnings.some((w) => w.startsWith('containerd restarted'))).toBe(false);
  });
});
