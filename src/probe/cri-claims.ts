/**
 * Removal decisions for the CRI pull's image in kubelet's namespace (k8s.io), safe against other
 * runs and kubelet. Each run that pulls an image over CRI holds a *claim* while it runs: a lease in
 * k8s.io labelled with its owner (run-owner.ts), the image, and whether the image may be removed
 * afterwards (it was absent when the first of the overlapping runs began). Claims are made and
 * settled under a per-image *lock* (another lease, whose creation fails while it exists). The last
 * run out removes the image — only if its claim says removable, no other run still holds a claim,
 * and no container uses it; a run that cannot be sure (no lock, an owner it cannot see) leaves the
 * image and says so. Leases hold no resources, so they never keep anything from the garbage
 * collector; they are containerd's own records, shared by every process that reaches the socket.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ContainerdApi, type Labelled } from './containerd-api.js';
import { CriClient } from './cri-client.js';
import { GrpcCallError } from './grpc-unary.js';
import { CRI_NAMESPACE, removeNamespaceContent, type CtrTarget } from './ctr-namespace.js';
import { currentOwner, ownerFromLabels, ownerLabels, ownerState, type OwnerState, type RunOwner } from './run-owner.js';
import type { EarlierRunItem } from '../trace/run-schema.js';

export const CLAIM_LABELS = {
  kind: 'mirror-doctor.kind',
  ref: 'mirror-doctor.ref',
  image: 'mirror-doctor.image',
  removable: 'mirror-doctor.removable',
  /** on k8s.io itself: a trace created the namespace (a fresh daemon), so the last run out removes it */
  createdNamespace: 'mirror-doctor.created',
} as const;

const LOCK_WAIT_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const lockId = (ref: string) => `mirror-doctor-lock-${createHash('sha256').update(ref).digest('hex').slice(0, 16)}`;
const isClaim = (l: Labelled) => l.labels[CLAIM_LABELS.kind] === 'cri-claim';

/** What a run decides for the image once its pull is over. Pure. */
export function removalDecision(d: {
  /** the run's claim says the image was absent when the overlapping runs began */
  removable: boolean;
  /** claims of other runs that still run, or whose owner cannot be seen */
  liveOthers: number;
  unknownOthers: number;
  usedByContainer: boolean;
  present: boolean;
}): { remove: boolean; leftover: string | null } {
  if (!d.present || !d.removable) return { remove: false, leftover: null };
  // another run is still pulling it: that run removes it when it is done
  if (d.liveOthers > 0) return { remove: false, leftover: null };
  if (d.usedByContainer) return { remove: false, leftover: null };
  if (d.unknownOthers > 0) return { remove: false, leftover: 'left in place: a run whose process cannot be seen from here (another pid namespace) still claims it' };
  return { remove: true, leftover: null };
}

type ClaimSight = { lease: Labelled; owner: RunOwner | null; state: OwnerState };

/** The claims on one image in k8s.io, each with its owner's state. */
function claimsOn(leases: Labelled[], ref: string, me: RunOwner): ClaimSight[] {
  return leases
    .filter((l) => isClaim(l) && l.labels[CLAIM_LABELS.ref] === ref)
    .map((lease) => {
      const owner = ownerFromLabels(lease.labels);
      return { lease, owner, state: owner ? ownerState(owner, me) : { state: 'unknown', why: 'the claim names no owner' } };
    });
}

const gone = (e: unknown) => {
  if (!(e instanceof GrpcCallError && e.code === 'NOT_FOUND')) throw e;
};
const describe = (e: unknown) => (e instanceof GrpcCallError ? `${e.code}: ${e.details}` : (e as Error).message);

export class CriImageGuard {
  private readonly api: ContainerdApi;
  private readonly me = currentOwner();
  readonly claimId = `mirror-doctor-claim-${randomBytes(6).toString('hex')}`;
  private claimed = false;
  private removable = false;
  /** containerd's image store held the name before this run (CRI may not show such a record) */
  private storedBefore = true;
  /** CRI's ImageStatus found the image before the pull (null: not asked) */
  presentBefore: boolean | null = null;
  /** what this run found of runs that are gone, while it held the lock */
  readonly earlier: EarlierRunItem[] = [];

  constructor(
    private readonly target: CtrTarget,
    /** the normalised reference (the lock's key) and the image as CRI was asked for it */
    private readonly ref: string,
    private readonly image: string,
  ) {
    this.api = new ContainerdApi(target.address);
  }

  private get address(): string {
    return this.target.address;
  }

  close(): void {
    this.api.close();
  }

