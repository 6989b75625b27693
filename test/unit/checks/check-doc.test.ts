/** `mirror-doctor checks`: the built-in copy of docs/checks.md and what the command prints. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDocHeadline, checkDocSection, markdownForTerminal } from '../../../src/checks/check-doc.js';
import { CHECKS_DOC_TEXT } from '../../../src/checks/checks-doc-text.js';
import { CRASH_ID } from '../../../src/checks/finding.js';
import { checkIds, checkInfo } from '../../../src/checks/registry.js';
import { runChecksCommand } from '../../../src/cli/checks.js';
import { UsageError } from '../../../src/errors.js';

const print = (id: string | undefined, json = false) => {
  let out = '';
  const code = runChecksCommand(id, { json }, (s) => (out += s));
  return { code, out };
};

describe('the built-in copy of docs/checks.md', () => {
  it('is docs/checks.md as it is now (else: node scripts/gen-checks-doc.mjs)', () => {
    expect(CHECKS_DOC_TEXT).toBe(readFileSync(resolve(__dirname, '../../../docs/checks.md'), 'utf8'));
  });

  it.each(checkIds())('has the section of %s, and only that one', (id) => {
    const s = checkDocSection(id);
    expect(s).toMatch(/^\*\*Default severity:\*\*/);
    expect(s).toMatch(/\*\*What it means\.\*\*[\s\S]*\*\*Evidence\.\*\*[\s\S]*\*\*Fix\.\*\*/);
    expect(s).not.toMatch(/\n#{2,3} /);
    expect(s?.match(/\*\*What it means\.\*\*/g)).toHaveLength(1);
  });

  it.each(checkIds())("opens %s with the registry's severity, sources and containerd docs link", (id) => {
    const info = checkInfo(id);
    expect(checkDocSection(id)?.split('\n')[0]).toBe(checkDocHeadline(info));
    for (const src of info.sources) expect(checkDocSection(id)).toContain(src.url.startsWith('https:') ? `](${src.url})` : `](../${src.url})`);
  });

  it('has the crash section, and none for unknown ids', () => {
    expect(checkDocSection(CRASH_ID)).toMatch(/^A check threw an exception/);
    expect(checkDocSection('no-such-check')).toBeNull();
    // a heading that only starts with the id is another check
    expect(checkDocSection('a', '# x\n\n### ab\n\ntext\n')).toBeNull();
    expect(checkDocSection('ab', '# x\n\n### ab\n\ntext\n## next\n\nmore')).toBe('text');
  });
});

describe('markdownForTerminal', () => {
  it('drops bold markers and wraps paragraphs at the width, keeping every word', () => {
    const md = `**What it means.** ${'word '.repeat(60).trim()}\n\n**Fix.** short`;
    const t = markdownForTerminal(md, 40);
    expect(t).not.toContain('**');
    for (const line of t.split('\n')) expect(line.length).toBeLessThanOrEqual(40);
    expect(t.split(/\s+/).filter((w) => w === 'word')).toHaveLength(60);
    expect(t).toMatch(/\n\nFix\. short$/);
  });

  it('keeps list and code lines as they are', () => {
    const md = 'para\n\n- one\n- two\n\n```\ncode  line\n```';
    expect(markdownForTerminal(md)).toBe(md);
  });
});

describe('mirror-doctor checks', () => {
  it('lists every check id, by layer', () => {
    const { code, out } = print(undefined);
    expect(code).toBe(0);
    for (const id of checkIds()) expect(out).toMatch(new RegExp(`^  ${id} +(error|warning|info|ok) +\\S`, 'm'));
    expect(out).toMatch(/^config:$/m);
  });

  it("shows one check's documentation without markdown markers", () => {
    const { code, out } = print('Config-Path-Unset');
    expect(code).toBe(0);
    expect(out).toMatch(/^config-path-unset · config · default severity error\nCRI registry config_path is not set\n\n/);
    expect(out).toContain('What it means.');
    expect(out).toContain('Fix.');
    expect(out).not.toContain('**');
    expect(out).toContain('Also in docs/checks.md#config-path-unset');
    expect(out).toContain('https://github.com/containerd/containerd/blob/v2.1.9/docs/hosts.md#cri');
    // the source links one a line after the text, not wrapped inside it
    expect(out).not.toContain('Default severity:');
    expect(out).toContain(
      'Source:\n  CRI default config (no config_path): https://github.com/containerd/containerd/blob/v2.1.9/internal/cri/config/config_unix.go#L30-L45\n' +
        '    in 1.x: https://github.com/containerd/containerd/blob/v1.7.24/pkg/cri/config/config_unix.go#L28-L114\n',
    );
  });

  it('prints JSON: the list, or one entry with its markdown', () => {
    const list = JSON.parse(print(undefined, true).out) as { id: string }[];
    expect(list.map((c) => c.id)).toEqual([...checkIds(), CRASH_ID]);
    const one = JSON.parse(print('host-dir-misnamed', true).out) as { id: string; documentation: string };
    expect(one.id).toBe('host-dir-misnamed');
    expect(one.documentation).toBe(checkDocSection('host-dir-misnamed'));
  });

  it('names the closest id for a typo, and exits 2 through UsageError', () => {
    expect(() => print('config-path-unst')).toThrow(UsageError);
    expect(() => print('config-path-unst')).toThrow(/unknown check id "config-path-unst" \(did you mean config-path-unset\?\)/);
    expect(() => print('zzzzzzzzzzzzzzzzzzzz')).toThrow(/^unknown check id "z+"$/);
  });
});
