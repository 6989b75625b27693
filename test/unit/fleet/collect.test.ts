/**
 * `fleet collect` on real `check --json` reports recorded from the lab (scripts/record-fleet-reports:
 * ten "nodes" on containerd 1.6, 1.7 and 2.1 in five scenarios), given as files, as a folder, as
 * one `kubectl logs --prefix --timestamps` stream, and through a stand-in kubectl.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractReports, jsonValueEnd, nodeInputsFromStream, splitByPod, type FleetReport } from '../../../src/fleet/collect-extract.js';
import { groupFleet, type FleetSummary } from '../../../src/fleet/collect-group.js';
import type { NodeInput } from '../../../src/fleet/collect-extract.js';
import { nodeInputsFromPods, parsePodList } from '../../../src/fleet/collect-pods.js';
import { renderFleetJson, renderFleetText } from '../../../src/fleet/collect-render.js';
import { runFleetCollect } from '../../../src/cli/fleet-collect.js';
import { UsageError } from '../../../src/errors.js';

const REPORTS = resolve(__dirname, '../../fixtures/fleet/reports');
const files = readdirSync(REPORTS).filter((f) => f.endsWith('.json')).sort();
const text = (f: string) => readFileSync(join(REPORTS, f), 'utf8');
const report = (f: string) => JSON.parse(text(f)) as FleetReport;

/** The expected grouping of the recorded fleet: odd groups first, the healthy majority last. */
const EXPECTED_GROUPS = [
  { status: 'problems', rootCause: 'mirror-no-resolve', nodes: ['node-09'] },
  { status: 'problems', rootCause: 'restart-required', nodes: ['node-05'] },
  { status: 'problems', rootCause: 'host-dir-misnamed', nodes: ['node-07', 'node-08'] },
  { status: 'ok', rootCause: null, nodes: ['node-01', 'node-02', 'node-03', 'node-04', 'node-06', 'node-10'] },
];
const shape = (s: FleetSummary) => s.groups.map((g) => ({ status: g.status, rootCause: g.rootCause, nodes: g.nodes.map((n) => n.name) }));

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'md-fleet-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** A `kubectl logs -l … --prefix --timestamps` stream: every pod's lines, prefixed, interleaved. */
function prefixedStream(entries: Array<{ pod: string; text: string }>): string {
  const perPod = entries.map(({ pod, text: t }) => t.split('\n').map((l, i) => `[pod/${pod}/check] 2026-11-28T02:00:${String(i % 60).padStart(2, '0')}.123456789Z ${l}`));
  const out: string[] = [];
  for (let i = 0; perPod.some((p) => i < p.length); i++) for (const p of perPod) if (i < p.length) out.push(p[i]!);
  return `${out.join('\n')}\n`;
}

describe('the recorded reports', () => {
  it('are real check reports of ten nodes with the expected root causes', () => {
    expect(files).toHaveLength(10);
    const byNode = Object.fromEntries(files.map((f) => [report(f).node!.name, report(f).verdict!.rootCause]));
    expect(byNode).toMatchObject({ 'node-05': 'restart-required', 'node-07': 'host-dir-misnamed', 'node-09': 'mirror-no-resolve', 'node-01': null, 'node-06': null });
    expect(new Set(files.map((f) => report(f).containerd!.server!.slice(0, 3)))).toEqual(new Set(['1.6', '1.7', '2.1']));
  });
});

