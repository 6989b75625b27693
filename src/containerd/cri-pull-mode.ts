/**
 * How CRI pulls images: through the transfer service (the default from 2.1.0) unless
 * `use_local_image_pull` or a setting the transfer service cannot honour forces local pulls
 * (CheckLocalImagePullConfigs, v2.1.9 internal/cri/config/config.go); locally before 2.1.
 */
import type { Decision } from './decision.js';
import type { BehaviourProfile, PullMode } from './version.js';

export interface PullModeInput {
  /** the effective io.containerd.cri.v1.images table (a v2 file's settings migrated into it) */
  images: Record<string, unknown>;
  /** `use_local_image_pull` as written in the images table (undefined: not written) */
  useLocalImagePull: unknown;
  hasMirrors: boolean;
  hasConfigs: boolean;
  hasAuths: boolean;
}

export function criPullMode(input: PullModeInput, profile: BehaviourProfile): { mode: PullMode; reason: string; decisions: Decision[] } {
  const decisions: Decision[] = [];
  let mode: PullMode;
  let reason: string;
  const { images } = input;
  if (profile.criDefaultPullMode === 'transfer') {
    const forced: string[] = [];
    if (images.disable_snapshot_annotations === false) forced.push('disable_snapshot_annotations = false');
    if (images.discard_unpacked_layers === true) forced.push('discard_unpacked_layers');
    if (input.hasMirrors) forced.push('registry.mirrors');
    if (input.hasConfigs) forced.push('registry.configs');
    if (input.hasAuths) forced.push('registry.auths');
    if (typeof images.max_concurrent_downloads === 'number' && images.max_concurrent_downloads !== 3) forced.push('max_concurrent_downloads');
    if (images.image_pull_with_sync_fs === true) forced.push('image_pull_with_sync_fs');
    if (input.useLocalImagePull === true) {
      mode = 'local';
      reason = 'use_local_image_pull = true';
    } else if (forced.length > 0) {
      mode = 'local';
      reason = `forced local by ${forced.join(', ')}`;
      for (const f of forced) {
        decisions.push({
          code: 'config.pull-mode-forced-local',
          severity: 'info',
          message: `${f} is incompatible with the transfer service: CRI falls back to local image pull mode`,
          containerdLog: `level=warning msg="Found '${f.split(' ')[0]}' in CRI config which is incompatible with transfer service (…). Falling back to local image pull mode."`,
          source: 'criLocalPullConfigs',
        });
      }
    } else {
      mode = 'transfer';
      reason = `transfer service is the CRI default in ${profile.label} (use_local_image_pull not set)`;
    }
  } else {
    mode = 'local';
    reason = `${profile.label} CRI always pulls locally (transfer service is the default from 2.1.0)`;
    if (input.useLocalImagePull !== undefined && profile.version.major >= 2) {
      decisions.push({ code: 'config.use-local-unknown', severity: 'info', message: `use_local_image_pull has no effect in ${profile.label} (it exists from 2.1.0)`, source: 'criPullMode' });
    }
  }
  if (!profile.criConfigPath) reason += '; config_path does not exist before 1.5';
  return { mode, reason, decisions };
}
