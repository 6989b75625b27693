/**
 * `fleet manifest`: the YAML is parsed back with `yaml` and every field the manifest uses is
 * checked against what Kubernetes requires (kinds, names, selectors, volumes and mounts, hostPath
 * types, restart policies, the ConfigMap's size and content), for each distribution and kind; the
 * launcher in the ConfigMap is run exactly as a pod runs it; bad options are UsageErrors.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Command } from 'commander';
import { UsageError } from '../../../src/errors.js';
import { addFleetManifestCommand, defaultBundlePath, runFleetManifest } from '../../../src/cli/fleet-manifest.js';
import { DISTRIBUTIONS, FLEET_DISTRIBUTIONS } from '../../../src/fleet/distributions.js';
import { APP_LABEL, APP_NAME, NODE_NAME_ENV } from '../../../src/fleet/kubernetes.js';
import { buildFleetManifest } from '../../../src/fleet/manifest.js';
import type { FleetManifestOptions } from '../../../src/fleet/manifest-options.js';
import { HOST_ROOT } from '../../../src/fleet/pod-paths.js';
import { CONFIGMAP_LIMIT_BYTES } from '../../../src/fleet/tool-configmap.js';
import { jobName } from '../../../src/fleet/workloads.js';
import { detectDistribution } from '../../../src/probe/distribution.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed YAML documents the tests walk into
type Obj = Record<string, any>;

const FAKE_BUNDLE = Buffer.from(
  [
    '#!/usr/bin/env node',
    '// a stand-in for dist/mirror-doctor.mjs: prints its arguments as JSON, exits with $FAKE_EXIT',
    "process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), node: process.env.MIRROR_DOCTOR_NODE_NAME ?? null }) + '\\n');",
    'process.exitCode = Number(process.env.FAKE_EXIT ?? 0);',
    `// ${'filler '.repeat(2000)}`,
    '',
  ].join('\n'),
);
const REAL_BUNDLE = resolve(__dirname, '../../../dist/mirror-doctor.mjs');

const tmps: string[] = [];
afterAll(() => {
  for (const t of tmps) rmSync(t, { recursive: true, force: true });
});

function parse(text: string): Obj[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new Error('empty YAML stream');
  for (const d of docs) expect(d.errors.map((e) => e.message)).toEqual([]);
  return docs.map((d) => d.toJS() as Obj).filter((d) => d !== null);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;
const KINDS: Record<string, string> = { Namespace: 'v1', ConfigMap: 'v1', DaemonSet: 'apps/v1', Job: 'batch/v1' };
const HOSTPATH_TYPES = new Set(['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice']);

function quantity(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G)?$/.exec(q);
  if (!m) throw new Error(`not a quantity: ${q}`);
  const f: Record<string, number> = { m: 1e-3, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, M: 1e6, G: 1e9 };
  return Number(m[1]) * (m[2] ? f[m[2]]! : 1);
}

function expectLabels(labels: Obj | undefined): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    expect(k).toMatch(QUALIFIED_KEY);
    expect(typeof v).toBe('string');
    expect((v as string).length).toBeLessThanOrEqual(63);
    expect(v).toMatch(LABEL_VALUE);
  }
}

/** What Kubernetes requires of a pod template, and what the manifest promises. */
function checkPod(template: Obj, o: { restartPolicy: string; distribution: keyof typeof DISTRIBUTIONS; ref?: string; configMap: string }): Obj {
  const spec = template.spec as Obj;
  expect(spec.hostPID).toBe(true);
  expect(spec.automountServiceAccountToken).toBe(false);
  expect(spec.restartPolicy).toBe(o.restartPolicy);
  expect(spec.tolerations).toContainEqual({ operator: 'Exists' });
  expect(spec.containers).toHaveLength(1);
  const c = spec.containers[0] as Obj;
  expect(c.name).toMatch(DNS_LABEL);
  expect(typeof c.image).toBe('string');
  // volumes: unique DNS-1123 label names, one source each
  const volumes = spec.volumes as Obj[];
  const names = volumes.map((v) => v.name);
  expect(new Set(names).size).toBe(names.length);
  for (const v of volumes) {
    expect(v.name).toMatch(DNS_LABEL);
    expect(v.name.length).toBeLessThanOrEqual(63);
    const sources = Object.keys(v).filter((k) => k !== 'name');
    expect(sources).toHaveLength(1);
    if (v.hostPath) {
      expect(HOSTPATH_TYPES.has(v.hostPath.type)).toBe(true);
      // nothing that would create files on the node
      expect(['Directory', 'File', 'Socket']).toContain(v.hostPath.type);
      expect(v.hostPath.path).toMatch(/^\/[^\0]*[^/]$/);
      expect(v.hostPath.path.split('/')).not.toContain('..');
    }
    if (v.configMap) expect(v.configMap.name).toBe(o.configMap);
  }
  // every mount has a volume; absolute, unique mount paths; every hostPath mount is read-only
  const mounts = c.volumeMounts as Obj[];
  const paths = mounts.map((m) => m.mountPath);
  expect(new Set(paths).size).toBe(paths.length);
  for (const m of mounts) {
    const v = volumes.find((x) => x.name === m.name);
    expect(v, `volume of mount ${m.name}`).toBeDefined();
    expect(m.mountPath).toMatch(/^\//);
    if (v!.hostPath || v!.configMap) expect(m.readOnly, `${m.name} at ${m.mountPath}`).toBe(true);
  }
  // every volume is used
  for (const v of volumes) expect(mounts.some((m) => m.name === v.name), `mount of ${v.name}`).toBe(true);
  const mountOf = (mountPath: string) => {
    const m = mounts.find((x) => x.mountPath === mountPath);
    return m ? volumes.find((v) => v.name === m.name) : undefined;
  };
  // the command: check --json --root /host, the socket and ctr as mounted, the ref last
  const argv = [...c.command, ...c.args] as string[];
  expect(argv.every((a) => typeof a === 'string')).toBe(true);
  expect(c.args.join(' ')).toContain(`check --json --root ${HOST_ROOT}`);
  const layout = DISTRIBUTIONS[o.distribution];
  const address = c.args[c.args.indexOf('--address') + 1];
  expect(address).toBe(layout.socket);
  expect(mountOf(address)?.hostPath).toEqual({ path: layout.socket, type: 'Socket' });
  if (layout.ctr) {
    const ctr = c.args[c.args.indexOf('--ctr') + 1];
    expect(ctr).toBe(`${HOST_ROOT}${layout.ctr}`);
    expect(mountOf(ctr)?.hostPath).toEqual({ path: layout.ctr, type: 'File' });
  } else expect(c.args).not.toContain('--ctr');
  for (const cfg of layout.config) {
    expect(mountOf(`${HOST_ROOT}${cfg.path}`)?.hostPath).toEqual({ path: cfg.path, type: cfg.type });
  }
  if (o.ref) expect(c.args.at(-1)).toBe(o.ref);
  // the launcher from the ConfigMap
  const launcher = c.command.at(-1) as string;
  const toolMount = mounts.find((m) => launcher.startsWith(`${m.mountPath}/`));
  expect(volumes.find((v) => v.name === toolMount?.name)?.configMap?.name).toBe(o.configMap);
  // env: node name from the downward API; TMPDIR on a writable emptyDir; /dev/shm not writable
  const env = c.env as Obj[];
  expect(env.find((e) => e.name === NODE_NAME_ENV)).toEqual({ name: NODE_NAME_ENV, valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
  const tmp = env.find((e) => e.name === 'TMPDIR')?.value;
  expect(mountOf(tmp)?.emptyDir).toBeDefined();
  expect(mounts.find((m) => m.mountPath === tmp)?.readOnly).toBeFalsy();
  expect(mounts.find((m) => m.mountPath === '/dev/shm')?.readOnly).toBe(true);
  for (const e of env) {
    expect(e.name).toMatch(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/);
    if ('value' in e) expect(typeof e.value).toBe('string');
  }
  // security: root without capabilities, no privilege
  expect(c.securityContext).toMatchObject({ runAsUser: 0, privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  // resources: requests within limits
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) expect(quantity(c.resources.requests[r])).toBeLessThanOrEqual(quantity(c.resources.limits[r]));
  expectLabels(template.metadata.labels);
  expect(template.metadata.labels[APP_LABEL]).toBe(APP_NAME);
  return c;
}

function checkConfigMap(cm: Obj, bundle: Buffer, yamlText: string): void {
  for (const k of [...Object.keys(cm.data ?? {}), ...Object.keys(cm.binaryData ?? {})]) expect(k).toMatch(CONFIGMAP_KEY);
  const [key] = Object.keys(cm.binaryData);
  const b64 = cm.binaryData[key!] as string;
  expect(b64).toMatch(/^[A-Za-z0-9+/]+={0,2}$/); // one line, nothing Go's decoder would reject
  const unpacked = brotliDecompressSync(Buffer.from(b64, 'base64'));
  expect(unpacked.equals(bundle)).toBe(true);
  const sha = createHash('sha256').update(bundle).digest('hex');
  expect(cm.data['mirror-doctor.mjs.sha256'].trim()).toBe(sha);
  // Kubernetes: data + binaryData (decoded) under 1 MiB; the serialized document too
  const total = Object.values(cm.data as Record<string, string>).reduce((n, v) => n + Buffer.byteLength(v), 0) + Buffer.from(b64, 'base64').length;
  expect(total).toBeLessThan(CONFIGMAP_LIMIT_BYTES);
  const doc = yamlText.split(/^---$/m).find((d) => /^kind: ConfigMap$/m.test(d))!;
  expect(Buffer.byteLength(doc)).toBeLessThan(CONFIGMAP_LIMIT_BYTES);
}

function checkCommon(docs: Obj[], namespace: string): void {
  for (const d of docs) {
    expect(KINDS[d.kind], `kind ${d.kind}`).toBeDefined();
    expect(d.apiVersion).toBe(KINDS[d.kind]);
    expect(typeof d.metadata.name).toBe('string');
    expect(d.metadata.name).toMatch(d.kind === 'Namespace' ? DNS_LABEL : DNS_SUBDOMAIN);
    expect(d.metadata.name.length).toBeLessThanOrEqual(d.kind === 'Job' || d.kind === 'Namespace' ? 63 : 253);
    if (d.kind === 'Namespace') expect(d.metadata.namespace).toBeUndefined();
    else expect(d.metadata.namespace).toBe(namespace);
    expectLabels(d.metadata.labels);
  }
  const keys = docs.map((d) => `${d.kind}/${d.metadata.name}`);
  expect(new Set(keys).size).toBe(keys.length);
}

const cases = FLEET_DISTRIBUTIONS.flatMap((distribution) => [
  { distribution, kind: 'daemonset' as const, nodes: undefined, ref: undefined },
  { distribution, kind: 'daemonset' as const, nodes: undefined, ref: 'docker.io/library/nginx:1.27' },
  { distribution, kind: 'job' as const, nodes: ['worker-1', 'ip-10-0-12-34.eu-west-1.compute.internal'], ref: 'registry.local:5000/app:1.0' },
]);

describe('buildFleetManifest: valid Kubernetes objects for every distribution', () => {
  it.each(cases)('$distribution $kind ref=$ref', ({ distribution, kind, nodes, ref }) => {
    const text = buildFleetManifest({ bundle: FAKE_BUNDLE, distribution, kind, ...(nodes ? { nodes } : {}), ...(ref ? { ref } : {}) });
    const docs = parse(text);
    checkCommon(docs, 'mirror-doctor');
    expect(docs[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'mirror-doctor', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } });
    const cms = docs.filter((d) => d.kind === 'ConfigMap');
    expect(cms).toHaveLength(1);
    checkConfigMap(cms[0]!, FAKE_BUNDLE, text);
    const configMap = cms[0]!.metadata.name as string;
    if (kind === 'daemonset') {
      const [ds, ...rest] = docs.filter((d) => d.kind === 'DaemonSet');
      expect(rest).toEqual([]);
      expect(docs.filter((d) => d.kind === 'Job')).toEqual([]);
      // the selector matches the template's labels and includes the label fleet collect uses
      const sel = ds!.spec.selector.matchLabels as Obj;
      expect(sel[APP_LABEL]).toBe(APP_NAME);
      for (const [k, v] of Object.entries(sel)) expect(ds!.spec.template.metadata.labels[k]).toBe(v);
      const c = checkPod(ds!.spec.template, { restartPolicy: 'Always', distribution, ref, configMap });
      expect(c.env.find((e: Obj) => e.name === 'MIRROR_DOCTOR_AFTER').value).toBe('sleep');
      expect(c.readinessProbe.exec.command[0]).toBe('node');
      expect(ds!.spec.template.spec.affinity).toBeUndefined();
    } else {
      const jobs = docs.filter((d) => d.kind === 'Job');
      expect(jobs.map((j) => j.metadata.annotations['mirror-doctor/node'])).toEqual(nodes);
      for (const [i, job] of jobs.entries()) {
        expect(job.spec.backoffLimit).toBe(0);
        expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
        expect(job.spec.selector).toBeUndefined(); // generated by Kubernetes
        const c = checkPod(job.spec.template, { restartPolicy: 'Never', distribution, ref, configMap });
        expect(c.env.find((e: Obj) => e.name === 'MIRROR_DOCTOR_AFTER').value).toBe('exit');
        // pinned to its node
        expect(job.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
          { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodes![i]] }] },
        ]);
      }
    }
  });

  it.each(FLEET_DISTRIBUTIONS)('%s: a node with the mounted files is detected as that distribution, and its files are inside the mounts', async (distribution) => {
    const layout = DISTRIBUTIONS[distribution];
    const c = parse(buildFleetManifest({ bundle: FAKE_BUNDLE, distribution })).find((d) => d.kind === 'DaemonSet')!.spec.template.spec.containers[0];
    const rooted = (c.volumeMounts as Obj[]).map((m) => m.mountPath as string).filter((p) => p.startsWith(`${HOST_ROOT}/`)).map((p) => p.slice(HOST_ROOT.length));
    const inside = (p: string) => rooted.some((m) => p === m || p.startsWith(`${m}/`));
    const present = (p: string) => inside(p) && (layout.config.some((cfg) => p === cfg.path || p.startsWith(`${cfg.path}/`)) ? true : false);
    const fact = await detectDistribution({ exists: async (p) => present(p) || p === layout.socket, firstLine: async () => null });
    expect(fact.kind).toBe(distribution);
    expect(fact.socket).toBe(layout.socket);
    expect(inside(fact.configFile), `${fact.configFile} under a mount`).toBe(true);
    if (fact.certsDir) expect(inside(fact.certsDir), `${fact.certsDir} under a mount`).toBe(true);
  });
});

