/**
 * Evidence layer: the image was already on the node before the trace's CRI pull. kubelet pulls
 * only as a pod's imagePullPolicy says: with IfNotPresent (the default unless the tag is :latest)
 * or Never it starts the image it has and asks no registry, so a mirror sees no request for it.
 */
import type { Check } from './types.js';
import { apiEvidence, finding } from './make.js';

const imageAlreadyPresent: Check = {
  id: 'image-already-present',
  run(facts, d) {
    const cri = d.trace.cri;
    if (cri?.imagePresent !== true) return [];
    const image = facts.ref.input;
    return [
      finding('image-already-present', {
        detail: `CRI's ImageStatus found ${image} in k8s.io before the trace pulled it. kubelet pulls only as the pod's imagePullPolicy says: with IfNotPresent (the default unless the tag is :latest) or Never it starts the image the node has and asks no registry, so no mirror sees a request for it. The trace pulled it anyway (PullImage resolves the tag again), which is what the other findings show.`,
        evidence: [apiEvidence('CRI ImageStatus (before the pull)', `${image}: present`)],
        fix: [
          `crictl rmi ${image}   # when no container uses it; the next pod start pulls it through the mirror`,
          'or test with a tag this node has not pulled, or imagePullPolicy: Always on the pod',
        ],
      }),
    ];
  },
};

export const IMAGE_PRESENT_CHECKS: readonly Check[] = [imageAlreadyPresent];