describe('groupFleet', () => {
  const inputs = (): NodeInput[] => files.flatMap((f) => nodeInputsFromStream(join(REPORTS, f), text(f)));

  it('groups identical findings, odd groups first, the healthy majority last', () => {
    const s = groupFleet(inputs());
    expect(shape(s)).toEqual(EXPECTED_GROUPS);
    expect(s).toMatchObject({ schema: 'mirror-doctor.fleet/v1', nodes: 10, counts: { ok: 6, problems: 4, 'no-report': 0 }, exitCode: 1 });
  });

  it('a group carries the findings its nodes share, the summary, and the root cause fix and docs', () => {
    const g = groupFleet(inputs()).groups[2]!;
    expect(g.findings.map((f) => `${f.severity}:${f.id}`)).toEqual(['error:host-dir-misnamed', 'error:hosts-dir-not-loaded']);
    expect(g.fix[0]).toMatch(/^mv .*registry-1\.docker\.io .*docker\.io$/);
    expect(g.docs).toBe('docs/checks.md#host-dir-misnamed');
    expect(g.nodes.map((n) => n.containerd)).toEqual(['1.6.20~ds1', '1.6.20~ds1']);
  });

  it('an input order does not change the result', () => {
    expect(shape(groupFleet(inputs().reverse()))).toEqual(EXPECTED_GROUPS);
  });

  it('info findings (e.g. 2.x transfer service) do not split healthy nodes; a warning does', () => {
    const healthy = report('node-01.json');
    const warned: FleetReport = { ...healthy, node: { name: 'node-99' }, findings: [...healthy.findings!, { id: 'proxy-env-mismatch', severity: 'warning', title: 'proxy differs' }] };
    const s = groupFleet([...inputs(), { source: 'x.json', node: null, report: warned, problem: null }]);
    expect(s.groups.find((g) => g.nodes.some((n) => n.name === 'node-99'))).toMatchObject({ status: 'ok', nodes: [{ name: 'node-99' }], findings: [{ id: 'proxy-env-mismatch', severity: 'warning' }] });
    // odd ones first: the single warned node before the six quiet ones
    expect(s.groups.findIndex((g) => g.nodes[0]!.name === 'node-99')).toBeLessThan(s.groups.length - 1);
    expect(s.groups.at(-1)!.nodes).toHaveLength(6);
  });

  it('two reports of one node: the newest counts, the older is noted', () => {
    const old = { ...report('node-05.json'), generatedAt: '2026-01-01T00:00:00.000Z' };
    const s = groupFleet([{ source: 'old.json', node: null, report: old, problem: null }, ...inputs()]);
    expect(s.nodes).toBe(10);
    const n5 = s.groups.flatMap((g) => g.nodes).find((n) => n.name === 'node-05')!;
    expect(n5).toMatchObject({ source: join(REPORTS, 'node-05.json'), olderReports: 1 });
    expect(renderFleetText(s)).toMatch(/older reports of node-05 \(1\) were left out/);
  });

  it('a known node name (the pod\'s spec.nodeName) wins over the report\'s', () => {
    const s = groupFleet([{ source: 'pod/x', node: 'ip-10-0-0-7', report: report('node-01.json'), problem: null }]);
    expect(s.groups[0]!.nodes[0]!.name).toBe('ip-10-0-0-7');
  });

  it('a fleet of healthy nodes exits 0', () => {
    const ok = files.filter((f) => report(f).verdict!.status === 'ok');
    const s = groupFleet(ok.flatMap((f) => nodeInputsFromStream(f, text(f))));
    expect(s).toMatchObject({ exitCode: 0, counts: { ok: 6 } });
    expect(s.groups).toHaveLength(1);
  });
});

describe('extracting reports from logs', () => {
  it('a report among other lines of a pod log (the bundle unpacking, warnings)', () => {
    const log = `unpacking mirror-doctor.mjs (2.9 MiB)\n(node:7) Warning: something\n${text('node-07.json')}sleeping; the report is above\n`;
    const r = extractReports(log);
    expect(r.reports.map((x) => x.report.node!.name)).toEqual(['node-07']);
    expect(r.otherLines.get('')).toEqual(['unpacking mirror-doctor.mjs (2.9 MiB)', '(node:7) Warning: something', 'sleeping; the report is above']);
  });

  it('a JSON array of reports, and compact one-line reports', () => {
    const arr = JSON.stringify([report('node-01.json'), report('node-09.json')]);
    expect(extractReports(arr).reports.map((x) => x.report.node!.name)).toEqual(['node-01', 'node-09']);
    const lines = `${JSON.stringify(report('node-02.json'))}\n${JSON.stringify(report('node-03.json'))}\n`;
    expect(extractReports(lines).reports.map((x) => x.report.node!.name)).toEqual(['node-02', 'node-03']);
  });

  it('kubectl logs --prefix --timestamps of many pods interleaved', () => {
    const stream = prefixedStream(files.map((f, i) => ({ pod: `mirror-doctor-${i}`, text: `unpacking\n${text(f)}` })));
    expect(splitByPod(stream).size).toBe(10);
    const inputs = nodeInputsFromStream('all.log', stream);
    expect(inputs.every((i) => i.report && / pod\/mirror-doctor-\d$/.test(i.source))).toBe(true);
    expect(shape(groupFleet(inputs))).toEqual(EXPECTED_GROUPS);
  });

  it('a truncated report is no report, and says what the log ended with', () => {
    const cut = text('node-05.json').slice(0, 3000);
    const [input] = nodeInputsFromStream('cut.log', `starting check\n${cut}`);
    expect(input).toMatchObject({ report: null });
    expect(input!.problem).toMatch(/^no mirror-doctor report; last lines: /);
  });

  it('JSON that is not a report is not taken for one', () => {
    const [input] = nodeInputsFromStream('other.json', '{"schema": "mirror-doctor.trace/v1", "attempts": []}\n');
    expect(input).toMatchObject({ report: null, problem: expect.stringMatching(/mirror-doctor\.trace\/v1/) });
  });

  it('an empty file', () => {
    expect(nodeInputsFromStream('e.json', '')).toEqual([{ source: 'e.json', node: null, report: null, problem: 'empty: no mirror-doctor report' }]);
  });

  it.each([
    ['{"a": "}{"}', 0, 11],
    ['{"a": "\\"}"} tail', 0, 12],
    ['[{"x": [1, 2]}, 3]', 0, 18],
    ['{"open": ', 0, -1],
    ['{}}', 0, 2],
  ])('jsonValueEnd(%j) = %i…%i', (t, start, end) => {
    expect(jsonValueEnd(t, start)).toBe(end);
  });
});

