/**
 * config.toml layer (containerd v2.1.9 cmd/containerd/server/config/config.go): does containerd start
 * with it, does the CRI plugin load, and does CRI read the hosts folders (config_path in the right
 * table for the version, existing folders, no legacy `mirrors` next to it, applied by a restart). The
 * checks live in the config-*.ts modules, one concern each; this is their list, in the order they run.
 */
import type { Check } from './types.js';
import { configImportsReplace, configMissing, configParseError, configUnreadable, configVersionMissing, configVersionUnsupported } from './config-file.js';
import { criPluginDisabled, criPluginFailed, disabledPluginInvalid } from './config-cri-plugin.js';
import { legacyMirrorPathWithoutV2, legacyMirrors, mirrorsWithConfigPath } from './config-legacy-mirrors.js';
import { configPathListTransfer, configPathMismatch, configPathMissingDir, configPathUnset, configPathWrongSection, transferConfigPathUnused } from './config-path.js';
import { restartRequired } from './config-restart-required.js';
import { configsTlsIgnored } from './configs-tls-ignored.js';
import { configsTlsNotForMirror } from './configs-tls-not-for-mirror.js';
import { configsAuthNotForMirror } from './configs-auth-not-for-mirror.js';
import { configsKeyNotAHost } from './configs-key-not-a-host.js';
import { mirrorsKeyMisnamed } from './mirrors-key-misnamed.js';
import { registryKeyUnknown } from './registry-key-unknown.js';
import { registriesYamlUnknownKey } from './registries-yaml.js';
import { hostsTomlInConfig } from './config-hosts-toml-lines.js';

export const CONFIG_CHECKS: Check[] = [
  configMissing,
  configUnreadable,
  configParseError,
  configVersionMissing,
  configVersionUnsupported,
  disabledPluginInvalid,
  criPluginDisabled,
  criPluginFailed,
  configPathUnset,
  configPathWrongSection,
  configPathMissingDir,
  configPathMismatch,
  configPathListTransfer,
  transferConfigPathUnused,
  mirrorsWithConfigPath,
  legacyMirrors,
  legacyMirrorPathWithoutV2,
  configsTlsIgnored,
  configsTlsNotForMirror,
  configsAuthNotForMirror,
  configsKeyNotAHost,
  mirrorsKeyMisnamed,
  registryKeyUnknown,
  hostsTomlInConfig,
  configImportsReplace,
  restartRequired,
  registriesYamlUnknownKey,
];
