/**
 * A pull whose input names no host (a daemon at info level, ctr without --debug) is not "pulled
 * without a mirror": which host served it is unknown, and the text says what to collect. A hosts
 * folder is "none loaded" only where containerd's debug lines would have named it. On the lab's
 * recorded logs at info and debug level.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceText, type TraceDoc } from '../../../src/trace/index.js';
import { renderTraceText } from '../../../src/report/trace-text.js';
import { TraceSummary } from '../../../src/report/trace-summary.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures');

/** Every recorded pull of a lab tree: its name and the text a user would paste (ctr's stderr and stdout, or the daemon log). */
function inputs(tree: 'lab' | 'lab-info', variants: RegExp): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const series of ['1.6', '1.7', '2.1']) {
    const root = join(FIXTURES, tree, series);
    for (const scenario of readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
      for (const variant of readdirSync(join(root, scenario)).sort()) {
        const dir = join(root, scenario, variant);
        if (!variants.test(variant) || !existsSync(join(dir, 'meta.json'))) continue;
        const files = variant.startsWith('cri') ? ['daemon.log'] : ['stderr.txt', 'stdout.txt'];
        const text = files.map((f) => join(dir, f)).filter(existsSync).map((f) => readFileSync(f, 'utf8')).join('\n');
        out.push({ name: `${tree}/${series}/${scenario}/${variant}`, text });
      }
    }
  }
  return out;
}

const noHost = (d: TraceDoc) => d.attempts.length === 0 && d.resolved.host === null && d.blobHosts.length === 0;

describe('info level: a pull that names no host', () => {
  const pulled = inputs('lab-info', /^(cri|ctr-transfer-)/).flatMap(({ name, text }) => parseTraceText(text).map((d) => [name, d] as const)).filter(([, d]) => d.result === 'success');

  it('is every pulled image of the info-level CRI logs and ctr transfer outputs', () => {
    const unknown = pulled.filter(([, d]) => noHost(d)).map(([n]) => n);
    for (const series of ['1.6', '1.7', '2.1']) expect(unknown).toContain(`lab-info/${series}/mirror-ok/cri`);
    expect(unknown).toContain('lab-info/2.1/mirror-ok/ctr-transfer-hosts-dir');
    expect(unknown).toHaveLength(pulled.length);
  });

  it.each(pulled.map(([n, d]) => [n, d] as const))('%s: unknown, with what to collect', (_n, d) => {
    expect(d.verdict).toMatch(/^pulled; the input does not show which host served it \(containerd logs its requests at debug level only; ctr --debug images pull --http-trace, or mirror-doctor check, shows them\)$/);
    const text = renderTraceText([d]);
    expect(text).toContain('  · host directory: not in the input (logged at debug level only)\n');
    expect(text).not.toMatch(/without a mirror|none loaded/);
    const summary = new TraceSummary();
    summary.add(d);
    expect(summary.render()).toMatch(/\n {2}1 pulled, no host in the input \(whether a mirror served is unknown\)\n {2}0 failed\n {2}hosts: none in the input/);
  });
});

describe('debug level and dumps: hosts are named', () => {
  const docs = inputs('lab', /^(cri|ctr-)/).flatMap(({ name, text }) => parseTraceText(text).map((d) => [name, d] as const));

  it('no pull recorded at debug level or with a dump is pulled without a host named', () => {
    expect(docs.length).toBeGreaterThan(100);
    expect(docs.filter(([, d]) => d.result === 'success' && noHost(d)).map(([n]) => n)).toEqual([]);
  });

  it('"no host directory was loaded" only where containerd\'s debug lines would name it', () => {
    const noMirror = docs.filter(([, d]) => d.result === 'success' && d.verdict.includes('without a mirror'));
    const debug = noMirror.filter(([, d]) => d.attempts.some((a) => a.evidence === 'debug'));
    const dumpOnly = noMirror.filter(([, d]) => !d.attempts.some((a) => a.evidence === 'debug'));
    // CRI without config_path, ctr without --hosts-dir (1.x and 2.x --local); 2.x transfer: ctr prints only the dump
    expect(debug.length).toBeGreaterThan(0);
    expect(dumpOnly.map(([n]) => n)).toEqual(['lab/2.1/mirror-blob-404-upstream/ctr-no-hosts-dir']);
    for (const [n, d] of debug) expect(d.verdict, n).toMatch(/ without a mirror \(no host directory was loaded\)$/);
    for (const [n, d] of dumpOnly) {
      expect(d.verdict, n).toMatch(/^pulled from \S+ without a mirror$/);
      expect(renderTraceText([d]), n).toContain('  · host directory: not in the input (logged at debug level only)\n');
    }
  });
});
