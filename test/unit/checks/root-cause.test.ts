/** The root-cause ranking, table-driven: which finding explains the symptom best. */
import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../../src/checks/finding.js';
import { finding } from '../../../src/checks/make.js';
import { CHECKS } from '../../../src/checks/registry.js';
import { CAUSE_ORDER, rankCauses, rootCause } from '../../../src/checks/root-cause.js';

const f = (id: string, severity: Severity = 'error'): Finding => finding(id, { severity, detail: `${id} happened` });

/** [why, findings (id or [id, severity]), expected root cause] */
const TABLE: Array<[string, Array<string | [string, Severity]>, string | null]> = [
  ['nothing wrong', [['mirror-used', 'ok'], ['ctr-namespace', 'info']], null],
  ['warnings are never the root cause', [['proxy-env-mismatch', 'warning'], ['mirror-no-resolve', 'warning'], ['mirror-used', 'ok']], null],
  ['a fallback caused by a discarded hosts.toml names the file', ['mirror-fallback', 'hosts-toml-invalid', 'mirror-not-tried'], 'hosts-toml-invalid'],
  ['the live config differs from the file: restart, not config_path', ['config-path-unset', 'restart-required', 'hosts-dir-not-loaded', 'cri-path-differs'], 'restart-required'],
  ['CRI did not load because of mirrors', ['cri-plugin-failed', 'mirrors-with-config-path', 'cri-path-differs', ['legacy-mirrors', 'warning']], 'mirrors-with-config-path'],
  ['config_path unset explains CRI differing from ctr', ['cri-path-differs', 'hosts-dir-not-loaded', 'config-path-unset'], 'config-path-unset'],
  ['a misnamed folder explains "no hosts folder loaded"', ['hosts-dir-not-loaded', 'host-dir-misnamed'], 'host-dir-misnamed'],
  ['host.toml explains "mirror not tried"', ['mirror-not-tried', 'hosts-toml-missing'], 'hosts-toml-missing'],
  ['no resolve capability explains "mirror not tried"', ['mirror-not-tried', 'mirror-no-resolve'], 'mirror-no-resolve'],
  ['a runtime failure with good files is the fallback itself', ['mirror-fallback', 'hosts-dir-not-loaded'], 'mirror-fallback'],
  ['a missing scheme explains the http-response-to-https fallback', ['mirror-fallback', 'mirror-missing-scheme'], 'mirror-missing-scheme'],
  ['a missing ca file fails before any request', ['mirror-fallback', 'ca-file-missing'], 'ca-file-missing'],
  ['containerd that does not start outranks everything', ['config-path-unset', 'hosts-toml-invalid', 'config-parse-error'], 'config-parse-error'],
  ['the wrong table explains config_path unset', ['config-path-unset', 'config-path-wrong-section'], 'config-path-wrong-section'],
  ['the 2.x colon list beats a missing folder', ['host-dir-missing', 'config-path-list-transfer'], 'config-path-list-transfer'],
  ['a folder outside config_path beats "no folder"', ['host-dir-missing', 'config-path-mismatch'], 'config-path-mismatch'],
  ['_default shadowed beats "no hosts.toml"', ['hosts-toml-missing', 'host-dir-shadows-default'], 'host-dir-shadows-default'],
  ['an unreachable daemon outranks evidence-free file findings', ['host-dir-missing', 'daemon-unreachable'], 'daemon-unreachable'],
  ['a dns-failure fallback at a cluster DNS name stays the cause; the name warning explains it', ['mirror-fallback', ['mirror-cluster-dns-name', 'warning']], 'mirror-fallback'],
  ['crash findings are never the cause', [['crash', 'error'], 'mirror-fallback'], 'mirror-fallback'],
  ['an id outside the order still counts when it is the only error', ['embedded-containerd'], 'embedded-containerd'],
];

describe('rootCause', () => {
  it.each(TABLE)('%s', (_why, input, want) => {
    const findings = input.map((x) => (typeof x === 'string' ? f(x) : x[0] === 'crash' ? { ...f('mirror-fallback'), id: 'crash' } : f(x[0], x[1])));
    expect(rootCause(findings)?.id ?? null).toBe(want);
    // the order of the findings does not matter
    expect(rootCause([...findings].reverse())?.id ?? null).toBe(want);
  });

  it('ranks every error, best first, keeping the order of equal ids', () => {
    const a = { ...f('mirror-fallback'), title: 'first' };
    const b = { ...f('mirror-fallback'), title: 'second' };
    expect(rankCauses([a, f('cri-path-differs'), b, f('hosts-toml-invalid')]).map((x) => x.title)).toEqual([
      f('hosts-toml-invalid').title,
      'first',
      'second',
      f('cri-path-differs').title,
    ]);
  });

  it('orders only known ids, each once', () => {
    const ids = new Set(CHECKS.map((c) => c.id));
    for (const id of CAUSE_ORDER) expect(ids.has(id), id).toBe(true);
    expect(new Set(CAUSE_ORDER).size).toBe(CAUSE_ORDER.length);
  });
});
