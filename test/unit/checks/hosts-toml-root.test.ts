/**
 * Under --root (a fleet pod with the node at /host) ctr is given this machine's path of the hosts
 * folder, so its pull names /host/…: the folder is still the node's, and ctr's evidence counts.
 */
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { labFacts } from '../../helpers/facts-fixture.js';

describe('hosts.toml evidence from ctr under --root', () => {
  it.each(['1.6', '1.7', '2.1'])('%s toml-syntax-error: ctr\'s "failed to decode" is evidence of the node\'s folder', async (series) => {
    const facts = await labFacts(series, 'toml-syntax-error');
    const ctr = facts.trace!.paths.find((p) => p.path === 'ctr-hosts-dir')!;
    const before = runChecks(facts).findings.find((f) => f.id === 'hosts-toml-invalid')!;
    expect(before.evidence.some((e) => e.source === 'ctr --hosts-dir output')).toBe(true);
    // the same run, as a pod with the node at /host saw it
    facts.root = '/host';
    ctr.doc!.hostsDir = `/host${ctr.doc!.hostsDir}`;
    const f = runChecks(facts).findings.find((x) => x.id === 'hosts-toml-invalid')!;
    expect(f.evidence.filter((e) => e.source === 'ctr --hosts-dir output')).toEqual(before.evidence.filter((e) => e.source === 'ctr --hosts-dir output'));
  });
});
