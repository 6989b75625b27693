/**
 * The walkthrough's `s` (save the report): without --report a new file in the current folder,
 * mirror-doctor-report-<time>[-N].md, mode 0600, that never replaces anything there (a file or a
 * planted link at the name just moves it to the next name); with --report the named file, which
 * is checked when the walkthrough starts.
 */
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { tuiServices } from '../../../src/cli/tui.js';
import { labFacts } from '../../helpers/facts-fixture.js';

const FIX = resolve(__dirname, '../../fixtures/nodes');
const NOW = new Date('2025-03-04T05:06:07.890Z');
const NAME = 'mirror-doctor-report-20250304T050607Z';
let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'md-tui-report-'));
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(tmp, { recursive: true, force: true });
});

async function save(o: { report?: string } = {}): Promise<string> {
  const services = tuiServices({ root: `${FIX}/mirror-ok`, offline: true, ...o }, { cwd: tmp, env: { HOME: tmp } });
  const facts = await labFacts('2.1', 'mirror-404');
  return services.saveReport(facts, await runChecks(facts, { ignore: [], strict: false }));
}

describe('the TUI saves its report', () => {
  it('under a new name each time, mode 0600, the earlier one untouched', async () => {
    const first = await save();
    writeFileSync(first, 'edited by the user\n');
    const second = await save();
    expect([first, second]).toEqual([join(tmp, `${NAME}.md`), join(tmp, `${NAME}-2.md`)]);
    expect(readFileSync(first, 'utf8')).toBe('edited by the user\n');
    expect(readFileSync(second, 'utf8')).toMatch(/^## mirror-doctor report: /);
    expect(statSync(second).mode & 0o777).toBe(0o600);
  });

  it('a link planted at the name is passed over, its target untouched', async () => {
    const victim = join(tmp, 'victim');
    writeFileSync(victim, 'keep me\n', { mode: 0o644 });
    symlinkSync(victim, join(tmp, `${NAME}.md`));
    expect(await save()).toBe(join(tmp, `${NAME}-2.md`));
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    expect(statSync(victim).mode & 0o777).toBe(0o644);
    expect(lstatSync(join(tmp, `${NAME}.md`)).isSymbolicLink()).toBe(true);
    expect(readdirSync(tmp).sort()).toEqual([`${NAME}-2.md`, `${NAME}.md`, 'victim']);
  });

  it('--report FILE: that file, replaced; a link there is refused when the walkthrough starts', async () => {
    const file = join(tmp, 'ticket.md');
    writeFileSync(file, 'old\n', { mode: 0o644 });
    expect(await save({ report: file })).toBe(file);
    expect(readFileSync(file, 'utf8')).toMatch(/^## mirror-doctor report: /);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    symlinkSync(file, join(tmp, 'link.md'));
    await expect(save({ report: join(tmp, 'link.md') })).rejects.toThrow(`--report ${join(tmp, 'link.md')} is a symbolic link (to ${file}); mirror-doctor does not write through links`);
  });
});
