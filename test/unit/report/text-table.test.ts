import { describe, expect, it } from 'vitest';
import { layoutTable } from '../../../src/report/text-table.js';
import { fitLine, visibleWidth } from '../../../src/report/wrap-words.js';

const ROWS = [
  ['path', 'host directory', 'result'],
  ['ctr', '/etc/containerd/certs.d/docker.io', 'failed: failed to resolve reference "docker.io/library/nginx:latest": unexpected status 404'],
  ['CRI', '-', 'pulled (1.2 s)'],
];

describe('layoutTable', () => {
  it('off a terminal every cell is whole, columns two spaces apart', () => {
    const lines = layoutTable(ROWS);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(ROWS[1]![2]);
    expect(lines[0]!.indexOf('host directory')).toBe(lines[1]!.indexOf('/etc/containerd'));
  });
  it.each([80, 60, 40])('at %i columns no line is wider and no word is lost', (width) => {
    const lines = layoutTable(ROWS, width, '  ');
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(width);
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    // every cell's text survives, in order, in its column
    expect(words(lines.join(' '))).toEqual(expect.arrayContaining(words(ROWS.flat().join(' ')).filter((w) => w.length <= 10)));
    expect(lines.join('\n')).not.toContain('…');
  });
  it('the widest column gives way first: narrow columns stay on one line', () => {
    const lines = layoutTable(ROWS, 80, '  ');
    expect(lines.filter((l) => l.trimStart().startsWith('ctr'))).toHaveLength(1);
    expect(lines.some((l) => l.includes('/etc/containerd/certs.d/docker.io'))).toBe(true);
    expect(lines.length).toBeGreaterThan(3);
  });
  it('a table that fits is not touched by the width', () => {
    expect(layoutTable(ROWS.slice(0, 1), 200)).toEqual(layoutTable(ROWS.slice(0, 1)));
  });
});

describe('fitLine', () => {
  it('keeps a line that fits, wraps a longer one with a hanging indent', () => {
    expect(fitLine('    short', 20)).toEqual(['    short']);
    const out = fitLine('    fix: set config_path in the CRI registry table and restart containerd', 30);
    expect(out[0]).toBe('    fix: set config_path in');
    for (const l of out.slice(1)) expect(l.startsWith('      ')).toBe(true);
    for (const l of out) expect(l.length).toBeLessThanOrEqual(30);
    expect(out.map((l) => l.trim()).join(' ')).toBe('fix: set config_path in the CRI registry table and restart containerd');
  });
  it('colour codes take no columns and are never cut', () => {
    const red = '\u001b[31m✗\u001b[0m';
    const out = fitLine(`${red} verdict: problems — root cause: mirror-fallback`, 24);
    expect(out[0]!.startsWith(red)).toBe(true);
    for (const l of out) expect(visibleWidth(l)).toBeLessThanOrEqual(24);
  });
});
