/**
 * docs/report-json.md documents every field `check --json` writes: the report, its verdict, each
 * traced path and the evidence a path's statements rest on. A field added to the report but not to
 * the page fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { buildReport } from '../../../src/report/report-json.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const DOC = readFileSync(join(import.meta.dirname, '../../../docs/report-json.md'), 'utf8');

describe('docs/report-json.md', () => {
  it('names every field of the report, the verdict, a path and its evidence', async () => {
    const facts = await factsFromFixture(join(FIXTURES, 'checks', 'cri-path-unknown'));
    const report = buildReport({ facts, outcome: runChecks(facts) });
    const cri = report.traces.paths.find((p) => p.path === 'cri')!;
    expect(cri.evidence?.level).toBe('unknown');
    const keys = [report, report.containerd, report.verdict, report.traces, cri, cri.evidence!, cri.daemonLog!].flatMap((o) => Object.keys(o));
    const missing = [...new Set(keys)].filter((k) => !DOC.includes(`"${k}"`));
    expect(missing).toEqual([]);
    for (const level of ['proven', 'inferred', 'unknown']) expect(DOC).toContain(`\`${level}\``);
  });
});
