/**
 * Daemon-wide facts (CRI plugin load errors, the CRI config_path) belong to one daemon run: a
 * `starting containerd` line starts a new one. Real start-up logs recorded by the lab: a CRI
 * plugin that fails to load (`mirrors` set next to `config_path`) and one that loads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceText } from '../../../src/trace/index.js';
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
});
