/**
 * The Kubernetes distributions `fleet manifest` knows: where each keeps containerd's configuration,
 * its socket and its ctr on the node.
 */
export type FleetDistribution = 'containerd' | 'k3s' | 'rke2' | 'microk8s' | 'k0s';

export interface HostPathSpec {
  path: string;
  type: 'Directory' | 'File';
}

export interface DistributionLayout {
  /** what it is, for comments */
  title: string;
  /** containerd's config.toml and hosts folders (mounted at /host<path> and at <path>) */
  config: HostPathSpec[];
  /** the containerd socket (mounted at its own path: see `socketMount`) */
  socket: string;
  /** the ctr binary on the node; null: the distribution has no standalone ctr */
  ctr: string | null;
}

/**
 * Per distribution: the folders `check` reads (see src/probe/distribution.ts, which detects the
 * distribution from these files), its socket and its ctr. Only the containerd part of a
 * distribution's folders is mounted: /etc/rancher/k3s holds the admin kubeconfig and the join
 * token, /var/snap/microk8s/current/credentials the cluster's tokens, so neither is.
 *
 * Checked against the distributions' sources (2026-11-28): k3s pkg/agent/config (config dir,
 * certs.d, /run/k3s/containerd) and cmd/k3s/main.go (the `data/current` link to the hashed data
 * dir, whose bin/ctr links to k3s: scripts/build-k3s.sh); RKE2's CLI tools docs
 * (/var/lib/rancher/rke2/bin/ctr, a real ctr that needs --address); MicroK8s default-args
 * (containerd, ctr), containerd-template.toml (config_path ${SNAP_DATA}/args/certs.d) and
 * microk8s-ctr.wrapper (${SNAP}/bin/ctr); k0s pkg/component/worker/containerd (containerd.toml,
 * containerd.d/), its run dir /run/k0s as root, and embedded-bins (no ctr; `k0s ctr` only).
 * A non-default --data-dir (k3s, RKE2) or a rootless or non-root install moves these paths:
 * `--mount` and `--ctr-path` override them.
 */
export const DISTRIBUTIONS: Record<FleetDistribution, DistributionLayout> = {
  containerd: {
    title: 'containerd (kubeadm and most managed clusters)',
    config: [{ path: '/etc/containerd', type: 'Directory' }],
    socket: '/run/containerd/containerd.sock',
    ctr: '/usr/bin/ctr',
  },
  k3s: {
    title: 'k3s',
    config: [{ path: '/var/lib/rancher/k3s/agent/etc/containerd', type: 'Directory' }],
    socket: '/run/k3s/containerd/containerd.sock',
    // the k3s multi-call binary runs ctr when called by that name (a link in the data folder)
    ctr: '/var/lib/rancher/k3s/data/current/bin/ctr',
  },
  rke2: {
    title: 'RKE2',
    config: [{ path: '/var/lib/rancher/rke2/agent/etc/containerd', type: 'Directory' }],
    socket: '/run/k3s/containerd/containerd.sock',
    ctr: '/var/lib/rancher/rke2/bin/ctr',
  },
  microk8s: {
    title: 'MicroK8s',
    config: [{ path: '/var/snap/microk8s/current/args', type: 'Directory' }],
    socket: '/var/snap/microk8s/common/run/containerd.sock',
    ctr: '/snap/microk8s/current/bin/ctr',
  },
  k0s: {
    title: 'k0s',
    config: [
      { path: '/etc/k0s/containerd.toml', type: 'File' },
      { path: '/etc/k0s/containerd.d', type: 'Directory' },
    ],
    socket: '/run/k0s/containerd.sock',
    // `k0s ctr` is a subcommand of the k0s binary, not a program of its own
    ctr: null,
  },
};
export const FLEET_DISTRIBUTIONS = Object.keys(DISTRIBUTIONS) as FleetDistribution[];