describe('buildFleetManifest: options', () => {
  const pod = (o: Partial<FleetManifestOptions>) => parse(buildFleetManifest({ bundle: FAKE_BUNDLE, ...o })).find((d) => d.kind === 'DaemonSet' || d.kind === 'Job')!.spec.template.spec;

  it('is deterministic', () => {
    expect(buildFleetManifest({ bundle: FAKE_BUNDLE, ref: 'nginx' })).toBe(buildFleetManifest({ bundle: Buffer.from(FAKE_BUNDLE), ref: 'nginx' }));
  });

  it('starts with comments on how to apply, wait, collect and delete', () => {
    const text = buildFleetManifest({ bundle: FAKE_BUNDLE, namespace: 'diag' });
    const head = text.slice(0, text.indexOf('\n---\n'));
    expect(head.split('\n').every((l) => l.startsWith('#'))).toBe(true);
    expect(head).toContain('kubectl apply --server-side -f');
    expect(head).toContain('kubectl -n diag rollout status daemonset/mirror-doctor');
    expect(head).toContain(`kubectl -n diag logs -l ${APP_LABEL}=${APP_NAME} --tail=-1`);
    expect(head).toContain('kubectl delete namespace diag');
  });

  it('namespace, image, check options and no Namespace document', () => {
    const docs = parse(buildFleetManifest({ bundle: FAKE_BUNDLE, namespace: 'diag', createNamespace: false, image: 'registry.local/library/node:22-bookworm-slim', checkArgs: ['--offline', '--ignore', 'proxy-env-mismatch', '--timeout=30'] }));
    checkCommon(docs, 'diag');
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'DaemonSet']);
    const c = docs[1]!.spec.template.spec.containers[0];
    expect(c.image).toBe('registry.local/library/node:22-bookworm-slim');
    expect(c.args.slice(-4)).toEqual(['--offline', '--ignore', 'proxy-env-mismatch', '--timeout=30']);
  });

  it('--offline: the files only, no socket, ctr, CA bundle, host PID or host network', () => {
    const spec = pod({ checkArgs: ['--offline'], distribution: 'rke2' });
    expect(spec.hostPID).toBeUndefined();
    expect(spec.hostNetwork).toBeUndefined();
    expect(spec.containers[0].args).toEqual(['check', '--json', '--root', '/host', '--offline']);
    const hostPaths = spec.volumes.filter((v: Obj) => v.hostPath);
    expect(hostPaths.map((v: Obj) => v.hostPath.type)).not.toContain('Socket');
    expect(hostPaths.map((v: Obj) => v.hostPath.path)).toEqual([DISTRIBUTIONS.rke2.config[0]!.path, '/etc/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system']);
  });

  it('a DaemonSet limited to named nodes', () => {
    expect(pod({ nodes: ['a', 'b'] }).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values).toEqual(['a', 'b']);
  });

  it('ctr, CA bundle, systemd, host network, extra mounts, SELinux', () => {
    const none = pod({ ctrPath: null, caBundle: null, systemd: false, hostNetwork: false, distribution: 'k3s' });
    const c = none.containers[0];
    expect(c.args).not.toContain('--ctr');
    expect(none.hostNetwork).toBeUndefined();
    expect(none.volumes.filter((v: Obj) => v.hostPath).map((v: Obj) => v.hostPath.path)).toEqual([DISTRIBUTIONS.k3s.config[0]!.path, DISTRIBUTIONS.k3s.socket]);
    expect(c.env.map((e: Obj) => e.name)).not.toContain('SSL_CERT_FILE');
    const more = pod({ ctrPath: '/usr/local/bin/ctr', caBundle: '/etc/pki/tls/certs/ca-bundle.crt', extraMounts: ['/opt/registry-certs/', '/etc/containerd'], seLinuxType: 'spc_t' });
    expect(more.containers[0].args).toContain('/host/usr/local/bin/ctr');
    expect(more.hostNetwork).toBe(true);
    expect(more.dnsPolicy).toBe('Default');
    expect(more.securityContext.seLinuxOptions).toEqual({ type: 'spc_t' });
    const hp = more.volumes.filter((v: Obj) => v.hostPath).map((v: Obj) => v.hostPath.path);
    expect(hp).toContain('/opt/registry-certs');
    expect(hp.filter((p: string) => p === '/etc/containerd')).toHaveLength(1);
    expect(more.containers[0].env).toContainEqual({ name: 'SSL_CERT_FILE', value: '/etc/ssl/certs/ca-certificates.crt' });
  });

  it('Job names fit 63 characters and stay distinct', () => {
    const long = `${'a'.repeat(60)}.example.internal`;
    const long2 = `${'a'.repeat(60)}.example.internal2`;
    for (const n of [long, long2]) {
      expect(jobName(n).length).toBeLessThanOrEqual(63);
      expect(jobName(n)).toMatch(DNS_SUBDOMAIN);
    }
    expect(jobName(long)).not.toBe(jobName(long2));
    expect(jobName('worker-1')).toBe('mirror-doctor-worker-1');
  });
});

