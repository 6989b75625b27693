/**
 * Node setups rebuilt from public issue threads (test/fixtures/threads/<slug>/): each scenario.json
 * names the thread, the cause a maintainer or the reporter confirmed, and the check ids that must be
 * named — written before the tool ran on it. Every scenario goes through the code path of
 * `mirror-doctor check --offline --root <slug>/root --containerd-version V [ref] --json`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../../src/cli/check.js';
import { FIXTURES } from '../../helpers/facts-fixture.js';

const DIR = join(FIXTURES, 'threads');
const KINDS = [1, 2, 3, 4, 5];
// every key a scenario.json may hold: a misspelt or unused option fails instead of being ignored
const KEYS = ['url', 'confirmedCause', 'kind', 'containerdVersion', 'expectIds', 'ref', 'notFromFiles', 'expectAbsent', 'expectFix', 'note', 'expectIdsChanged', 'client', 'hostsDir'];

interface Scenario {
  url: string;
  confirmedCause: string;
  kind: number;
  containerdVersion: string;
  expectIds: string[];
  /** the image the thread pulled (default: what check picks) */
  ref?: string;
  /** set when no file can show the cause (network, server side, a containerd bug): why */
  notFromFiles?: string;
  /** ids that must not be reported as a warning or an error (the files are right there) */
  expectAbsent?: string[];
  /** text a named finding's fix must hold */
  expectFix?: Record<string, string>;
  note?: string;
  /** why expectIds differ from the ids first chosen (the cause named under another id) */
  expectIdsChanged?: string;
  /** the client the thread pulled with (check --client); default: CRI as kubelet */
  client?: 'cri' | 'ctr' | 'nerdctl';
  /** the --hosts-dir the thread gave ctr (check --hosts-dir) */
  hostsDir?: string;
}

interface ReportFinding {
  id: string;
  severity: string;
  fix: string[];
}

function scenarios(): Array<{ slug: string; s: Scenario }> {
  return readdirSync(DIR)
    .filter((slug) => existsSync(join(DIR, slug, 'scenario.json')))
    .sort()
    .map((slug) => ({ slug, s: JSON.parse(readFileSync(join(DIR, slug, 'scenario.json'), 'utf8')) as Scenario }));
}

async function checkOffline(slug: string, s: Scenario): Promise<ReportFinding[]> {
  let out = '';
  const options = {
    root: join(DIR, slug, 'root'),
    offline: true,
    json: true,
    containerdVersion: s.containerdVersion,
    ...(s.client ? { client: s.client } : {}),
    ...(s.hostsDir ? { hostsDir: s.hostsDir } : {}),
  };
  const code = await runCheck(s.ref, options, [], { stdout: (t) => void (out += t), stderr: () => {}, progress: false, argv: ['check'] });
  expect(code === 0 || code === 1, `exit code ${code}`).toBe(true);
  return (JSON.parse(out) as { findings: ReportFinding[] }).findings;
}

const ALL = scenarios();

describe('scenarios rebuilt from public threads', () => {
  it('each names its thread, a confirmed cause, a kind, a version, and ids or why files cannot show it', () => {
    expect(ALL.length).toBeGreaterThan(0);
    for (const { slug, s } of ALL) {
      expect(s.url, slug).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+\/(issues|pull)\/\d+$/);
      expect(s.confirmedCause.length, slug).toBeGreaterThan(20);
      expect(KINDS, slug).toContain(s.kind);
      expect(s.containerdVersion, slug).toMatch(/^v?\d+\.\d+/);
      expect(existsSync(join(DIR, slug, 'root')), slug).toBe(true);
      for (const key of Object.keys(s)) expect(KEYS, `${slug}: key ${key}`).toContain(key);
      if (s.notFromFiles === undefined) expect(s.expectIds.length, slug).toBeGreaterThan(0);
      else expect(s.expectIds, slug).toEqual([]);
    }
  });

  for (const { slug, s } of ALL) {
    it(`${slug}: ${s.expectIds.length > 0 ? s.expectIds.join(', ') : 'nothing the files can show'}`, async () => {
      const findings = await checkOffline(slug, s);
      const named = findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
      for (const id of s.expectIds) {
        expect(named.map((f) => f.id), `${slug} (${s.url}) must name ${id}`).toContain(id);
      }
      for (const id of s.expectAbsent ?? []) {
        expect(named.map((f) => f.id), `${slug} must not name ${id}`).not.toContain(id);
      }
      for (const [id, text] of Object.entries(s.expectFix ?? {})) {
        const f = named.find((x) => x.id === id);
        expect(f?.fix.join('\n'), `${slug}: fix of ${id}`).toContain(text);
      }
    });
  }
});
