/**
 * What earlier traces left because they were killed (SIGKILL, OOM) or crashed before their
 * cleanup: found by the owner labels every trace writes (run-owner.ts) and removed when the owner
 * is gone. Runs at the start of every trace (so `check` does it too). Only resources whose owner
 * is certainly gone are touched; anything else found is reported and left.
 */
import { ContainerdApi } from './containerd-api.js';
import { CLAIM_LABELS, CriImageGuard, removeCriNamespaceIfOurs } from './cri-claims.js';
import { CRI_NAMESPACE, THROW_AWAY_LABEL, removeThrowAwayNamespace, type CtrTarget } from './ctr-namespace.js';
import { findOwnedProcesses, killProcesses } from './orphan-processes.js';
import { currentOwner, ownerFromLabels, ownerState, type OwnerState } from './run-owner.js';
import type { EarlierRunItem } from '../trace/run-schema.js';

/** what older versions named their namespaces, unlabelled */
const UNLABELLED_NAME = /^mirror-doctor-[0-9a-f]{8}(-hosts-dir)?$/;

export async function cleanUpEarlierRuns(t: CtrTarget): Promise<EarlierRunItem[]> {
  const me = currentOwner();
  const items: EarlierRunItem[] = [];
  const why = (s: OwnerState) => ('why' in s ? s.why : '');

  // 1. ctr processes that outlived their run: first, or they would write into what is removed next
  const orphans = findOwnedProcesses(me).filter((p) => p.state.state === 'gone');
  for (const r of await killProcesses(orphans)) {
    items.push({ what: `process ${r.p.pid} (${r.p.comm})`, owner: r.p.owner.pid, why: why(r.p.state), removed: r.error === null, note: r.error });
  }

  const api = new ContainerdApi(t.address);
  try {
    // 2. the throw-away namespaces of ctr pulls, with their images, leases and content
    const namespaces = await api.labelledNamespaces();
    for (const ns of namespaces) {
      if (ns.name === CRI_NAMESPACE) continue;
      if (ns.labels[THROW_AWAY_LABEL] !== 'pull-namespace') {
        if (UNLABELLED_NAME.test(ns.name) && !ownerFromLabels(ns.labels)) {
          items.push({
            what: `namespace ${ns.name}`,
            owner: null,
            why: 'it carries no owner label (made by an older mirror-doctor)',
            removed: false,
            note: `left in place: whether its run still goes on cannot be told; once no trace runs, remove it with ctr -n ${ns.name} images rm, ctr -n ${ns.name} content rm and ctr namespaces remove ${ns.name}`,
          });
        }
        continue;
      }
      const owner = ownerFromLabels(ns.labels);
      const state: OwnerState = owner ? ownerState(owner, me) : { state: 'unknown', why: 'it names no owner' };
      if (state.state === 'alive') continue;
      if (state.state === 'unknown') {
        items.push({ what: `namespace ${ns.name}`, owner: owner?.pid ?? null, why: state.why, removed: false, note: 'left in place' });
        continue;
      }
      const left = await removeThrowAwayNamespace(t, ns.name);
      items.push({ what: `namespace ${ns.name}`, owner: owner!.pid, why: state.why, removed: left.length === 0, note: left.length ? left.join('; ') : null });
    }

    // 3. k8s.io: claims and locks of runs that are gone, and the images they pulled
    const cri = namespaces.find((n) => n.name === CRI_NAMESPACE);
    if (!cri) return items;
    const leases = await api.labelledLeases(CRI_NAMESPACE);
    const gone = (labels: Record<string, string>) => {
      const o = ownerFromLabels(labels);
      return o !== null && ownerState(o, me).state === 'gone';
    };
    const images = new Map<string, string>();
    for (const l of leases) {
      const kind = l.labels[CLAIM_LABELS.kind];
      const ref = l.labels[CLAIM_LABELS.ref];
      if ((kind === 'cri-claim' || kind === 'cri-lock') && ref && gone(l.labels) && !images.has(ref)) images.set(ref, l.labels[CLAIM_LABELS.image] ?? ref);
    }
    for (const [ref, image] of images) {
      const guard = new CriImageGuard(t, ref, image);
      try {
        const left = await guard.settleEarlier();
        items.push(...guard.earlier);
        if (left) items.push({ what: `image ${image} in ${CRI_NAMESPACE}`, owner: null, why: 'an earlier run pulled it and is gone', removed: false, note: left });
      } finally {
        guard.close();
      }
    }
    // kubelet's namespace, when a trace that is gone created it and left it empty
    if (cri.labels[CLAIM_LABELS.createdNamespace] === 'true' && (images.size > 0 || gone(cri.labels))) {
      if (await removeCriNamespaceIfOurs(api, t)) {
        items.push({ what: `namespace ${CRI_NAMESPACE}`, owner: ownerFromLabels(cri.labels)?.pid ?? null, why: 'a trace created it on this daemon (no kubelet) and left it', removed: true, note: null });
      }
    }
  } catch (e) {
    items.push({ what: 'the earlier runs\' resources', owner: null, why: 'they could not be listed', removed: false, note: (e as Error).message });
  } finally {
    api.close();
  }
  return items;
}