describe('buildFleetManifest: bad options are UsageErrors', () => {
  const bad: Array<[string, Obj, RegExp]> = [
    ['image with upper case', { image: 'Node:22' }, /invalid image reference "Node:22"/],
    ['image with a space', { image: 'node 22' }, /white space/],
    ['image with a bad digest', { image: 'node@sha256:abc' }, /invalid image reference/],
    ['empty image', { image: '' }, /--image is empty/],
    ['bad ref', { ref: 'nginx:bad tag' }, /invalid image reference/],
    ['ref that is an option', { ref: '--offline' }, /cannot start with "-"/],
    ['node name with upper case', { kind: 'job', nodes: ['Worker-1'] }, /invalid node name "Worker-1"/],
    ['node name with _', { kind: 'daemonset', nodes: ['worker_1'] }, /invalid node name/],
    ['node named twice', { kind: 'job', nodes: ['a', 'a'] }, /named twice/],
    ['namespace too long', { namespace: 'a'.repeat(64) }, /invalid namespace/],
    ['namespace with a dot', { namespace: 'mirror.doctor' }, /invalid namespace/],
    ['job without nodes', { kind: 'job' }, /--kind job needs the nodes/],
    ['unknown kind', { kind: 'cronjob' }, /unknown kind "cronjob"/],
    ['unknown distribution', { distribution: 'openshift' }, /unknown distribution "openshift": use one of containerd, k3s, rke2, microk8s, k0s/],
    ['check --root', { checkArgs: ['--root', '/'] }, /--root cannot be given/],
    ['check --json', { checkArgs: ['--json'] }, /--json cannot be given/],
    ['check --address=', { checkArgs: ['--address=/x.sock'] }, /--address cannot be given/],
    ['check option without value', { checkArgs: ['--ignore'] }, /needs a value/],
    ['unknown check option', { checkArgs: ['--frobnicate'] }, /not supported/],
    ['check positional', { checkArgs: ['nginx'] }, /unexpected check argument/],
    ['relative ctr path', { ctrPath: 'bin/ctr' }, /absolute path/],
    ['mount of /', { extraMounts: ['/'] }, /cannot be \//],
    ['mount of /proc', { extraMounts: ['/proc/1'] }, /\/proc/],
    ['mount with ..', { extraMounts: ['/etc/../root'] }, /\.\./],
    ['bad SELinux type', { seLinuxType: 'spc' }, /SELinux/],
    ['bad ttl', { ttlSecondsAfterFinished: -1 }, /whole number/],
    ['empty bundle', { bundle: Buffer.alloc(0) }, /the single-file build is empty/],
  ];
  it.each(bad)('%s', (_name, o, message) => {
    let err: unknown;
    try {
      buildFleetManifest({ bundle: FAKE_BUNDLE, ...o } as FleetManifestOptions);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
  });

  it('a build too large for a ConfigMap', () => {
    // random bytes do not compress
    const huge = Buffer.concat([Buffer.from('#!/usr/bin/env node\n'), randomBytes(900_000)]);
    expect(() => buildFleetManifest({ bundle: huge })).toThrow(/does not fit in a ConfigMap.*1 MiB/);
  });
});

describe('the launcher, run as the pod runs it', () => {
  /** Writes the ConfigMap's files as the volume would, runs `command args` with the pod's env. */
  function runPod(bundle: Buffer, extraEnv: Record<string, string>, argsOverride?: string[]) {
    const docs = parse(buildFleetManifest({ bundle, kind: 'job', nodes: ['worker-1'], ref: 'nginx:1.27' }));
    const cm = docs.find((d) => d.kind === 'ConfigMap')!;
    const c = docs.find((d) => d.kind === 'Job')!.spec.template.spec.containers[0];
    const dir = mkdtempSync(join(tmpdir(), 'md-fleet-pod-'));
    tmps.push(dir);
    const tool = join(dir, 'tool');
    const tmp = join(dir, 'tmp');
    mkdirSync(tool);
    mkdirSync(tmp);
    for (const [k, v] of Object.entries(cm.data as Record<string, string>)) writeFileSync(join(tool, k), v);
    for (const [k, v] of Object.entries(cm.binaryData as Record<string, string>)) writeFileSync(join(tool, k), Buffer.from(v, 'base64'));
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', [NODE_NAME_ENV]: 'worker-1' };
    for (const e of c.env as Obj[]) if ('value' in e) env[e.name] = e.value;
    env.TMPDIR = tmp;
    env.MIRROR_DOCTOR_DONE_FILE = join(tmp, 'done');
    const [node, ...nodeArgs] = c.command as string[];
    const launcher = join(tool, 'launch.mjs');
    const r = spawnSync(node === 'node' ? process.execPath : node!, [...nodeArgs.slice(0, -1), launcher, ...(argsOverride ?? c.args)], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000 });
    return { ...r, args: c.args as string[], done: existsSync(env.MIRROR_DOCTOR_DONE_FILE) ? readFileSync(env.MIRROR_DOCTOR_DONE_FILE, 'utf8').trim() : null };
  }

  it.each([
    ['no error finding', '0', 0],
    ['an error finding: the Job still completes', '1', 0],
    ['could not run: the Job fails', '2', 2],
  ])('%s (exit %s → %s)', (_name, fakeExit, podExit) => {
    const r = runPod(FAKE_BUNDLE, { FAKE_EXIT: fakeExit });
    expect(r.status).toBe(podExit);
    // stdout is exactly the report; the bundle got the check arguments
    expect(JSON.parse(r.stdout)).toEqual({ argv: r.args, node: 'worker-1' });
    expect(r.done).toBe(fakeExit);
    expect(r.stderr).toBe(fakeExit === '2' ? 'mirror-doctor launcher: mirror-doctor exited with code 2 (it could not run; the reason is above)\n' : '');
  });

  it('a damaged bundle is a clear error, exit 2', () => {
    const docs = parse(buildFleetManifest({ bundle: FAKE_BUNDLE, kind: 'job', nodes: ['n'] }));
    const cm = docs.find((d) => d.kind === 'ConfigMap')!;
    const dir = mkdtempSync(join(tmpdir(), 'md-fleet-bad-'));
    tmps.push(dir);
    writeFileSync(join(dir, 'launch.mjs'), cm.data['launch.mjs']);
    writeFileSync(join(dir, 'mirror-doctor.mjs.sha256'), '0'.repeat(64));
    writeFileSync(join(dir, 'mirror-doctor.mjs.br'), Buffer.from(cm.binaryData['mirror-doctor.mjs.br'], 'base64'));
    const r = spawnSync(process.execPath, [join(dir, 'launch.mjs'), 'check'], { env: { PATH: process.env.PATH ?? '', TMPDIR: dir }, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/the unpacked build has SHA-256 [0-9a-f]{64}, the ConfigMap says 0{64}/);
  });

  it.runIf(existsSync(REAL_BUNDLE))('the real dist/mirror-doctor.mjs fits in the ConfigMap and runs from it', () => {
    const bundle = readFileSync(REAL_BUNDLE);
    const text = buildFleetManifest({ bundle });
    const cm = parse(text).find((d) => d.kind === 'ConfigMap')!;
    checkConfigMap(cm, bundle, text);
    const r = runPod(bundle, {}, ['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  }, 60_000);
});

describe('runFleetManifest (CLI)', () => {
  function capture() {
    const io = { out: '', err: '' };
    return { io, fns: { stdout: (s: string) => void (io.out += s), stderr: (s: string) => void (io.err += s) } };
  }
  const dir = mkdtempSync(join(tmpdir(), 'md-fleet-cli-'));
  tmps.push(dir);
  const bundlePath = join(dir, 'mirror-doctor.mjs');
  writeFileSync(bundlePath, FAKE_BUNDLE);

  it('prints the manifest on stdout and a summary on stderr', async () => {
    const { io, fns } = capture();
    const code = await runFleetManifest({ bundle: bundlePath, kind: 'job', nodes: 'a,b', distribution: 'rke2', ref: 'nginx:1.27', checkArgs: ['--offline'] }, fns);
    expect(code).toBe(0);
    const docs = parse(io.out);
    expect(docs.filter((d) => d.kind === 'Job').map((d) => d.metadata.name)).toEqual(['mirror-doctor-a', 'mirror-doctor-b']);
    expect(io.err).toMatch(/^mirror-doctor: 4 documents \(job\)/);
  });

  it.each([
    [{ kind: 'cron' }, /--kind "cron": use daemonset or job/],
    [{ distribution: 'eks' }, /--distribution "eks"/],
    [{ kind: 'job' }, /--kind job needs the nodes/],
    [{ nodes: 'a,,b' }, /--nodes "a,,b" has an empty item/],
    [{ ttl: '1.5' }, /--ttl "1.5"/],
    [{ image: 'Bad Image' }, /invalid image reference/],
    [{ bundle: join(dir, 'missing.mjs') }, /--bundle .*missing\.mjs does not exist\n {2}pass the file made by `npm run build`/],
  ])('%o → exit 2 with one clear message', async (opts, message) => {
    const { io, fns } = capture();
    expect(await runFleetManifest({ bundle: bundlePath, ...opts }, fns)).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toMatch(message);
  });

  it('a file that is not the single-file build', async () => {
    const other = join(dir, 'other.mjs');
    writeFileSync(other, 'console.log(1)\n');
    const { io, fns } = capture();
    expect(await runFleetManifest({ bundle: other }, fns)).toBe(2);
    expect(io.err).toMatch(/does not look like the single-file build/);
  });

  it('the default build: the running single file, else dist/mirror-doctor.mjs of the checkout', () => {
    expect(defaultBundlePath('file:///opt/tools/mirror-doctor.mjs')).toBe('/opt/tools/mirror-doctor.mjs');
    expect(defaultBundlePath('file:///repo/dist/cli/fleet-manifest.js')).toBe('/repo/dist/mirror-doctor.mjs');
    expect(defaultBundlePath()).toBe(REAL_BUNDLE);
  });

  it('commander wiring: options and check options after --', async () => {
    const program = new Command().exitOverride();
    const fleet = program.command('fleet');
    addFleetManifestCommand(fleet);
    const writes: string[] = [];
    const orig = process.stdout.write.bind(process.stdout);
    const origErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((s: string) => (writes.push(String(s)), true)) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      await program.parseAsync(['node', 'md', 'fleet', 'manifest', '--bundle', bundlePath, '--distribution', 'k0s', '--no-systemd', '--ctr-path', 'none', '--ca-bundle', 'none', '--', '--strict', '--ignore', 'ctr-namespace']);
    } finally {
      process.stdout.write = orig;
      process.stderr.write = origErr;
    }
    expect(process.exitCode).toBe(0);
    process.exitCode = undefined;
    const c = parse(writes.join('')).find((d) => d.kind === 'DaemonSet')!.spec.template.spec.containers[0];
    expect(c.args).toEqual(['check', '--json', '--root', '/host', '--address', '/run/k0s/containerd.sock', '--strict', '--ignore', 'ctr-namespace']);
  });
});
