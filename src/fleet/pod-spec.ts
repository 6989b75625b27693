/**
 * The pod that runs `check` on a node, shared by the DaemonSet and the Jobs: the container (the
 * launcher from the ConfigMap, check's arguments, environment, resources, a locked-down security
 * context), the host namespaces it needs, scheduling, and the comments that say why.
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { APP_NAME, NODE_NAME_ENV } from './kubernetes.js';
import { LAUNCHER_KEY } from './launcher.js';
import type { FleetKind } from './manifest-options.js';
import { CA_FILE_IN_POD, DONE_FILE, HOST_ROOT, TOOL_DIR } from './pod-paths.js';
import { podVolumes } from './pod-volumes.js';
import type { ResolvedFleetOptions } from './resolve-options.js';
import type { Note } from './yaml-render.js';

/** `check --json --root /host`, the socket and ctr as mounted, the user's check options, the image last. */
function checkCommandArgs(r: ResolvedFleetOptions): string[] {
  return [
    'check',
    '--json',
    '--root',
    HOST_ROOT,
    ...(r.offline ? [] : ['--address', r.layout.socket]),
    ...(r.ctrPath ? ['--ctr', `${HOST_ROOT}${r.ctrPath}`] : []),
    ...r.checkArgs,
    ...(r.ref ? [r.ref] : []),
  ];
}

export interface PodBuild {
  spec: IPodSpec;
  /** comments, by their path inside the pod spec */
  notes: Note[];
}

/** The pod of a DaemonSet (on `nodes`, or every node when empty) or of a Job (`nodes` = its one node). */
export function podSpec(r: ResolvedFleetOptions, kind: FleetKind, configMapName: string, nodes: string[]): PodBuild {
  const ms = podVolumes(r, configMapName);
  const env: IEnvVar[] = [
    { name: NODE_NAME_ENV, valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    { name: 'TMPDIR', value: '/tmp' },
    { name: 'MIRROR_DOCTOR_AFTER', value: kind === 'daemonset' ? 'sleep' : 'exit' },
    { name: 'MIRROR_DOCTOR_DONE_FILE', value: DONE_FILE },
    { name: 'NO_COLOR', value: '1' },
    ...(r.caBundle ? [{ name: 'SSL_CERT_FILE', value: CA_FILE_IN_POD }] : []),
  ];
  const container: IContainer = {
    name: APP_NAME,
    image: r.image,
    imagePullPolicy: 'IfNotPresent',
    command: ['node', '--no-warnings', `${TOOL_DIR}/${LAUNCHER_KEY}`],
    args: checkCommandArgs(r),
    env,
    resources: r.resources,
    securityContext: {
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: ms.flatMap((m) => m.mounts.map((x): IVolumeMount => ({ name: m.volume.name, ...x }))),
    terminationMessagePolicy: 'FallbackToLogsOnError',
    ...(kind === 'daemonset'
      ? ({
          readinessProbe: {
            exec: { command: ['node', '-e', `require('node:fs').accessSync(${JSON.stringify(DONE_FILE)})`] },
            initialDelaySeconds: 5,
            periodSeconds: 10,
            timeoutSeconds: 5,
          },
        } satisfies Partial<IContainer>)
      : {}),
  };
  const affinityNodes = nodes.length
    ? ({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: nodes }] }],
            },
          },
        },
      } satisfies Partial<IPodSpec>)
    : {};
  const spec: IPodSpec = {
    ...(r.offline ? {} : ({ hostPID: true } satisfies Partial<IPodSpec>)),
    ...(r.hostNetwork ? ({ hostNetwork: true, dnsPolicy: 'Default' } satisfies Partial<IPodSpec>) : {}),
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    restartPolicy: kind === 'daemonset' ? 'Always' : 'Never',
    terminationGracePeriodSeconds: 60,
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    ...affinityNodes,
    tolerations: [{ operator: 'Exists' }],
    securityContext: {
      seccompProfile: { type: 'RuntimeDefault' },
      ...(r.seLinuxType ? ({ seLinuxOptions: { type: r.seLinuxType } } satisfies Partial<IPodSecurityContext>) : {}),
    },
    containers: [container],
    volumes: ms.map((m) => m.volume),
  };
  const notes: PodBuild['notes'] = [
    ...(r.offline
      ? []
      : ([
          [['hostPID'], ' see the host\'s processes: check reads the containerd daemon\'s command line (--config,\n --address) and start time from /proc (not its environment: that needs CAP_SYS_PTRACE)'],
        ] as PodBuild['notes'])),
    ...(r.hostNetwork
      ? ([[['hostNetwork'], ' ctr pulls from the pod: with the node\'s network, DNS and /etc/hosts it sees the registries as\n ctr on the node would (--no-host-network: the pod network)']] as PodBuild['notes'])
      : []),
    [['automountServiceAccountToken'], ' the tool never talks to the Kubernetes API'],
    [['restartPolicy'], kind === 'daemonset' ? ' a DaemonSet needs Always: the container runs check once and then sleeps, so it never restarts' : ' one run per node; the Job keeps the pod and its log until ttlSecondsAfterFinished'],
    [['terminationGracePeriodSeconds'], ' on SIGTERM check stops its pulls and removes its throw-away namespaces'],
    [['tolerations'], ' every node, control-plane and tainted nodes included'],
    [['containers', 0, 'args'], ` check --json --root ${HOST_ROOT}: the node's files under ${HOST_ROOT}, its daemon over the socket, the report as one\n JSON document on stdout (the pod log); progress and errors go to stderr`],
    [['containers', 0, 'env', 0], ` the node's name, for the report and fleet collect`],
    [
      ['containers', 0, 'securityContext'],
      ' root (uid 0), because config.toml, hosts.toml, client keys and the socket belong to root;\n no capabilities (not even CAP_DAC_OVERRIDE: only files root owns or may read), not privileged,\n no privilege escalation, and a read-only root file system',
    ],
    [['containers', 0, 'resources'], ' node plus two ctr processes at most; the pulls stop once the verdict is known'],
  ];
  if (kind === 'daemonset') notes.push([['containers', 0, 'readinessProbe'], ' ready = check has finished: kubectl rollout status waits for every node']);
  if (nodes.length) notes.push([['affinity'], kind === 'job' ? ' pinned to its node through the scheduler, which still checks its resources (nodeName would skip that)' : ' only the nodes asked for']);
  ms.forEach((m, i) => {
    if (m.comment) notes.push([['volumes', i], m.comment]);
  });
  return { spec, notes };
}

