/**
 * Every `fleet manifest` variant against the Kubernetes 1.36 OpenAPI schema (kubernetes-models,
 * offline, unknown fields rejected: test/helpers/kubernetes-openapi.ts): each distribution × a
 * DaemonSet on every node, on named nodes, or Jobs × option sets that together use every option,
 * and the command line with every flag. Objects broken on purpose show that the check catches a
 * mistyped field, a wrong type or enum value, and a missing field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { addFleetManifestCommand, FLEET_MANIFEST_OPTIONS } from '../../../src/cli/fleet-manifest.js';
import { FLEET_DISTRIBUTIONS } from '../../../src/fleet/distributions.js';
import { buildFleetManifest } from '../../../src/fleet/manifest.js';
import type { FleetManifestOptions } from '../../../src/fleet/manifest-options.js';
import { captureCliOutput } from '../../helpers/capture-output.js';
import { KUBERNETES_RELEASE, validateKubernetesObject } from '../../helpers/kubernetes-openapi.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed YAML documents the tests walk into
type Obj = Record<string, any>;

const BUNDLE = Buffer.from(['#!/usr/bin/env node', '// a stand-in for dist/mirror-doctor.mjs', `// ${'filler '.repeat(2000)}`, ''].join('\n'));

function documents(text: string): Obj[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new Error('empty YAML stream');
  for (const d of docs) expect(d.errors.map((e) => e.message)).toEqual([]);
  return docs.map((d) => d.toJS() as Obj).filter((d) => d !== null);
}

/** Each document's problems, keyed by kind/name: all empty when the manifest is valid. */
function problemsOf(text: string): Record<string, string[]> {
  const docs = documents(text);
  expect(docs.length).toBeGreaterThanOrEqual(2);
  return Object.fromEntries(docs.map((d) => [`${d.kind}/${d.metadata?.name}`, validateKubernetesObject(d)]));
}

function noProblems(problems: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.keys(problems).map((k) => [k, []]));
}

const SHAPES: Record<string, Partial<FleetManifestOptions>> = {
  'a DaemonSet on every node': { kind: 'daemonset' },
  'a DaemonSet on named nodes': { kind: 'daemonset', nodes: ['worker-1', 'ip-10-0-12-34.eu-west-1.compute.internal'] },
  'one Job per node': { kind: 'job', nodes: ['worker-1', `${'a'.repeat(60)}.example.internal`] },
};

const OPTION_SETS: Record<string, Partial<FleetManifestOptions>> = {
  defaults: {},
  'an image to check': { ref: 'docker.io/library/nginx:1.27' },
  '--offline': { checkArgs: ['--offline'] },
  'namespace, image, check options, no Namespace': {
    namespace: 'diag',
    createNamespace: false,
    image: 'registry.local/library/node:22-bookworm-slim',
    checkArgs: ['--ignore', 'proxy-env-mismatch', '--timeout=30', '--strict'],
  },
  'no ctr, CA bundle, systemd or host network': { ctrPath: null, caBundle: null, systemd: false, hostNetwork: false },
  'ctr, CA bundle, more mounts, SELinux': {
    ctrPath: '/usr/local/bin/ctr',
    caBundle: '/etc/pki/tls/certs/ca-bundle.crt',
    extraMounts: ['/opt/registry-certs', '/var/lib/a/path/long/enough/to/make/a/volume/name/over/sixty-three/characters'],
    seLinuxType: 'spc_t',
  },
  'ttl, version, resources': {
    ttlSecondsAfterFinished: 0,
    version: '1.2.3',
    resources: { requests: { cpu: '10m', memory: '64Mi', 'ephemeral-storage': '1Mi' }, limits: { cpu: '2', memory: '1Gi', 'ephemeral-storage': '2Gi' } },
  },
};

/** Every option of the builder; tsc fails here when one is added, so that a variant uses it too. */
const EVERY_OPTION = {
  bundle: true,
  kind: true,
  nodes: true,
  namespace: true,
  createNamespace: true,
  image: true,
  ref: true,
  distribution: true,
  checkArgs: true,
  ctrPath: true,
  caBundle: true,
  systemd: true,
  hostNetwork: true,
  extraMounts: true,
  seLinuxType: true,
  ttlSecondsAfterFinished: true,
  resources: true,
  version: true,
} satisfies Record<keyof FleetManifestOptions, true>;

