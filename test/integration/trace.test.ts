/**
 * `trace` against every lab scenario on real containerd 1.6, 1.7 and 2.1: the comparison of the
 * three paths (ctr without/with --hosts-dir, CRI as kubelet) and the verdict.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { labDown, labUp, type LabState } from '../../src/lab/lab.js';
import { SCENARIOS } from '../../src/lab/scenarios.js';
import { kubeletImageName } from '../../src/lab/record-fixtures.js';
import { prepareTrace } from '../../src/cli/trace.js';
import { trace, type TraceRun } from '../../src/probe/tracer.js';
import { testLabOptions, quietLog } from '../helpers/lab.js';

const opts = testLabOptions(5220);
let state: LabState;
const VERSIONS = ['1.6', '1.7', '2.1'] as const;

type Expect = {
  /** ctr --hosts-dir used the mirror */
  files: boolean;
  /** CRI used the mirror (null: CRI not loaded) */
  cri: boolean | null;
  verdict: RegExp;
};

const M = (p: number) => `127\\.0\\.0\\.1:${p}`;
const EXPECT: Record<string, (v: (typeof VERSIONS)[number]) => Expect> = {
  'mirror-ok': () => ({ files: true, cri: true, verdict: /nothing is ignored/ }),
  'mirror-404': () => ({ files: false, cri: false, verdict: new RegExp(`not used even with --hosts-dir: the mirror ${M(5222)} answered 404 not-found`) }),
  'mirror-refused': () => ({ files: false, cri: false, verdict: new RegExp(`the mirror ${M(5223)} answered connection-refused`) }),
  'https-on-http': () => ({ files: false, cri: false, verdict: /answered http-response-to-https/ }),
  'pull-only': () => ({ files: false, cri: false, verdict: /no mirror was asked to resolve the tag/ }),
  'url-v2-suffix': () => ({ files: true, cri: true, verdict: /nothing is ignored/ }),
  'toml-syntax-error': () => ({ files: false, cri: false, verdict: /hosts\.toml could not be parsed/ }),
  'dir-registry-1': () => ({ files: false, cri: false, verdict: /no host directory was loaded/ }),
  'file-host-toml': () => ({ files: false, cri: false, verdict: /no mirror was asked to resolve the tag \(no hosts\.toml in it/ }),
  'tls-no-ca': () => ({ files: false, cri: false, verdict: /answered tls-unknown-authority/ }),
  'tls-with-ca': () => ({ files: true, cri: true, verdict: /nothing is ignored/ }),
  'basic-auth': () => ({ files: false, cri: false, verdict: /answered 401 unauthorized/ }),
  'host-port-registry': () => ({ files: true, cri: true, verdict: /nothing is ignored/ }),
  'default-dir': () => ({ files: true, cri: true, verdict: /nothing is ignored/ }),
  'cri-config-path-unset': (v) => ({
    files: true,
    cri: false,
    verdict: v === '2.1' ? /CRI does not .*loaded no host directory \(config_path is not set in config\.toml\)/ : /CRI does not .*live configPath is empty: config_path is not set in config\.toml/,
  }),
  'cri-config-edited-after-start': (v) => ({
    files: true,
    cri: false,
    verdict: v === '2.1' ? /CRI does not .*loaded no host directory although config\.toml sets config_path .*started before config\.toml was edited — restart containerd/ : /CRI does not .*live configPath is empty: config\.toml sets config_path .* but containerd was started before that edit — restart containerd/,
  }),
  'cri-mirrors-and-config-path': () => ({ files: true, cri: null, verdict: /the CRI plugin is not loaded/ }),
  'cri-proxy-env': () => ({ files: true, cri: true, verdict: /nothing is ignored/ }),
};

async function namespaces(v: (typeof VERSIONS)[number]): Promise<string[]> {
  const d = state.daemons[v]!;
  const r = await execa(d.ctr, ['--address', d.address, 'namespaces', 'ls', '-q']);
  return r.stdout.split('\n').filter(Boolean);
}

describe('trace on every lab scenario and containerd version', () => {
  beforeAll(async () => {
    state = await labUp(opts, 'mirror-ok', quietLog);
  });
  afterAll(async () => {
    await labDown(opts, quietLog);
    rmSync(dirname(opts.dir), { recursive: true, force: true });
  });

  it('every scenario has an expectation', () => {
    expect(Object.keys(EXPECT).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
  });

  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      state = await labUp(opts, scenario.name, quietLog);
      for (const v of VERSIONS) {
        const d = state.daemons[v]!;
        const before = await namespaces(v);
        const o = await prepareTrace(kubeletImageName(scenario.ref), {
          ctr: d.ctr,
          address: d.address,
          config: d.config,
          hostsDir: state.hostsDir,
          daemonLog: d.log,
          timeout: '30',
        });
        const run: TraceRun = await trace(o);
        const e = EXPECT[scenario.name]!(v);
        const by = (p: string) => run.paths.find((x) => x.path === p)!;
        const where = `${v} ${scenario.name}: ${run.comparison.verdict}`;
        expect(run.containerd.server, where).toBe(d.packageVersion.startsWith('2.') ? '2.1.9+unknown' : d.packageVersion.replace(/-.*$/, ''));
        expect(by('ctr').doc?.mirrorUsed, where).toBe(false);
        expect(by('ctr-hosts-dir').doc?.mirrorUsed, where).toBe(e.files);
        if (e.cri === null) expect(by('cri').code, where).toBe('UNIMPLEMENTED');
        else expect(!!by('cri').doc?.mirrorUsed, where).toBe(e.cri);
        expect(run.comparison.verdict, where).toMatch(e.verdict);
        expect(run.leftovers, where).toEqual([]);
        // nothing of ours is left: the throw-away namespace is gone, no other namespace was touched
        expect(await namespaces(v), where).toEqual(before);
      }
    });
  }
});
