/** runChecks: crash isolation, --ignore, ordering, exit codes and the verdict. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finding } from '../../../src/checks/make.js';
import { ALL_CHECKS, UnknownCheckIdError, parseIgnore, runChecks, sortFindings } from '../../../src/checks/run.js';
import type { Check } from '../../../src/checks/types.js';
import { FIXTURES, factsFromFixture, labFacts } from '../../helpers/facts-fixture.js';

const DIR = join(FIXTURES, 'checks');
const healthy = () => factsFromFixture(join(DIR, '_healthy'));

const throwing: Check = {
  id: 'mirror-no-pull',
  run() {
    throw new Error('boom');
  },
};
const warns: Check = { id: 'skip-verify-enabled', run: () => [finding('skip-verify-enabled', { detail: 'skip_verify is on', fix: ['remove it'] })] };
const errs: Check = { id: 'hosts-toml-invalid', run: () => [finding('hosts-toml-invalid', { detail: 'the file is broken', fix: ['fix it'] })] };

describe('runChecks', () => {
  it('turns a throwing check into a crash finding and still runs the others', async () => {
    const run = runChecks(await healthy(), { checks: [throwing, warns, errs] });
    const crash = run.findings.find((f) => f.id === 'crash')!;
    expect(crash.title).toBe('the check mirror-no-pull crashed');
    expect(crash.layer).toBe('hosts-toml');
    expect(crash.detail).toContain('boom');
    expect(run.findings.map((f) => f.id)).toContain('skip-verify-enabled');
    expect(run.rootCause?.id).toBe('hosts-toml-invalid');
  });

  it('isolates crashes inside the real check list too', async () => {
    const facts = await healthy();
    // a facts object a check cannot cope with: hostDirEntries is not an array
    const broken = { ...facts, hostDirEntries: null as unknown as typeof facts.hostDirEntries };
    const run = runChecks(broken);
    expect(run.findings.some((f) => f.id === 'crash' && f.title.includes('hosts-path-unreadable'))).toBe(true);
    expect(run.findings.some((f) => f.id === 'ctr-namespace')).toBe(true);
  });

  it('applies --ignore (case-insensitive) to checks and to their findings', async () => {
    const facts = await labFacts('2.1', 'toml-syntax-error');
    expect(runChecks(facts).rootCause?.id).toBe('hosts-toml-invalid');
    const run = runChecks(facts, { ignore: ['HOSTS-TOML-INVALID'] });
    expect(run.findings.some((f) => f.id === 'hosts-toml-invalid')).toBe(false);
    // the evidence remains and becomes the cause
    expect(run.rootCause?.id).not.toBe('hosts-toml-invalid');
    expect(runChecks(facts, { ignore: ['hosts-toml-invalid', 'mirror-fallback', 'mirror-not-tried', 'hosts-dir-not-loaded'] }).rootCause).toBeNull();
  });

  it('rejects unknown ids with a clear error and a suggestion', () => {
    expect(() => parseIgnore('config-path-unset,no-such-check')).toThrow(UnknownCheckIdError);
    try {
      parseIgnore(['hosts-toml-invalidd']);
    } catch (e) {
      expect((e as UnknownCheckIdError).ids).toEqual(['hosts-toml-invalidd']);
      expect((e as Error).message).toMatch(/unknown check id in --ignore: hosts-toml-invalidd \(did you mean hosts-toml-invalid\?\)/);
    }
    expect(parseIgnore(' config-path-unset , crash ,,')).toEqual(['config-path-unset', 'crash']);
    expect(parseIgnore(undefined)).toEqual([]);
  });

  it('exit code: 1 with an error, 0 with warnings only, 1 with warnings under --strict', async () => {
    const facts = await healthy();
    expect(runChecks(facts, { checks: [warns] })).toMatchObject({ exitCode: 0, status: 'ok', rootCause: null });
    expect(runChecks(facts, { checks: [warns], strict: true })).toMatchObject({ exitCode: 1, status: 'problems', rootCause: null });
    expect(runChecks(facts, { checks: [warns], strict: true }).summary).toMatch(/--strict/);
    expect(runChecks(facts, { checks: [errs] })).toMatchObject({ exitCode: 1, status: 'problems' });
    expect(runChecks(facts, { checks: [errs] }).summary).toMatch(/^root cause: hosts-toml-invalid — /);
  });

  it('with --client ctr, an error about CRI alone is named as such, not as "no error" (containerd#4904)', async () => {
    const facts = { ...(await healthy()), client: 'ctr' as const };
    const criOnly: Check = { id: 'config-path-unset', run: () => [finding('config-path-unset', { detail: 'unset', fix: [] })] };
    const run = runChecks(facts, { checks: [criOnly, warns] });
    expect(run).toMatchObject({ exitCode: 1, status: 'problems', rootCause: null });
    expect(run.summary).toBe('no error explains a ctr pull; the error concerns CRI pulls (kubelet, crictl) only: config-path-unset (1 error, 1 warning)');
  });

  it('sorts by layer, then worst first', () => {
    const fs = [
      finding('mirror-used', { severity: 'ok', detail: 'x' }),
      finding('mirror-fallback', { detail: 'x' }),
      finding('skip-verify-enabled', { detail: 'x' }),
      finding('hosts-toml-invalid', { detail: 'x' }),
      finding('ctr-namespace', { detail: 'x' }),
      finding('config-missing', { severity: 'info', detail: 'x' }),
      finding('config-path-unset', { detail: 'x' }),
    ];
    expect(sortFindings(fs).map((f) => f.id)).toEqual(['ctr-namespace', 'config-path-unset', 'config-missing', 'hosts-toml-invalid', 'skip-verify-enabled', 'mirror-fallback', 'mirror-used']);
  });

  it('every registered check id is run by exactly one check', () => {
    const ids = ALL_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a healthy traced node says the mirror is used', async () => {
    const run = runChecks(await labFacts('1.7', 'mirror-ok'));
    expect(run.summary).toMatch(/^no problem found: the mirror 127\.0\.0\.1:5101 served the pull/);
  });
});