describe(`fleet manifest against the Kubernetes ${KUBERNETES_RELEASE} OpenAPI schema`, () => {
  const variants = FLEET_DISTRIBUTIONS.flatMap((distribution) =>
    Object.entries(SHAPES).flatMap(([shape, s]) => Object.entries(OPTION_SETS).map(([set, o]) => ({ distribution, shape, set, options: { ...s, ...o } }))),
  );

  it('the variants use every option', () => {
    const used = new Set(['bundle', 'distribution', ...variants.flatMap((v) => Object.keys(v.options))]);
    expect(Object.keys(EVERY_OPTION).filter((k) => !used.has(k))).toEqual([]);
  });

  it.each(variants)('$distribution, $shape, $set', ({ distribution, options }) => {
    const problems = problemsOf(buildFleetManifest({ bundle: BUNDLE, distribution, ...options }));
    expect(problems).toEqual(noProblems(problems));
  });
});

describe('fleet manifest on the command line, against the same schema', () => {
  const io = captureCliOutput();
  const dir = mkdtempSync(join(tmpdir(), 'md-fleet-openapi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bundlePath = join(dir, 'mirror-doctor.mjs');
  writeFileSync(bundlePath, BUNDLE);

  // the examples of docs/fleet.md and --help, and every other flag
  const argvs: string[][] = [
    [],
    ['--distribution', 'k3s', '--ref', 'registry.local:5000/app:1.0'],
    ['--kind', 'job', '--nodes', 'worker-1,worker-2', '--image', 'registry.local/library/node:22-bookworm-slim'],
    ['--', '--offline'],
    ['--distribution', 'k0s', '--no-systemd', '--ctr-path', 'none', '--ca-bundle', 'none', '--', '--strict', '--ignore', 'ctr-namespace'],
    ['--kind', 'job', '--nodes', 'a,b', '--distribution', 'rke2', '--ref', 'nginx:1.27', '--', '--offline'],
    [
      '--distribution', 'microk8s', '--namespace', 'diag', '--no-create-namespace', '--no-host-network', '--selinux-type', 'spc_t',
      '--mount', '/opt/certs,/var/snap/microk8s/1234/args', '--ttl', '60', '--ca-bundle', '/etc/pki/tls/certs/ca-bundle.crt', '--ctr-path', '/usr/local/bin/ctr',
    ],
  ];

  it('the command lines use every flag', () => {
    const used = new Set(['--bundle', ...argvs.flat()]);
    expect(FLEET_MANIFEST_OPTIONS.map(([flags]) => flags.split(' ')[0]!).filter((f) => !used.has(f))).toEqual([]);
  });

  it.each(argvs.map((argv) => [argv.join(' ') || '(no options)', argv] as const))('%s', async (_name, argv) => {
    const program = new Command().exitOverride();
    addFleetManifestCommand(program.command('fleet'));
    await program.parseAsync(['node', 'mirror-doctor', 'fleet', 'manifest', '--bundle', bundlePath, ...argv]);
    expect(io.err).toMatch(/^mirror-doctor: \d+ documents/);
    expect(process.exitCode).toBe(0);
    const problems = problemsOf(io.out);
    expect(problems).toEqual(noProblems(problems));
  });
});

describe('the schema check rejects broken objects', () => {
  const docs = documents(buildFleetManifest({ bundle: BUNDLE, ref: 'nginx:1.27' }));
  const jobs = documents(buildFleetManifest({ bundle: BUNDLE, kind: 'job', nodes: ['worker-1'] }));
  const daemonSet = docs.find((d) => d.kind === 'DaemonSet')!;
  const configMap = docs.find((d) => d.kind === 'ConfigMap')!;
  const job = jobs.find((d) => d.kind === 'Job')!;
  /** A copy of `obj` changed by `change`. */
  const broken = (obj: Obj, change: (o: Obj) => void): Obj => {
    const copy = structuredClone(obj);
    change(copy);
    return copy;
  };

  it('the unbroken objects are valid', () => {
    for (const d of [...docs, ...jobs]) expect(validateKubernetesObject(d), `${d.kind}`).toEqual([]);
  });

  it.each([
    ['a misspelled serviceAccountName', daemonSet, (o: Obj) => (o.spec.template.spec.serviceAcountName = 'mirror-doctor'), '/spec/template/spec/serviceAcountName'],
    ['hostPID on the container instead of the pod', daemonSet, (o: Obj) => (o.spec.template.spec.containers[0].hostPID = true), '/spec/template/spec/containers/0/hostPID'],
    ['a misspelled readOnly deep in a list', daemonSet, (o: Obj) => (o.spec.template.spec.containers[0].volumeMounts[1].readonly = true), '/spec/template/spec/containers/0/volumeMounts/1/readonly'],
    ['a misspelled hostPath field', daemonSet, (o: Obj) => (o.spec.template.spec.volumes[1].hostPath.kind = 'Directory'), '/spec/template/spec/volumes/1/hostPath/kind'],
    ['a misspelled ttlSecondsAfterFinished', job, (o: Obj) => (o.spec.ttlSecondsAfterFinish = 60), '/spec/ttlSecondsAfterFinish'],
    ['binaryData in lower case', configMap, (o: Obj) => ((o.binarydata = o.binaryData), delete o.binaryData), '/binarydata'],
    ['a misspelled metadata field', configMap, (o: Obj) => (o.metadata.label = { a: 'b' }), '/metadata/label'],
  ])('an unknown field: %s', (_name, obj, change, pointer) => {
    expect(validateKubernetesObject(broken(obj, change))).toEqual([expect.stringMatching(new RegExp(`^${pointer}: unknown field \\(\\S+ has no such field\\)$`))]);
  });

  it.each([
    ['a restart policy Kubernetes does not have', daemonSet, (o: Obj) => (o.spec.template.spec.restartPolicy = 'Sometimes'), ['/spec/template/spec/restartPolicy: enum {"allowedValues":["Always","Never","OnFailure"]}']],
    ['a number as text', daemonSet, (o: Obj) => (o.spec.template.spec.terminationGracePeriodSeconds = '60'), ['/spec/template/spec/terminationGracePeriodSeconds: type {"type":"integer"}']],
    ['a fraction for an int32', job, (o: Obj) => (o.spec.backoffLimit = 0.5), ['/spec/backoffLimit: type {"type":"integer"}', '/spec/backoffLimit: format {"format":"int32"}']],
    [
      'a hostPath type Kubernetes does not have',
      daemonSet,
      (o: Obj) => (o.spec.template.spec.volumes[1].hostPath.type = 'Folder'),
      ['/spec/template/spec/volumes/1/hostPath/type: enum {"allowedValues":["","BlockDevice","CharDevice","Directory","DirectoryOrCreate","File","FileOrCreate","Socket"]}'],
    ],
    ['binaryData that is not base64', configMap, (o: Obj) => (o.binaryData['mirror-doctor.mjs.br'] = 'not base64!'), ['/binaryData/mirror-doctor.mjs.br: format {"format":"byte"}']],
    ['a container without a name', daemonSet, (o: Obj) => delete o.spec.template.spec.containers[0].name, ['/spec/template/spec/containers/0: required {"missingProperty":"name"}']],
    ['a DaemonSet without a selector', daemonSet, (o: Obj) => delete o.spec.selector, ['/spec: required {"missingProperty":"selector"}']],
    [
      'mountPath renamed mountpath',
      daemonSet,
      (o: Obj) => {
        const m = o.spec.template.spec.containers[0].volumeMounts[1];
        m.mountpath = m.mountPath;
        delete m.mountPath;
      },
      [
        '/spec/template/spec/containers/0/volumeMounts/1: required {"missingProperty":"mountPath"}',
        '/spec/template/spec/containers/0/volumeMounts/1/mountpath: unknown field (IVolumeMount has no such field)',
      ],
    ],
  ])('a wrong or missing value: %s', (_name, obj, change, problems) => {
    expect(validateKubernetesObject(broken(obj, change))).toEqual(problems);
  });

  it('a kind or apiVersion the schema does not have', () => {
    expect(validateKubernetesObject(broken(daemonSet, (o) => (o.apiVersion = 'extensions/v1beta1')))).toEqual([expect.stringMatching(/^\/: no schema for apiVersion "extensions\/v1beta1" kind "DaemonSet"/)]);
    expect(validateKubernetesObject([daemonSet])).toEqual(['/: not an object']);
  });
});
