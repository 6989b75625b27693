/** The Namespace `fleet manifest` creates (unless told not to), at the Pod Security level its pods need. */
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import { fleetLabels } from './kubernetes.js';
import { renderObject } from './yaml-render.js';

export function namespaceDocument(name: string): string {
  const namespace: INamespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        ...fleetLabels('namespace'),
        'pod-security.kubernetes.io/enforce': 'privileged',
        'pod-security.kubernetes.io/warn': 'privileged',
        'pod-security.kubernetes.io/audit': 'privileged',
      },
    },
  };
  return renderObject(namespace, [[['metadata', 'labels'], ' Pod Security Admission: hostPID and hostPath volumes need the privileged level']]);
}
