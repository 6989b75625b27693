import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { ContainerdApi } from './containerd-api.js';
import { GrpcCallError } from './grpc-unary.js';
import { currentOwner, ownerLabels } from './run-owner.js';

/** A fresh, recognisable namespace for one throw-away pull. */
export function throwAwayNamespace(prefix = 'mirror-doctor'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** The label that marks a namespace as a trace's throw-away one (with its owner's labels, run-owner.ts). */
export const THROW_AWAY_LABEL = 'mirror-doctor.kind';

/**
 * Creates a throw-away namespace labelled with its owner, before ctr pulls into it (ctr would
 * create it unlabelled), so that a later run can remove it once its owner is gone.
 */
export async function createThrowAwayNamespace(address: string, namespace: string): Promise<void> {
  const api = new ContainerdApi(address);
  try {
    await api.createNamespace(namespace, { [THROW_AWAY_LABEL]: 'pull-namespace', ...ownerLabels(currentOwner()) });
  } finally {
    api.close();
  }
}

export interface CtrTarget {
  ctr: string;
  address: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Removes everything a throw-away pull left in its own namespace — images, leases, the
 * namespace's content references — and then the namespace. Blobs that other namespaces
 * reference stay: containerd only garbage-collects content that no namespace references.
 * Never touches any other namespace. Returns what could not be removed (empty when clean).
 * Uses the containerd API directly; content (a server-streaming list) goes through ctr.
 */
export async function removeThrowAwayNamespace(t: CtrTarget, namespace: string): Promise<string[]> {
  const api = new ContainerdApi(t.address);
  try {
    if (!(await api.namespaces()).includes(namespace)) return [];
    const [images, leases] = await Promise.all([api.images(namespace), api.leases(namespace)]);
    // ctr (or the daemon's lease expiry) may remove an image or lease between the listing and us
    const gone = (e: unknown) => {
      if (!(e instanceof GrpcCallError && e.code === 'NOT_FOUND')) throw e;
    };
    for (const i of images) await api.deleteImage(namespace, i, true).catch(gone);
    // synchronously: the call returns once the garbage collector has freed what the lease held (the
    // snapshots an unpack made: asynchronously, they could outlast the retries below under load)
    for (const l of leases) await api.deleteLease(namespace, l, true).catch(gone);
    let last = '';
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        await api.deleteNamespace(namespace);
        return [];
      } catch (e) {
        // another run's sweep removed it first
        if (e instanceof GrpcCallError && e.code === 'NOT_FOUND') return [];
        last = e instanceof GrpcCallError ? e.details : (e as Error).message;
        if (!/must be empty/.test(last)) break;
      }
      // content the pull wrote, or that its lease held until the garbage collector ran
      if (!(await removeNamespaceContent(t, namespace))) await sleep(150);
    }
    return [`namespace ${namespace}: ${last}`];
  } catch (e) {
    return [`namespace ${namespace}: ${e instanceof GrpcCallError ? `${e.code}: ${e.details}` : (e as Error).message}`];
  } finally {
    api.close();
  }
}

/**
 * Removes every content blob of a namespace (content listing is a server stream: through ctr).
 * Only for a namespace whose content is garbage. True when there was any.
 */
export async function removeNamespaceContent(t: CtrTarget, namespace: string): Promise<boolean> {
  const ctr = (...a: string[]) => execa(t.ctr, ['--address', t.address, '--namespace', namespace, ...a], { reject: false, timeout: 30_000, stdin: 'ignore' });
  const content = (await ctr('content', 'ls', '-q')).stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  if (content.length) await ctr('content', 'rm', ...content);
  return content.length > 0;
}

/** The containerd namespace CRI (kubelet) uses. */
export const CRI_NAMESPACE = 'k8s.io';

/** Every namespace of the daemon, or null when they could not be listed. */
export async function listNamespaces(o: { address: string }): Promise<string[] | null> {
  const api = new ContainerdApi(o.address);
  try {
    return await api.namespaces();
  } catch {
    return null;
  } finally {
    api.close();
  }
}