  /**
   * Before the pull: makes sure k8s.io exists (created and labelled when it did not), then, under
   * the lock, settles the claims of runs that are gone and makes this run's claim. Returns why the
   * image will be left in any case (null: it may be removed afterwards).
   */
  async begin(): Promise<string | null> {
    let created = false;
    try {
      await this.api.createNamespace(CRI_NAMESPACE, { [CLAIM_LABELS.createdNamespace]: 'true', ...ownerLabels(this.me) });
      created = true;
    } catch (e) {
      if (!(e instanceof GrpcCallError && e.code === 'ALREADY_EXISTS')) return `left in place: cannot prepare ${CRI_NAMESPACE}: ${describe(e)}`;
    }
    const locked = await this.lock();
    if (locked !== true) return `left in place if pulled: ${locked}`;
    try {
      // a run that finished meanwhile may have removed the namespace we created, and our lock brought it back unlabelled
      if (created) {
        const ns = (await this.api.labelledNamespaces()).find((n) => n.name === CRI_NAMESPACE);
        if (ns && !ns.labels[CLAIM_LABELS.createdNamespace]) await this.api.labelNamespace(CRI_NAMESPACE, { [CLAIM_LABELS.createdNamespace]: 'true' });
      }
      const claims = claimsOn(await this.api.labelledLeases(CRI_NAMESPACE), this.ref, this.me);
      const client = new CriClient(this.address);
      let present: boolean;
      try {
        present = (await client.imageStatus(this.image)) !== undefined;
      } finally {
        client.close();
      }
      this.presentBefore = present;
      // present only because runs pulled it (running or gone): as removable as their claims say
      this.removable = !present || claims.some((c) => c.lease.labels[CLAIM_LABELS.removable] === 'true');
      this.storedBefore = present || (await this.api.images(CRI_NAMESPACE).catch(() => [this.ref])).includes(this.ref);
      for (const c of claims.filter((c) => c.state.state === 'gone')) await this.dropEarlierClaim(c);
      await this.api.createLease(CRI_NAMESPACE, this.claimId, {
        ...ownerLabels(this.me),
        [CLAIM_LABELS.kind]: 'cri-claim',
        [CLAIM_LABELS.ref]: this.ref,
        [CLAIM_LABELS.image]: this.image,
        [CLAIM_LABELS.removable]: String(this.removable),
      });
      this.claimed = true;
      return null;
    } catch (e) {
      return `left in place if pulled: cannot record this run's claim: ${describe(e)}`;
    } finally {
      await this.unlock();
    }
  }

  /**
   * After the pull: under the lock, drops this run's claim and removes the image when
   * removalDecision says so. Returns why the image is left when that is a leftover.
   */
  async end(): Promise<string | null> {
    const locked = await this.lock();
    if (locked !== true) {
      // our claim goes in any case (a later run would take it for a gone run's); the image stays
      if (this.claimed) await this.api.deleteLease(CRI_NAMESPACE, this.claimId).catch(() => undefined);
      return this.claimed && this.removable ? this.leftInPlace(locked) : null;
    }
    try {
      return await this.settleLocked();
    } finally {
      await this.removeNamespaceIfOurs();
    }
  }

  /** For a sweep: settles the claims runs that are gone left on this image (under the lock). */
  async settleEarlier(): Promise<string | null> {
    const locked = await this.lock();
    return locked === true ? this.settleLocked() : this.leftInPlace(locked);
  }

  /** settle() with the lock held; releases it. */
  private async settleLocked(): Promise<string | null> {
    try {
      return await this.settle();
    } catch (e) {
      return this.leftInPlace(describe(e));
    } finally {
      await this.unlock();
    }
  }

  private leftInPlace(why: string): string {
    return `image ${this.image} in ${CRI_NAMESPACE}: left in place: ${why}`;
  }

  private async settle(): Promise<string | null> {
    const all = claimsOn(await this.api.labelledLeases(CRI_NAMESPACE), this.ref, this.me);
    const others = all.filter((c) => c.lease.name !== this.claimId);
    const removableByMe = this.claimed && this.removable;
    // the claims of runs that are gone: dropped; one that says removable makes the image removable
    let leftBy: ClaimSight | null = null;
    for (const c of others.filter((c) => c.state.state === 'gone')) {
      if (c.lease.labels[CLAIM_LABELS.removable] === 'true') leftBy = c;
      await this.dropEarlierClaim(c);
    }
    if (this.claimed) {
      await this.api.deleteLease(CRI_NAMESPACE, this.claimId).catch(gone);
      this.claimed = false;
    }
    const removable = removableByMe || leftBy !== null;
    const client = new CriClient(this.address);
    try {
      // nothing of ours to remove: whether the image is there does not matter (nor a daemon without CRI)
      if (!removable) return null;
      const status = await client.imageStatus(this.image);
      // a record CRI cannot load, which a pull that failed after storing it leaves (its answer was
      // no manifest, e.g. a web page): containerd's own image, under our name only, used by no container
      const unloadable = !status && removableByMe && !this.storedBefore && (await this.api.images(CRI_NAMESPACE)).includes(this.ref);
      const usedByContainer = status ? (await client.containerImageRefs().catch(() => [] as string[])).includes(status.id) : false;
      const d = removalDecision({
        removable,
        liveOthers: others.filter((c) => c.state.state === 'alive').length,
        unknownOthers: others.filter((c) => c.state.state === 'unknown').length,
        usedByContainer,
        present: status !== undefined || unloadable,
      });
      if (!d.remove) return d.leftover ? `image ${this.image} in ${CRI_NAMESPACE}: ${d.leftover}` : null;
      // other names on the same image (kubelet's tag of the same digest) keep it: only our name goes
      if (status?.repoTags.every((t) => t === this.ref)) await client.removeImage(this.image);
      else await this.api.deleteImage(CRI_NAMESPACE, this.ref, true).catch(gone);
      if (!removableByMe && leftBy) {
        this.earlier.push({ what: `image ${this.image} in ${CRI_NAMESPACE}`, owner: leftBy.owner?.pid ?? null, why: (leftBy.state as { why: string }).why, removed: true, note: null });
      }
      return null;
    } finally {
      client.close();
    }
  }

