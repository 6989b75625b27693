/**
 * containerd's CRI config tests that decide which hosts a pull uses, translated into config.toml
 * and run through what `explain --json` prints:
 * - TestValidateConfig "conflicting mirror registry config" (v1.6.20, v1.7.24:
 *   pkg/cri/config/config_test.go; v2.1.9: internal/cri/config/config_test.go);
 * - TestCheckLocalImagePullConfigs (v2.1.9 internal/cri/config/config_test.go): local pull (CRI
 *   resolves itself) or the transfer service.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG, explainPure } from './upstream-explain.js';

const IMAGES = 'plugins."io.containerd.cri.v1.images"';

describe.each([
  { version: '1.6.20', tag: 'v1.6.20', file: 'pkg/cri/config/config_test.go', toml: 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/conf.d"\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."something.io"]\n' },
  { version: '1.7.24', tag: 'v1.7.24', file: 'pkg/cri/config/config_test.go', toml: 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/conf.d"\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."something.io"]\n' },
  { version: '2.1.9', tag: 'v2.1.9', file: 'internal/cri/config/config_test.go', toml: `version = 3\n[${IMAGES}.registry]\n  config_path = "/etc/containerd/conf.d"\n[${IMAGES}.registry.mirrors."something.io"]\n` },
])('containerd $tag $file', ({ version, tag, file, toml }) => {
  it(`${file}@${tag} TestValidateConfig/conflicting mirror registry config`, () => {
    const j = explainPure({ files: { [CONFIG]: toml }, ref: 'something.io/app:1', version });
    expect(j.config.cri.loads).toBe(false);
    expect(j.config.cri.notLoadedReason).toContain('`mirrors` cannot be set when `config_path` is provided');
    expect(j.plans.find((p) => p.client === 'cri')?.status).toBe('fails-before-request');
  });
});

const FILE = 'internal/cri/config/config_test.go@v2.1.9';
const CHECK_LOCAL: Array<{ name: string; images: string; expectLocalPull: boolean }> = [
  { name: 'already using local pull', images: 'use_local_image_pull = true', expectLocalPull: true },
  { name: 'no conflicting configs', images: 'snapshotter = "overlayfs"\n  image_pull_progress_timeout = "5m"\n  stats_collect_period = 10', expectLocalPull: false },
  // on Linux the test sets disable_snapshot_annotations = false (the default there is true)
  { name: 'DisableSnapshotAnnotations triggers local pull', images: 'disable_snapshot_annotations = false', expectLocalPull: true },
  { name: 'DiscardUnpackedLayers triggers local pull', images: 'discard_unpacked_layers = true', expectLocalPull: true },
  { name: 'Registry.Mirrors triggers local pull', images: '[plugins."io.containerd.cri.v1.images".registry.mirrors."docker.io"]\n  endpoint = ["https://mirror.example.com"]', expectLocalPull: true },
  { name: 'Registry.Configs triggers local pull', images: '[plugins."io.containerd.cri.v1.images".registry.configs."docker.io".auth]\n  username = "user"\n  password = "pass"', expectLocalPull: true },
  { name: 'Registry.Auths triggers local pull', images: '[plugins."io.containerd.cri.v1.images".registry.auths."https://docker.io"]\n  username = "user"\n  password = "pass"', expectLocalPull: true },
  { name: 'MaxConcurrentDownloads triggers local pull', images: 'max_concurrent_downloads = 5', expectLocalPull: true },
  { name: "MaxConcurrentDownloads when set to 3 don't trigger local pull", images: 'max_concurrent_downloads = 3', expectLocalPull: false },
  { name: 'ImagePullWithSyncFs triggers local pull', images: 'image_pull_with_sync_fs = true', expectLocalPull: true },
  { name: "Registry.ConfigPath and Headers don't trigger local pull", images: '[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "/etc/containerd/certs.d"\n  [plugins."io.containerd.cri.v1.images".registry.headers]\n    User-Agent = ["containerd/2.x"]', expectLocalPull: false },
];

describe('containerd v2.1.9 internal/cri/config/config_test.go', () => {
  it.each(CHECK_LOCAL)(`${FILE} TestCheckLocalImagePullConfigs/$name`, ({ images, expectLocalPull }) => {
    const toml = `version = 3\n[${IMAGES}]\n  ${images}\n`;
    const j = explainPure({ files: { [CONFIG]: toml }, ref: 'docker.io/library/app:1', version: '2.1.9' });
    expect(j.config.cri.loads).toBe(true);
    expect(j.config.cri.pullMode).toBe(expectLocalPull ? 'local' : 'transfer');
  });
});
