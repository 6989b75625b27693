/**
 * The kind-4 (client) scenarios rebuilt from public threads (test/fixtures/threads/<slug>/): each
 * goes through `check --offline --root <slug>/root --containerd-version V --client C [ref] --json`
 * and must name its expected ids, the first of them as the root cause; without --client (CRI as
 * kubelet) that id is not the root cause, so the answer follows the client.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../../src/cli/check.js';
import { FIXTURES } from '../../helpers/facts-fixture.js';

const DIR = join(FIXTURES, 'threads');
const SLUGS = ['containerd-12550-ctr-without-hosts-dir', 'containerd-6285-ctr-does-not-read-cri-config', 'kubespray-8375-nerdctl-ignores-cri-mirrors'];

interface Scenario {
  url: string;
  kind: number;
  containerdVersion: string;
  client: 'cri' | 'ctr' | 'nerdctl';
  ref?: string;
  expectIds: string[];
}

async function check(slug: string, s: Scenario, client: Scenario['client'] | undefined) {
  let out = '';
  const code = await runCheck(
    s.ref,
    { root: join(DIR, slug, 'root'), offline: true, json: true, containerdVersion: s.containerdVersion, ...(client ? { client } : {}) },
    [],
    { stdout: (t) => void (out += t), stderr: () => {}, progress: false, argv: ['check'] },
  );
  const report = JSON.parse(out) as { findings: Array<{ id: string; severity: string }>; verdict: { rootCause: string | null } };
  return { code, findings: report.findings, rootCause: report.verdict.rootCause };
}

describe('public-thread scenarios of kind 4 (which client pulled)', () => {
  for (const slug of SLUGS) {
    const s = JSON.parse(readFileSync(join(DIR, slug, 'scenario.json'), 'utf8')) as Scenario;
    it(`${slug} (${s.url}): --client ${s.client} names ${s.expectIds.join(', ')}`, async () => {
      expect(s.kind).toBe(4);
      const r = await check(slug, s, s.client);
      expect(r.code).toBe(1);
      for (const id of s.expectIds) expect(r.findings.find((f) => f.id === id)?.severity, id).toBe('error');
      expect(r.rootCause).toBe(s.expectIds[0]);
    });
    it(`${slug}: without --client the same files do not blame the ${s.client} client`, async () => {
      const r = await check(slug, s, undefined);
      expect(r.rootCause).not.toBe(s.expectIds[0]);
      expect(r.findings.filter((f) => s.expectIds.includes(f.id) && f.severity === 'error')).toEqual([]);
    });
  }
});