  private async dropEarlierClaim(c: ClaimSight): Promise<void> {
    await this.api.deleteLease(CRI_NAMESPACE, c.lease.name).catch(gone);
    this.earlier.push({ what: `lease ${c.lease.name} in ${CRI_NAMESPACE}`, owner: c.owner?.pid ?? null, why: 'why' in c.state ? c.state.why : '', removed: true, note: null });
  }

  /** Takes the image's lock: true, or why not (a lock of a run that is gone is broken). */
  private async lock(): Promise<true | string> {
    const id = lockId(this.ref);
    const until = Date.now() + LOCK_WAIT_MS;
    for (let wait = 20; ; wait = Math.min(wait * 2, 200)) {
      try {
        await this.api.createLease(CRI_NAMESPACE, id, { ...ownerLabels(this.me), [CLAIM_LABELS.kind]: 'cri-lock', [CLAIM_LABELS.ref]: this.ref });
        return true;
      } catch (e) {
        if (!(e instanceof GrpcCallError && e.code === 'ALREADY_EXISTS')) return `cannot take the lock ${id} in ${CRI_NAMESPACE}: ${describe(e)}`;
      }
      const held = (await this.api.labelledLeases(CRI_NAMESPACE).catch(() => [])).find((l) => l.name === id);
      const owner = held ? ownerFromLabels(held.labels) : null;
      const state = owner ? ownerState(owner, this.me) : null;
      if (held && state?.state === 'gone') {
        await this.api.deleteLease(CRI_NAMESPACE, id).catch(gone);
        this.earlier.push({ what: `lease ${id} in ${CRI_NAMESPACE}`, owner: owner!.pid, why: state.why, removed: true, note: null });
        continue;
      }
      if (Date.now() > until) return `another run held the lock ${id} in ${CRI_NAMESPACE} for ${LOCK_WAIT_MS / 1000} s${state && state.state === 'unknown' ? ` (${state.why})` : ''}`;
      await sleep(wait);
    }
  }

  private async unlock(): Promise<void> {
    await this.api.deleteLease(CRI_NAMESPACE, lockId(this.ref)).catch(() => undefined);
  }

  /**
   * k8s.io when a trace created it (a fresh daemon, no kubelet) and nothing is left in it: removed,
   * as the tracer always did. Anything in it — another run's lease, kubelet's images, containers,
   * snapshots — keeps it (containerd refuses to delete a namespace that is not empty).
   */
  async removeNamespaceIfOurs(): Promise<void> {
    await removeCriNamespaceIfOurs(this.api, this.target);
  }
}

/** See CriImageGuard.removeNamespaceIfOurs; retried briefly while a cancelled pull winds down. */
export async function removeCriNamespaceIfOurs(api: ContainerdApi, t: CtrTarget): Promise<boolean> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const ns = (await api.labelledNamespaces().catch(() => [])).find((n) => n.name === CRI_NAMESPACE);
    if (!ns || ns.labels[CLAIM_LABELS.createdNamespace] !== 'true') return false;
    const [images, leases] = await Promise.all([api.images(CRI_NAMESPACE).catch(() => ['?']), api.leases(CRI_NAMESPACE).catch(() => ['?'])]);
    // images or leases: another run, kubelet, or a CRI pull finishing (its lease goes with it)
    if (images.length || leases.length) {
      if (leases.some((l) => l.startsWith('mirror-doctor-'))) return false;
      await sleep(100);
      continue;
    }
    try {
      await api.deleteNamespace(CRI_NAMESPACE);
      return true;
    } catch (e) {
      // content or snapshots the garbage collector has not removed yet: with no image and no lease
      // left, the namespace's content is garbage (what a cancelled pull wrote)
      if (!(e instanceof GrpcCallError && /must be empty/.test(e.details))) return false;
      if (!(await removeNamespaceContent(t, CRI_NAMESPACE))) await sleep(150);
    }
  }
  return false;
}