/** Pod objects as `kubectl get pods -o json` prints them (the fields collect reads). */
const pod = (name: string, node: string | null, phase: string, status: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'mirror-doctor', creationTimestamp: '2026-11-28T02:00:00Z', labels: { 'app.kubernetes.io/name': 'mirror-doctor' } },
  spec: node ? { nodeName: node } : {},
  status: { phase, ...status },
});
const POD_LIST = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    pod('md-a', 'node-05', 'Running', { containerStatuses: [{ name: 'check', state: { running: { startedAt: '2026-11-28T02:00:05Z' } } }] }),
    pod('md-b', 'node-01', 'Running', { containerStatuses: [{ name: 'check', state: { running: { startedAt: '2026-11-28T02:00:05Z' } } }] }),
    pod('md-c', null, 'Pending', { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient memory.' }] }),
    pod('md-d', 'node-12', 'Pending', { containerStatuses: [{ name: 'check', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "node:22-bookworm-slim"' } } }] }),
    pod('md-e', 'node-13', 'Running', { containerStatuses: [{ name: 'check', state: { running: {} } }] }),
    pod('md-f', 'node-14', 'Failed', { containerStatuses: [{ name: 'check', state: { terminated: { exitCode: 2, reason: 'Error' } } }] }),
  ],
};

describe('pods', () => {
  it('parsePodList reads node, phase, and why a pod has no log', () => {
    const pods = parsePodList(JSON.stringify(POD_LIST));
    expect(pods.map((p) => [p.name, p.node, p.started, p.state])).toEqual([
      ['md-a', 'node-05', true, null],
      ['md-b', 'node-01', true, null],
      ['md-c', null, false, 'not scheduled: Unschedulable — 0/3 nodes are available: 3 Insufficient memory.'],
      ['md-d', 'node-12', false, 'container check waiting: ImagePullBackOff — Back-off pulling image "node:22-bookworm-slim"'],
      ['md-e', 'node-13', true, null],
      ['md-f', 'node-14', true, 'container exited with code 2 (Error)'],
    ]);
  });

  it('parsePodList rejects what is not a pod list', () => {
    expect(() => parsePodList('error: You must be logged in')).toThrow(/did not print JSON/);
    expect(() => parsePodList('{"kind": "Pod"}')).toThrow(/no "items" list/);
  });

  it('nodeInputsFromPods: reports, and a reason for every pod without one', () => {
    const logs = new Map<string, string | Error>([
      ['md-a', `unpacking\n${text('node-05.json')}`],
      ['md-b', text('node-01.json')],
      ['md-e', 'unpacking mirror-doctor.mjs\n'],
      ['md-f', 'mirror-doctor: --root /host is not a readable directory\n'],
    ]);
    const s = groupFleet(nodeInputsFromPods(parsePodList(JSON.stringify(POD_LIST)), logs));
    expect(s.counts).toEqual({ ok: 1, problems: 1, 'no-report': 4 });
    const byName = Object.fromEntries(s.groups.flatMap((g) => g.nodes.map((n) => [n.name, n.problem])));
    expect(byName).toEqual({
      'node-05': null,
      'node-01': null,
      'md-c': 'not scheduled: Unschedulable — 0/3 nodes are available: 3 Insufficient memory.',
      'node-12': 'container check waiting: ImagePullBackOff — Back-off pulling image "node:22-bookworm-slim"',
      'node-13': 'check may still be running; no mirror-doctor report; last lines: unpacking mirror-doctor.mjs',
      'node-14': 'container exited with code 2 (Error); no mirror-doctor report; last lines: mirror-doctor: --root /host is not a readable directory',
    });
    // no-report groups first (fewest nodes, worst status)
    expect(s.groups[0]!.status).toBe('no-report');
  });

  it('a failed kubectl logs is named', () => {
    const pods = parsePodList(JSON.stringify({ items: [pod('md-a', 'node-05', 'Running', { containerStatuses: [{ state: { running: {} } }] })] }));
    const [input] = nodeInputsFromPods(pods, new Map([['md-a', new Error('kubectl logs md-a: Unauthorized')]]));
    expect(input).toMatchObject({ node: 'node-05', report: null, problem: 'kubectl logs failed: kubectl logs md-a: Unauthorized' });
  });
});

describe('rendering', () => {
  const s = () => groupFleet(files.flatMap((f) => nodeInputsFromStream(join(REPORTS, f), text(f))));

  it('text: one table, groups in order, then the fix per problem group', () => {
    const out = renderFleetText(s());
    const rows = out.split('\n').filter((l) => /^\d?\s+node-\d\d/.test(l) || /^\d\s/.test(l));
    expect(rows.map((l) => l.match(/node-\d\d/)![0])).toEqual(['node-09', 'node-05', 'node-07', 'node-08', 'node-01', 'node-02', 'node-03', 'node-04', 'node-06', 'node-10']);
    expect(out).toMatch(/^mirror-doctor fleet collect: 10 nodes — 6 ok, 4 with problems, 0 without a report; 4 groups/);
    expect(out).toMatch(/3\. root cause host-dir-misnamed on 2 nodes \(node-07, node-08\)\n {3}the hosts folder is named differently/);
    expect(out).toMatch(/ {3}fix: systemctl restart containerd/);
    expect(out).not.toMatch(/\u001b\[/);
    expect(renderFleetText(s(), { color: true })).toMatch(/\u001b\[31mproblems/);
  });

  it('json: the summary, parseable', () => {
    const doc = JSON.parse(renderFleetJson(s())) as FleetSummary;
    expect(shape(doc)).toEqual(EXPECTED_GROUPS);
    expect(doc.schema).toBe('mirror-doctor.fleet/v1');
  });

  it('secrets in a report never reach the output', () => {
    const r = report('node-05.json');
    const leaky: FleetReport = {
      ...r,
      verdict: { ...r.verdict, summary: 'root cause: restart-required — Authorization: Bearer sekr1t-token-value' },
      findings: r.findings!.map((f) => (f.id === 'restart-required' ? { ...f, fix: ['curl -u admin:hunter2pass https://registry.local/v2/', 'https://user:pa55word@mirror.local/v2/'] } : f)),
    };
    const sum = groupFleet([{ source: 'leak.json', node: null, report: leaky, problem: null }]);
    for (const out of [renderFleetText(sum), renderFleetJson(sum)]) {
      for (const secret of ['sekr1t-token-value', 'hunter2pass', 'pa55word']) expect(out).not.toContain(secret);
    }
  });
});

describe('runFleetCollect (the command)', () => {
  const io = (stdin = '') => {
    const o = { out: '', err: '' };
    return { o, io: { stdout: (s: string) => void (o.out += s), stderr: (s: string) => void (o.err += s), readStdin: async () => stdin, color: false } };
  };

  it('a folder of reports: exit 1 (problems), the table', async () => {
    const { o, io: x } = io();
    expect(await runFleetCollect([REPORTS], {}, x)).toBe(1);
    expect(o.out).toMatch(/10 nodes — 6 ok, 4 with problems/);
  });

  it('files and - (stdin), --json', async () => {
    const { o, io: x } = io(prefixedStream([{ pod: 'p1', text: text('node-07.json') }, { pod: 'p2', text: text('node-08.json') }]));
    expect(await runFleetCollect([join(REPORTS, 'node-01.json'), '-'], { json: true }, x)).toBe(1);
    expect(shape(JSON.parse(o.out) as FleetSummary)).toEqual([
      { status: 'ok', rootCause: null, nodes: ['node-01'] },
      { status: 'problems', rootCause: 'host-dir-misnamed', nodes: ['node-07', 'node-08'] },
    ]);
  });

  it('only healthy reports: exit 0', async () => {
    const { io: x } = io();
    expect(await runFleetCollect([join(REPORTS, 'node-01.json'), join(REPORTS, 'node-06.json')], {}, x)).toBe(0);
  });

  it('nothing but logs without reports: exit 2 and says so', async () => {
    const f = join(tmp, 'broken.log');
    writeFileSync(f, 'exec /usr/local/bin/node: exec format error\n');
    const { o, io: x } = io();
    expect(await runFleetCollect([f], {}, x)).toBe(2);
    expect(o.err).toMatch(/no mirror-doctor report was found/);
    expect(o.out).toMatch(/exec format error/);
  });

  it.each([
    [['/nonexistent/report.json'], {}, /no such file or folder/],
    [['-', '-'], {}, /given twice/],
  ])('bad input %j: a usage error', async (args, opts, message) => {
    const { io: x } = io('{}');
    await expect(runFleetCollect(args, opts, x)).rejects.toThrow(message);
    await expect(runFleetCollect(args, opts, x)).rejects.toBeInstanceOf(UsageError);
  });

  it('a binary file and an empty folder: usage errors', async () => {
    const bin = join(tmp, 'core.json');
    writeFileSync(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
    const empty = mkdtempSync(join(tmp, 'empty-'));
    const { io: x } = io();
    await expect(runFleetCollect([bin], {}, x)).rejects.toThrow(/binary file/);
    await expect(runFleetCollect([empty], {}, x)).rejects.toThrow(/no \*\.json, \*\.log or \*\.txt files/);
  });

  it.each([
    [{ namespace: 'Bad_NS' }, /not a valid Kubernetes namespace/],
    [{ selector: ' ' }, /--selector is empty/],
    [{ timeout: 'soon' }, /--timeout must be a number/],
    [{ kubectl: '/nonexistent/kubectl' }, /\/nonexistent\/kubectl was not found/],
  ])('cluster options %j: a usage error', async (opts, message) => {
    const { io: x } = io();
    await expect(runFleetCollect([], opts, x)).rejects.toThrow(message);
  });

  /**
   * No cluster exists here: a stand-in kubectl (a shell script) answers `get pods -o json` and
   * `logs POD` with the pod list above and the recorded reports, and logs the arguments it got.
   */
  function fakeKubectl(list: unknown, logs: Record<string, string>, failGet = ''): { bin: string; calls: string } {
    const dir = mkdtempSync(join(tmp, 'kubectl-'));
    writeFileSync(join(dir, 'pods.json'), JSON.stringify(list));
    for (const [p, t] of Object.entries(logs)) writeFileSync(join(dir, `${p}.log`), t);
    const bin = join(dir, 'kubectl');
    const calls = join(dir, 'calls');
    writeFileSync(
      bin,
      `#!/bin/sh
echo "$*" >> '${calls}'
${failGet ? `echo '${failGet}' >&2; exit 1` : ''}
for a in "$@"; do last2=$last; last=$a; done
case " $* " in
  *" get pods "*) cat '${dir}/pods.json' ;;
  *" logs "*) pod=$(echo " $* " | sed 's/.* logs \\([^ ]*\\) .*/\\1/'); [ -f '${dir}'/"$pod".log ] && cat '${dir}'/"$pod".log || { echo "Error from server (NotFound): pods \\"$pod\\" not found" >&2; exit 1; } ;;
esac
`,
    );
    chmodSync(bin, 0o755);
    return { bin, calls };
  }

  it('through kubectl: pods, their logs, namespace, selector and context passed as arguments', async () => {
    const k = fakeKubectl(POD_LIST, { 'md-a': text('node-05.json'), 'md-b': text('node-01.json'), 'md-e': 'unpacking\n' });
    const { o, io: x } = io();
    const code = await runFleetCollect([], { kubectl: k.bin, namespace: 'md-test', selector: 'app=md', context: 'prod-eu', json: true }, x);
    expect(code).toBe(1);
    const doc = JSON.parse(o.out) as FleetSummary;
    expect(doc.counts).toEqual({ ok: 1, problems: 1, 'no-report': 4 });
    const calls = readFileSync(k.calls, 'utf8').trim().split('\n');
    expect(calls[0]).toBe('--context prod-eu --namespace md-test get pods --selector app=md --output json');
    // logs only for pods whose container started
    expect(calls.slice(1).sort()).toEqual(['md-a', 'md-b', 'md-e', 'md-f'].map((p) => `--context prod-eu --namespace md-test logs ${p} --all-containers`));
    const f = doc.groups.flatMap((g) => g.nodes).find((n) => n.name === 'node-14')!;
    expect(f.problem).toMatch(/container exited with code 2 \(Error\); kubectl logs failed: .*NotFound/);
  });

  it('through kubectl: no pods, and kubectl errors, are usage errors with a hint', async () => {
    const { io: x } = io();
    await expect(runFleetCollect([], { kubectl: fakeKubectl({ items: [] }, {}).bin }, x)).rejects.toThrow(/no pods match --selector app\.kubernetes\.io\/name=mirror-doctor in namespace mirror-doctor/);
    await expect(runFleetCollect([], { kubectl: fakeKubectl(POD_LIST, {}, 'error: You must be logged in to the server (Unauthorized)').bin }, x)).rejects.toThrow(/Unauthorized/);
  });
});
