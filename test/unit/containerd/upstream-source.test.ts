/**
 * What the tool gives as the ground for a behaviour is something a user can open: containerd's
 * source or docs at a release tag, a containerd issue or pull request, or this project's docs —
 * never a "§" section of a reference document users do not have.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS_DOC_TEXT } from '../../../src/checks/checks-doc-text.js';
import { CHECKS, CRASH_INFO, checkIds } from '../../../src/checks/registry.js';
import { runChecks } from '../../../src/checks/run.js';
import { runChecksCommand } from '../../../src/cli/checks.js';
import { runExplain } from '../../../src/cli/explain.js';
import { SOURCES, sourceLink, type SourceKey } from '../../../src/containerd/upstream-source.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const REPO = resolve(__dirname, '../../..');
const KEYS = Object.keys(SOURCES) as SourceKey[];

/** GitHub's anchor for a markdown heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

/** Why `url` cannot be opened by a user, or null when it can. */
function notOpenable(url: string): string | null {
  if (/^https:\/\/github\.com\/containerd\/containerd\/(issues|pull)\/\d+$/.test(url)) return null;
  // Kubernetes' documentation of what kubelet does (the image pull policy)
  if (/^https:\/\/kubernetes\.io\/docs\/concepts\/[\w/-]+\/(#[\w-]+)?$/.test(url)) return null;
  // k3s's own documentation of registries.yaml (k3s and RKE2 read that file, not containerd)
  if (/^https:\/\/docs\.k3s\.io\/installation\/private-registry(#[\w-]+)?$/.test(url)) return null;
  // containerd's source at a tag, or nerdctl's (the nerdctl plan follows nerdctl's own rules)
  const blob = url.match(/^https:\/\/github\.com\/containerd\/(?:containerd|nerdctl)\/blob\/v\d+\.\d+\.\d+\/([\w./-]+)(#.*)?$/);
  if (blob) {
    const [, file, anchor] = blob;
    if (anchor === undefined) return null;
    if (file!.endsWith('.md')) return /^#[a-z0-9_-]+$/.test(anchor) ? null : `bad heading anchor ${anchor}`;
    const lines = anchor.match(/^#L(\d+)(?:-L(\d+))?$/);
    if (!lines) return `bad line anchor ${anchor}`;
    return lines[2] === undefined || Number(lines[2]) > Number(lines[1]) ? null : `empty line range ${anchor}`;
  }
  const ours = url.match(/^((?:docs\/)?[\w-]+\.md)(?:#([\w-]+))?$/);
  if (!ours) return 'neither containerd or nerdctl at a tag, a containerd issue/PR, k3s\'s registries.yaml docs, nor our docs';
  const file = join(REPO, ours[1]!);
  if (!existsSync(file)) return `${ours[1]} does not exist`;
  const anchors = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => /^#{1,6} /.test(l))
    .map((l) => slug(l.replace(/^#+ /, '')));
  return ours[2] === undefined || anchors.includes(ours[2]) ? null : `${ours[1]} has no heading #${ours[2]}`;
}

describe('upstream sources', () => {
  it.each(KEYS)('%s links what a user can open', (key) => {
    const s = SOURCES[key];
    expect(s.label.length).toBeGreaterThan(0);
    expect(notOpenable(s.url), s.url).toBeNull();
    if ('url1x' in s) {
      expect(notOpenable(s.url1x), s.url1x).toBeNull();
      expect(s.url1x).toMatch(/\/blob\/v1\.\d+\.\d+\//);
    }
  });

  it('gives the 1.x link for a 1.x containerd, else the main one', () => {
    expect(sourceLink('loadHostDir', 1).url).toBe(SOURCES.loadHostDir.url1x);
    expect(sourceLink('loadHostDir', 2).url).toBe(SOURCES.loadHostDir.url);
    expect(sourceLink('criPullMode', 1).url).toBe(SOURCES.criPullMode.url);
  });

  it('every source is named by a decision or a check', () => {
    const users = [join(REPO, 'src/checks/registry.ts'), ...readdirSync(join(REPO, 'src/containerd')).filter((f) => f !== 'upstream-source.ts').map((f) => join(REPO, 'src/containerd', f))]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    expect(KEYS.filter((k) => !users.includes(`'${k}'`))).toEqual([]);
  });

  it("every check's sources and containerd docs link are openable", () => {
    for (const c of CHECKS) {
      expect(c.sources.length, c.id).toBeGreaterThan(0);
      for (const s of c.sources) expect(notOpenable(s.url), `${c.id}: ${s.url}`).toBeNull();
      if (c.upstream) expect(notOpenable(c.upstream), `${c.id}: ${c.upstream}`).toBeNull();
    }
  });
});

describe('no user-facing text cites a "§" section', () => {
  it('docs/checks.md as built into the tool, and every check as `checks` lists it', () => {
    expect(CHECKS_DOC_TEXT).not.toContain('§');
    expect(JSON.stringify([...CHECKS, CRASH_INFO])).not.toContain('§');
  });

  it.each(checkIds())('`mirror-doctor checks %s`, text and JSON', (id) => {
    for (const json of [false, true]) {
      let out = '';
      runChecksCommand(id, { json }, (s) => (out += s));
      expect(out).toContain(id);
      expect(out).not.toContain('§');
    }
  });

  const nodes = [
    ...readdirSync(join(FIXTURES, 'checks')).map((d) => join(FIXTURES, 'checks', d)),
    ...readdirSync(join(FIXTURES, 'nodes')).map((d) => join(FIXTURES, 'nodes', d)),
  ]
    .filter((d) => existsSync(join(d, 'etc/containerd')))
    // explain refuses a config.toml it cannot read (exit 2), so such a node prints nothing
    .filter((d) => !existsSync(join(d, 'etc/containerd/config.toml')) || statSync(join(d, 'etc/containerd/config.toml')).isFile());

  it.each(nodes.map((d) => [d.slice(FIXTURES.length + 1), d]))('explain over fixture %s, text and JSON, 1.6 to 2.2', async (_, root) => {
    for (const version of ['1.6.16', '1.7.24', '2.1.9', '2.2.2']) {
      for (const json of [false, true]) {
        let out = '';
        expect(await runExplain('docker.io/library/busybox:latest', { root, containerdVersion: version, hostsDir: '/etc/containerd/certs.d', json }, [], { stdout: (s) => (out += s) })).toBe(0);
        expect(out).not.toContain('§');
        if (json) {
          const doc = JSON.parse(out) as { decisions: { source: { url: string } }[]; plans: { decisions: { source: { url: string } }[] }[] };
          for (const d of [...doc.decisions, ...doc.plans.flatMap((p) => p.decisions)]) expect(notOpenable(d.source.url), d.source.url).toBeNull();
        }
      }
    }
  });

  it.each(readdirSync(join(FIXTURES, 'checks')))('the check report over fixture checks/%s', async (id) => {
    const run = runChecks(await factsFromFixture(join(FIXTURES, 'checks', id)));
    expect(run.findings.length).toBeGreaterThan(0);
    expect(JSON.stringify(run)).not.toContain('§');
  });
});
